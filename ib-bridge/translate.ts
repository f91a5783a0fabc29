/**
 * IB translation: IB's messages into core's reports, core's orders into IB's wire terms. No
 * decisions here; the tables of what IB's statuses and codes mean are core's (core/bridge/mapping.ts).
 */
import { effectiveTerms, type ExecutionReport } from '../core/bridge/apply.ts';
import type { StatusReport } from '../core/bridge/mapping.ts';
import { Dec } from '../core/money.ts';
import type { Order } from '../core/orders/order.ts';
import type { Contract, Execution, IbOrder } from './ib.ts';

/**
 * The IB contract of an order: a plain `symbol` order is a US stock routed SMART; a qualified
 * instrument goes by its conId, with the exchange, secType and currency IB still wants beside it.
 */
export function contractOf(order: Order): Contract {
  const i = order.instrument;
  if (!i)
    return { symbol: ibSymbol(order.symbol), secType: 'STK', exchange: 'SMART', currency: 'USD' } as Contract;
  return {
    conId: i.conId,
    symbol: i.symbol,
    secType: i.secType,
    exchange: i.exchange,
    currency: i.currency,
    ...(i.localSymbol ? { localSymbol: i.localSymbol } : {}),
  } as Contract;
}

/** How a group's leg is tied to the others at IB. */
export interface IbGroupLinks {
  /** The IB order id of the leg's parent (the bracket's or OTO's entry). */
  parentBrokerOrderId?: number;
}

/**
 * IB's group fields: attached orders carry their parent's IB order id and go out with
 * transmit=false until the last one (transmit=true) sends the whole group; OCO legs share an OCA
 * group of type 1 (a fill cancels the others).
 */
function groupTerms(order: Order, links: IbGroupLinks): Partial<IbOrder> {
  const group = order.group;
  if (!group) return { transmit: true };
  return {
    transmit: !group.held,
    ...(links.parentBrokerOrderId !== undefined ? { parentId: links.parentBrokerOrderId } : {}),
    ...(group.orderClass === 'oco' ? { ocaGroup: `oms-${group.groupId}`, ocaType: 1 } : {}),
  };
}

/** The IB order for our order's current terms; `account` is the bridge's default (IB_ACCOUNT). */
export function ibOrderOf(order: Order, account: string | undefined, links: IbGroupLinks = {}): IbOrder {
  const terms = effectiveTerms(order);
  return {
    action: order.side === 'buy' ? 'BUY' : 'SELL',
    totalQuantity: terms.quantity.toNumber(),
    orderType: IB_ORDER_TYPES[order.type],
    ...(terms.limitPrice ? { lmtPrice: terms.limitPrice.toNumber() } : {}),
    ...stopTerms(order, terms.stopPrice),
    tif: IB_TIFS[order.timeInForce],
    ...(order.expireAt ? { goodTillDate: ibUtcTime(order.expireAt) } : {}),
    outsideRth: order.outsideRth,
    // The contract: our order id travels with the order, so the broker can always name it.
    orderRef: order.id,
    ...groupTerms(order, links),
    ...((order.account ?? account) ? { account: order.account ?? account } : {}),
  } as IbOrder;
}

/**
 * IB's TRAIL: `auxPrice` is the trailing amount (or `trailingPercent`), `trailStopPrice` the
 * initial stop; other stop orders carry their stop price in `auxPrice`.
 */
function stopTerms(order: Order, stopPrice: Dec | undefined): Partial<IbOrder> {
  if (order.type !== 'trailing_stop') return stopPrice ? { auxPrice: stopPrice.toNumber() } : {};
  return {
    ...(order.trailAmount ? { auxPrice: order.trailAmount.toNumber() } : {}),
    ...(order.trailPercent ? { trailingPercent: order.trailPercent.toNumber() } : {}),
    ...(stopPrice ? { trailStopPrice: stopPrice.toNumber() } : {}),
  };
}

/** An ISO time as IB's `yyyyMMdd-HH:mm:ss` (UTC), the form goodTillDate accepts without a zone name. */
export function ibUtcTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const UNSET = 1e300;

/** A decimal from IB's numbers (1.7976931348623157E308 means unset) and decimal strings. */
export function dec(value: unknown): Dec | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < UNSET)
    return new Dec(String(value));
  if (typeof value === 'string' && value !== '') return new Dec(value);
  if (value && typeof value === 'object' && 'toString' in value) {
    const text = String(value);
    return /^-?\d+(\.\d+)?$/.test(text) ? new Dec(text) : undefined;
  }
  return undefined;
}

/** A status report from an openOrder (with the terms the broker holds) or a completedOrder. */
export function reportOf(order: IbOrder, status: string, withTerms: boolean): StatusReport {
  const quantity = dec(order.totalQuantity);
  const limitPrice = dec(order.lmtPrice);
  // A TRAIL order's auxPrice is its trailing amount, and its stop moves by itself: no stop term.
  const stopPrice = order.orderType === 'TRAIL' ? undefined : dec(order.auxPrice);
  const filled = dec((order as { filledQuantity?: unknown }).filledQuantity);
  return {
    status,
    ...(order.permId ? { permId: order.permId } : {}),
    ...(filled !== undefined ? { filled } : {}),
    ...(withTerms && quantity
      ? {
          terms: {
            quantity,
            ...(limitPrice && limitPrice.gt(0) ? { limitPrice } : {}),
            ...(stopPrice && stopPrice.gt(0) ? { stopPrice } : {}),
          },
        }
      : {}),
  };
}

/** An execDetails as core's execution report (without its commission: that follows). */
export function executionReport(e: Execution, account: string | undefined): ExecutionReport {
  return {
    execId: e.execId ?? '',
    side: executionSide(e.side ?? ''),
    quantity: new Dec(String(e.shares ?? 0)),
    price: new Dec(String(e.price ?? 0)),
    at: execTime(e.time),
    account: e.acctNumber || account || 'default',
    ...(e.permId ? { permId: e.permId } : {}),
    ...(e.orderId ? { brokerOrderId: e.orderId } : {}),
  };
}

/** What the log says about an order at the broker the OMS did not place. */
export function summary(order: IbOrder): Record<string, unknown> {
  return {
    action: order.action,
    quantity: order.totalQuantity,
    orderType: order.orderType,
    lmtPrice: order.lmtPrice,
    clientId: order.clientId,
    orderId: order.orderId,
  };
}

/** IB execution time (`yyyymmdd hh:mm:ss` with a zone) → ISO; the receipt time if unreadable. */
export function execTime(text: string | undefined): string {
  const m = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2}):(\d{2})\s*(.*)$/.exec((text ?? '').trim());
  if (m && (m[7] === '' || /^(UTC|GMT|Greenwich Mean Time|Etc\/UTC)$/i.test(m[7] ?? ''))) {
    return new Date(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
    ).toISOString();
  }
  return new Date().toISOString();
}

/** The executions filter time (`yyyymmdd-hh:mm:ss`, UTC) for a watermark, `marginMs` earlier. */
export function executionsSince(iso: string | undefined, marginMs: number): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) - marginMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** IB's names for our order types and times in force. */
export const IB_ORDER_TYPES = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
  stop_limit: 'STP LMT',
  trailing_stop: 'TRAIL',
} as const;
export const IB_TIFS = { day: 'DAY', gtc: 'GTC', ioc: 'IOC', fok: 'FOK', gtd: 'GTD' } as const;

/** IB writes class shares with a space (BRK B); we write BRK.B. */
export function ibSymbol(symbol: string): string {
  return symbol.replace('.', ' ');
}

export function fromIbSymbol(symbol: string): string {
  return symbol.trim().replace(' ', '.');
}

/** IB execution side (BOT/SLD) → ours. */
export function executionSide(side: string): 'buy' | 'sell' {
  return side === 'SLD' || side.toUpperCase() === 'SELL' ? 'sell' : 'buy';
}
