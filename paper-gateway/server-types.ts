/**
 * The paper gateway's public types: its options, what it records of each placement, and the
 * in-process control interface (faults, clock and inspection) the HTTP control server exposes.
 */
import type { PositionView } from './accounts.ts';
import type { SimulatedOrderType, SimulatedTif } from './decoder.ts';
import type { ExecutionRecord, OrderRecord } from './matching.ts';
import type { Quote, QuoteUpdate, SymbolSpec } from './prices.ts';
import type { SessionState } from './sessions.ts';

/** Options of a paper gateway. */
export interface PaperGatewayOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** null = no HTTP control interface; 0 = a free port. */
  controlPort?: number | null;
  seed?: number;
  universe?: SymbolSpec[];
  stateFile?: string;
  /** Default 'DU1234567'. */
  account?: string;
  /** Price step interval; 0 = steps only on demand (control.step). Default 1000. */
  tickIntervalMs?: number;
  /** Messages per second per client before error 100; 0 disables pacing. Default 50. */
  pacingLimit?: number;
  /** Client ids exempt from pacing (benchmarks). */
  unpacedClientIds?: number[];
  /** Whether regular trading hours are on at start. Default true. */
  rth?: boolean;
  /** Simulated clock start (epoch ms or ISO date-time); default now. */
  clockStart?: number | string;
  /** Simulated milliseconds per wall millisecond; default 1. */
  clockRate?: number;
  /**
   * 'always' (default): the regular session never ends, whatever the clock says (handy for
   * demos and tests); 'exchange': sessions, weekends and holidays follow the simulated clock.
   */
  tradingHours?: TradingHoursMode;
  /** The control interface's bearer token; default a fresh random one. */
  controlToken?: string;
  /** Where each handshake is logged (one JSON line per handshake); default nowhere. */
  log?: ((line: string) => void) | null;
}

/** How sessions are decided. */
export type TradingHoursMode = 'always' | 'exchange';

/** One placeOrder as received. */
export interface Placement {
  /** High-resolution epoch milliseconds. */
  receivedAt: number;
  clientId: number;
  orderId: number;
  orderRef: string;
  /** The order's permId, or null when it was refused before one was assigned. */
  permId: number | null;
  symbol: string;
  action: string;
  quantity: number | undefined;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  /** True when the order id was already a working order of this client (a modification). */
  modification: boolean;
  /** 'accepted', 'modified', 'what-if' (previewed, nothing placed), or the error code it was refused with. */
  outcome: 'accepted' | 'modified' | 'what-if' | number;
}

/** How often each orderRef was placed as a new order and modified. */
export type PlacementCounts = Record<string, { placed: number; modified: number }>;

/** An order entered by hand, as in TWS. */
export interface ManualOrderInput {
  symbol: string;
  action: 'BUY' | 'SELL';
  quantity: number;
  orderType?: SimulatedOrderType;
  lmtPrice?: number;
  auxPrice?: number;
  tif?: SimulatedTif;
  outsideRth?: boolean;
  orderRef?: string;
}

/** Options of a nightly-reset style restart. */
export interface RestartOptions {
  /** How long the port stays closed. Default 0. */
  downMs?: number;
  /** nextValidId reported after the restart (lower than before reproduces error 103 on reuse). */
  nextValidId?: number;
  /** Expire DAY orders as the session end does. Default false. */
  endSession?: boolean;
}

/** In-process fault injection and inspection; the HTTP control interface exposes the same. */
export interface PaperGatewayControl {
  /** Closes the sockets of one client id, or of every client. Returns how many were closed. */
  dropConnections(clientId?: number): number;
  /** Sends 1100 to every client; order events are withheld until restored. */
  connectivityLost(): void;
  /** Sends 1101 (data lost: market data subscriptions dropped) or 1102 (data maintained). */
  connectivityRestored(dataLost?: boolean): void;
  /** Drops every socket, closes the port, and listens again; orders and executions survive. */
  restart(options?: RestartOptions): Promise<void>;
  /** The next `count` new orders get no orderStatus (fills only visible through execDetails). */
  omitOrderStatus(count?: number): void;
  /** The next `count` new orders get their orderStatus (and openOrder) `ms` late. */
  delayOrderStatus(count: number, ms: number): void;
  /** The next new order is refused with this code (default 201) and reason. */
  rejectNextOrder(code?: number, reason?: string): void;
  /** The next cancel request leaves the order PendingCancel, and it fills before the cancel lands. */
  fillWhilePendingCancel(count?: number): void;
  /** Enters an order by hand (orderId 0, known by permId). */
  enterManualOrder(input: ManualOrderInput): { permId: number; status: string };
  /** Sets quote fields of a symbol and matches against the new quote. */
  setPrice(symbol: string, update: QuoteUpdate): Quote;
  /** Steps the price path of one symbol (or all) `count` times, matching after every step. */
  step(symbol?: string, count?: number): Quote[];
  /** The current quote of a symbol. */
  quote(symbol: string): Quote;
  /** Turns regular trading hours on or off, overriding the calendar until setTradingHoursMode. */
  setTradingHours(rth: boolean): void;
  /** Sessions from the calendar ('exchange') or a regular session always ('always'); clears an override. */
  setTradingHoursMode(mode: TradingHoursMode): void;
  /** The simulated clock (epoch ms) and the session state it gives. */
  clock(): { now: number; iso: string; session: SessionState };
  /** Sets the simulated clock; returns the new clock state. */
  setClock(epochMs: number): { now: number; iso: string; session: SessionState };
  /** Moves the simulated clock forward; returns the new clock state. */
  advanceClock(ms: number): { now: number; iso: string; session: SessionState };
  /** Ends the trading day: DAY orders expire. */
  endSession(): void;
  /** Every placeOrder ever received. */
  placements(): Placement[];
  /** Per orderRef: how many times placed as new, how many times modified. */
  placementsByOrderRef(): PlacementCounts;
  /** Every order's current state. */
  orders(): OrderRecord[];
  /** Every execution. */
  executions(): ExecutionRecord[];
  /** Every position (closed ones at zero). */
  positions(): PositionView[];
  /** Account summary values. */
  accountSummary(): Record<string, string>;
  /** Error-100 messages sent, per client id. */
  pacingViolations(): Record<number, number>;
  /** Messages received from clients (all, or one client id). */
  messageCount(clientId?: number): number;
  /** Client ids connected now. */
  clients(): number[];
}
