/**
 * Risk of an order group (bracket, OTO, OCO) as one decision: what the group can do at worst,
 * not the sum of its legs. A bracket's exits only reduce the position its entry opens, and the
 * legs of an OCO group exclude each other, so counting every leg's notional would refuse groups
 * that fit.
 */
import { Dec, ZERO } from '../money.ts';
import type { GroupRole, OrderClass, Reservation, Side } from '../orders/order.ts';
import type { RiskReservation } from '../orders/ports.ts';
import { RISK_CODES, type RiskDenial } from './checks.ts';
import type { RiskLimits } from './limits.ts';

/** One leg as risk priced it. */
export interface PricedLeg {
  role: GroupRole;
  side: Side;
  symbol: string;
  quantity: Dec;
  /** The unit price the leg's own checks computed its notional at. */
  unitPrice: Dec;
}

/** What the group holds against the counters, and how each leg carries its share. */
export interface GroupReservation {
  /** The counters' move: the group's worst case. */
  total: RiskReservation;
  /** Working orders the group adds (IB counts every leg, held or not). */
  orders: number;
  /** Per leg, in order: Σ legs' contributions equals `total` (see core/risk/exposure.ts). */
  perLeg: Reservation[];
}

const NOTHING: Reservation = { quantity: ZERO, unitPrice: ZERO };

/**
 * The worst case of a group:
 * - bracket / oto: the entry's size and notional; the exits close what the entry opened, so once
 *   the entry fills its position carries the exposure and the exits can only shrink it.
 * - oco: only one leg trades (OCA type 1 cancels the others on a fill), so the largest leg bounds
 *   the group: its largest size at its highest unit price (never less than any one leg).
 * Exits and the OCO legs other than the first carry an empty reservation: they count as working
 * orders and nothing else.
 */
export function groupReservation(
  orderClass: Exclude<OrderClass, 'simple'>,
  legs: PricedLeg[],
): GroupReservation {
  const first = legs[0];
  if (!first) throw new Error('a group has at least one leg');
  if (orderClass === 'oco') {
    const quantity = Dec.max(...legs.map((l) => l.quantity));
    const unitPrice = Dec.max(...legs.map((l) => l.unitPrice));
    return {
      total: { side: first.side, symbol: first.symbol, quantity, notional: quantity.mul(unitPrice) },
      orders: legs.length,
      perLeg: legs.map((_, i) => (i === 0 ? { quantity, unitPrice } : NOTHING)),
    };
  }
  return {
    total: {
      side: first.side,
      symbol: first.symbol,
      quantity: first.quantity,
      notional: first.quantity.mul(first.unitPrice),
    },
    orders: legs.length,
    perLeg: legs.map((l, i) => (i === 0 ? { quantity: l.quantity, unitPrice: l.unitPrice } : NOTHING)),
  };
}

/** Limits the group breaks on its own, whatever the counters hold. */
export function groupAloneBreaks(group: GroupReservation, limits: RiskLimits): RiskDenial | undefined {
  const { total, orders } = group;
  if (limits.maxGrossExposure !== null && total.notional.gt(limits.maxGrossExposure)) {
    return {
      code: RISK_CODES.maxGrossExposure,
      reason: `The group's worst-case notional ${total.notional.toFixed()} alone exceeds the gross exposure limit ${limits.maxGrossExposure.toFixed()}`,
    };
  }
  if (limits.maxPositionQuantity !== null && total.quantity.gt(limits.maxPositionQuantity)) {
    return {
      code: RISK_CODES.maxPosition,
      reason: `Quantity ${total.quantity.toFixed()} alone exceeds the position limit ${limits.maxPositionQuantity.toFixed()} for ${total.symbol}`,
    };
  }
  if (limits.maxOpenOrders !== null && orders > limits.maxOpenOrders) {
    return {
      code: RISK_CODES.maxOpenOrders,
      reason: `The group has ${orders} orders; the open order limit is ${limits.maxOpenOrders}`,
    };
  }
  if (limits.maxOrdersPerSecond !== null && orders > limits.maxOrdersPerSecond) {
    return {
      code: RISK_CODES.maxOrderRate,
      reason: `The group has ${orders} orders; the order rate limit is ${limits.maxOrdersPerSecond} a second`,
    };
  }
  return undefined;
}
