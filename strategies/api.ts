/**
 * Types for strategy authors (`import type` only: a strategy module can import nothing at run
 * time). The guide is docs/strategies.md.
 */
import type { CtxOrder } from '../core/strategies/callbacks.ts';

export interface OrderBody {
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number | string;
  type: 'market' | 'limit' | 'stop' | 'stop_limit';
  limitPrice?: number | string;
  stopPrice?: number | string;
  timeInForce?: 'day' | 'gtc' | 'ioc' | 'fok';
  clientOrderId?: string;
  account?: string;
  outsideRth?: boolean;
}

/** A working order as `ctx.orders()` shows it (the host's own type, so the two never drift). */
export type WorkingOrder = CtxOrder;

export interface Bar {
  symbol: string;
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface Quote {
  symbol: string;
  bid: number | null;
  ask: number | null;
  last: number | null;
  at: string;
}

export interface Fill {
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  commission: number;
  at: string;
}

export interface Ctx<
  State extends Record<string, unknown> = Record<string, unknown>,
  Params = Record<string, unknown>,
> {
  /** Same body as POST /orders; returns the order's clientOrderId. */
  placeOrder(body: OrderBody): string;
  /** By order id or clientOrderId. */
  cancelOrder(id: string): void;
  /** Signed position in the symbol (negative when short). */
  position(symbol: string): number;
  /** The strategy's working orders. */
  orders(): WorkingOrder[];
  /** Kept between events and restarts; a JSON object. */
  state: State;
  readonly params: Params;
  /** The event's time, ms since epoch (also what `Date.now()` returns). */
  readonly now: number;
  /** Seeded per event: the same event gives the same numbers (also `Math.random`). */
  random(): number;
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  setTimer(name: string, afterMs: number): void;
  readonly strategyId: string;
  readonly version: number;
}

/** The default export of a strategy module; every handler is optional. */
export interface Strategy<
  State extends Record<string, unknown> = Record<string, unknown>,
  Params = Record<string, unknown>,
> {
  onStart?(ctx: Ctx<State, Params>): void | Promise<void>;
  onQuote?(ctx: Ctx<State, Params>, quote: Quote): void | Promise<void>;
  onBar?(ctx: Ctx<State, Params>, bar: Bar): void | Promise<void>;
  onFill?(ctx: Ctx<State, Params>, fill: Fill): void | Promise<void>;
  onOrder?(ctx: Ctx<State, Params>, order: WorkingOrder): void | Promise<void>;
  onTimer?(ctx: Ctx<State, Params>, name: string): void | Promise<void>;
}
