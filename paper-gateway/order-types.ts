/**
 * The matching engine's vocabulary: order and execution records, the events it emits, what a
 * new order must satisfy, and the hooks it needs from its host.
 */
import type { SimulatedOrderType, SimulatedTif } from './decoder.ts';
import type { Account } from './accounts.ts';
import type { PriceBook } from './prices.ts';
import type { DerivativeTerms } from './instruments/terms.ts';

/** Order statuses as IB names them. */
export type OrderStatus =
  'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive';

/** Statuses after which an order never changes again. */
export const DONE_STATUSES: ReadonlySet<OrderStatus> = new Set(['Cancelled', 'Filled', 'Inactive']);

/** What the client asked for (placeOrder), as the engine simulates it. */
export interface OrderTerms {
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: SimulatedOrderType;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: SimulatedTif;
  outsideRth: boolean;
  orderRef: string;
  /** TRAIL: the trail in percent of the price (auxPrice holds a trail amount instead). */
  trailingPercent?: number;
  /** TRAIL: the current stop price (the initial one as placed, then as it followed the market). */
  trailStopPrice?: number;
  /** GTD: when the order expires (epoch ms on the gateway's clock). */
  goodTillDate?: number;
}

/** How an order is linked to others (attached children, OCA groups, staging). */
export interface OrderLinks {
  /** The key of the parent an attached child waits for. */
  parentKey?: string;
  ocaGroup?: string;
  /** IB's ocaType: 1 cancel the others, 2 reduce them with block, 3 reduce without block. */
  ocaType?: number;
  /** Sent with transmit=false: held at the gateway (Inactive) until transmitted. */
  staged?: boolean;
}

/** One order as the gateway knows it. */
export interface OrderRecord extends OrderTerms, OrderLinks {
  /** `${clientId}:${orderId}` for API orders, `perm:${permId}` for orders entered by hand. */
  key: string;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  symbol: string;
  conId: number;
  primaryExch: string;
  currency: string;
  exchange: string;
  status: OrderStatus;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
  /** Sum of shares × price over fills, as a decimal string. */
  filledValue: string;
  /** Commission charged so far, as a decimal string. */
  commission: string;
  /** Stop orders become live once their stop price is touched. */
  triggered: boolean;
  manual: boolean;
  whyHeld: string;
  createdAt: number;
  completedAt: number | null;
  completedStatus: string;
  /** A derivative's or currency pair's contract terms (absent for stocks). */
  derivative?: DerivativeTerms;
}

/** One execution (fill). */
export interface ExecutionRecord {
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  orderKey: string;
  orderRef: string;
  account: string;
  symbol: string;
  conId: number;
  primaryExch: string;
  currency: string;
  exchange: string;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  time: number;
  commission: string;
  /** Null when the fill opened or added to a position (IB leaves the field unset then). */
  realizedPnl: string | null;
  manual: boolean;
  /** A derivative's or currency pair's contract terms (absent for stocks). */
  derivative?: DerivativeTerms;
}

/** What the engine tells the server. */
export type EngineEvent =
  | { kind: 'status'; order: OrderRecord; openOrder: boolean }
  | { kind: 'execution'; order: OrderRecord; execution: ExecutionRecord }
  | { kind: 'error'; order: OrderRecord; code: number; message: string };

/** The fields of a new order the engine needs. */
export interface NewOrder extends OrderTerms, OrderLinks {
  orderId: number;
  clientId: number;
  account: string;
  symbol: string;
  manual?: boolean;
}

/** Working orders per contract, side and account that IB allows. */
export const MAX_WORKING_PER_SIDE = 20;

/** Hooks the engine needs from its host. */
export interface EngineHost {
  prices: PriceBook;
  account(id: string): Account;
  nextPermId(): number;
  nextExecId(): string;
  now(): number;
  /** Whether regular trading hours are on. */
  isRth(): boolean;
  /** Whether an extended (pre-market or after-hours) session is on; default: whenever RTH is off. */
  isExtendedHours?(): boolean;
}

/** A reason the order cannot be accepted, or undefined. */
export function validateNewOrder(order: NewOrder, prices: PriceBook): string | undefined {
  if (!Number.isFinite(order.totalQuantity) || order.totalQuantity <= 0) {
    return `Invalid order size ${order.totalQuantity}: the total quantity must be positive.`;
  }
  if (!Number.isInteger(order.totalQuantity))
    return `Invalid order size ${order.totalQuantity}: fractional shares are not supported.`;
  const needsLimit = order.orderType === 'LMT' || order.orderType === 'STP LMT';
  const needsStop = order.orderType === 'STP' || order.orderType === 'STP LMT';
  if (order.orderType === 'TRAIL') {
    const byAmount = order.auxPrice !== undefined && order.auxPrice > 0;
    const byPercent = order.trailingPercent !== undefined && order.trailingPercent > 0;
    if (byAmount === byPercent)
      return 'A TRAIL order needs either a positive trailing amount (auxPrice) or a trailing percent, not both.';
  }
  if (order.tif === 'GTD' && order.goodTillDate === undefined)
    return 'A GTD order needs a goodTillDate (yyyyMMdd HH:mm:ss UTC).';
  if (needsLimit && (order.lmtPrice === undefined || order.lmtPrice <= 0)) {
    return `Invalid limit price ${order.lmtPrice ?? '(unset)'}: a ${order.orderType} order needs a positive limit price.`;
  }
  if (needsStop && (order.auxPrice === undefined || order.auxPrice <= 0)) {
    return `Invalid stop price ${order.auxPrice ?? '(unset)'}: a ${order.orderType} order needs a positive stop price.`;
  }
  for (const [name, price] of [
    ['limit', needsLimit ? order.lmtPrice : undefined],
    ['stop', needsStop ? order.auxPrice : undefined],
  ] as const) {
    if (price !== undefined && !prices.onTick(order.symbol, price)) {
      return `The ${name} price ${price} does not conform to the minimum price variation of ${prices.spec(order.symbol).tick} for this contract.`;
    }
  }
  return undefined;
}
