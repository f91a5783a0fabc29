import { Dec } from '../money.ts';
import type { NewOrderRequest, Side } from '../orders/order.ts';
import type { KillSwitchState, RiskLimits } from './limits.ts';

/** Stable codes of risk denials, as clients see them in 422 problems and in rejected orders. */
export const RISK_CODES = {
  killSwitch: 'RISK_KILL_SWITCH',
  restrictedSymbol: 'RISK_RESTRICTED_SYMBOL',
  symbolNotAllowed: 'RISK_SYMBOL_NOT_ALLOWED',
  maxOrderQuantity: 'RISK_MAX_ORDER_QUANTITY',
  noReferencePrice: 'RISK_NO_REFERENCE_PRICE',
  priceCollar: 'RISK_PRICE_COLLAR',
  maxOrderNotional: 'RISK_MAX_NOTIONAL',
  maxOpenOrders: 'RISK_MAX_OPEN_ORDERS',
  maxGrossExposure: 'RISK_MAX_GROSS_EXPOSURE',
  maxPosition: 'RISK_MAX_POSITION',
  maxOrderRate: 'RISK_MAX_ORDER_RATE',
  dailyLoss: 'RISK_DAILY_LOSS_LIMIT',
} as const;
export type RiskCode = (typeof RISK_CODES)[keyof typeof RISK_CODES];

/** Why an order was denied; a denied order becomes a `rejected` order carrying this. */
export interface RiskDenial {
  code: RiskCode;
  reason: string;
}

/** The order's fields the checks look at (a new order, or an order as a modification would leave it). */
export interface OrderIntent {
  symbol: string;
  side: Side;
  quantity: Dec;
  type: NewOrderRequest['type'];
  limitPrice?: Dec;
  stopPrice?: Dec;
  /** Base-currency value of one unit of price per unit of quantity: multiplier × FX (1 for a US stock). */
  valuePerPrice?: Dec;
}

/** The price a notional is computed at: the order's own price, else the reference price. */
export function unitPrice(intent: OrderIntent, referencePrice: Dec | undefined): Dec | undefined {
  if (intent.type === 'limit' || intent.type === 'stop_limit') return intent.limitPrice;
  if (intent.type === 'stop') return intent.stopPrice;
  // A trailing stop without an initial stop starts at the market: the reference price sizes it.
  if (intent.type === 'trailing_stop') return intent.stopPrice ?? referencePrice;
  return referencePrice;
}

/**
 * The checks that need only the order, the limits and a price. The counting limits are checked
 * by the store, atomically with the order's creation. Returns the first denial, or the unit
 * price the order's notional was computed at.
 */
export function checkOrder(
  intent: OrderIntent,
  limits: RiskLimits,
  killSwitch: KillSwitchState,
  referencePrice: Dec | undefined,
): { denial: RiskDenial } | { unitPrice: Dec } {
  const deny = (code: RiskCode, reason: string) => ({ denial: { code, reason } });

  if (killSwitch.engaged) {
    return deny(
      RISK_CODES.killSwitch,
      `Trading is halted by the kill switch: ${killSwitch.reason ?? 'no reason given'}`,
    );
  }
  if (limits.restrictedSymbols.includes(intent.symbol)) {
    return deny(RISK_CODES.restrictedSymbol, `${intent.symbol} is on the restricted list`);
  }
  if (limits.allowedSymbols !== null && !limits.allowedSymbols.includes(intent.symbol)) {
    return deny(RISK_CODES.symbolNotAllowed, `${intent.symbol} is not on the allowed list`);
  }
  if (limits.maxOrderQuantity !== null && intent.quantity.gt(limits.maxOrderQuantity)) {
    return deny(
      RISK_CODES.maxOrderQuantity,
      `Quantity ${intent.quantity.toFixed()} exceeds the maximum order quantity ${limits.maxOrderQuantity.toFixed()}`,
    );
  }

  const price = unitPrice(intent, referencePrice);
  if (price === undefined) {
    if (limits.marketOrderWithoutPrice === 'reject') {
      return deny(
        RISK_CODES.noReferencePrice,
        `No quote or reference price for ${intent.symbol}, so the order's notional cannot be checked`,
      );
    }
  }

  if (limits.priceCollarPercent !== null && referencePrice !== undefined && referencePrice.gt(0)) {
    const collar = limits.priceCollarPercent.div(100);
    for (const [name, p] of [
      ['limit price', intent.limitPrice],
      ['stop price', intent.stopPrice],
    ] as const) {
      if (p === undefined) continue;
      const deviation = p.minus(referencePrice).abs().div(referencePrice);
      if (deviation.gt(collar)) {
        return deny(
          RISK_CODES.priceCollar,
          `The ${name} ${p.toFixed()} is ${deviation.mul(100).toDecimalPlaces(2).toFixed()}% from the reference ` +
            `price ${referencePrice.toFixed()}; the collar is ${limits.priceCollarPercent.toFixed()}%`,
        );
      }
    }
  }

  const effectivePrice = (price ?? new Dec(0)).mul(intent.valuePerPrice ?? 1);
  const notional = intent.quantity.mul(effectivePrice);
  if (limits.maxOrderNotional !== null && notional.gt(limits.maxOrderNotional)) {
    return deny(
      RISK_CODES.maxOrderNotional,
      `Notional ${notional.toFixed()} exceeds the maximum order notional ${limits.maxOrderNotional.toFixed()}`,
    );
  }
  return { unitPrice: effectivePrice };
}

/** Today's trading day in UTC, the key of the tenant's daily P&L. */
export function tradingDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
