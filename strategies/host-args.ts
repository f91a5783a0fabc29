/**
 * The strategy host's ports, and what it hands a strategy's callbacks: orders and quotes in the
 * shape `ctx` documents.
 */
import type { MarketDataTypeId, Quote } from '../core/marketdata/quote.ts';
import type { Order } from '../core/orders/order.ts';
import { orderView } from '../core/orders/order.ts';
import type { OrderDeps } from '../core/orders/service.ts';
import type { PositionReader } from '../core/positions/service.ts';
import type { CallbackLimits } from '../core/strategies/callbacks.ts';
import type { StrategyStore } from '../core/strategies/ports.ts';
import type { StrategyMarketData } from './market-data.ts';

export interface HostLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface HostDeps {
  store: StrategyStore;
  orders: OrderDeps;
  positions: PositionReader;
  quotes: { get(symbol: string): Promise<Quote | undefined> };
  log: HostLogger;
  /** Subscribes the market data running strategies declare; without it, none is subscribed. */
  marketData?: StrategyMarketData;
  limits?: CallbackLimits;
  /** The host's clock, for timers only (callbacks see event time). */
  clock?: () => number;
}

/** A bus event as the host receives it (EventBridge `detail-type` and `detail`). */
export interface BusEvent {
  detailType: string;
  detail: Record<string, unknown>;
}

export function ctxOrder(o: Order) {
  const v = orderView(o);
  return {
    id: v.id,
    clientOrderId: v.clientOrderId,
    symbol: v.symbol,
    side: v.side,
    quantity: v.quantity,
    type: v.type,
    limitPrice: v.limitPrice,
    stopPrice: v.stopPrice,
    status: v.status,
    filledQuantity: v.filledQuantity,
  };
}

export function quoteArg(q: Quote) {
  const n = (v: string | undefined) => (v === undefined ? null : Number(v));
  return {
    symbol: q.symbol,
    bid: n(q.bid),
    ask: n(q.ask),
    last: n(q.last),
    at: q.at,
    delayed: q.marketDataType !== (1 as MarketDataTypeId),
  };
}
