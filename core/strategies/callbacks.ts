/**
 * The contract between a host (live or backtest) and a sandboxed strategy callback. A callback is
 * a function of (state, snapshot, event) to (new state, actions): the sandbox only records what
 * the strategy asked for, and the host decides and does it afterwards, so nothing inside the
 * sandbox ever holds a host object.
 */
import * as z from 'zod';

export const HANDLERS = ['onStart', 'onQuote', 'onBar', 'onFill', 'onOrder', 'onTimer'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** Per-callback limits; the defaults hold for every tenant, a test may lower them. */
export interface CallbackLimits {
  /**
   * Interrupt polls allowed per callback. QuickJS polls the interrupt handler every few thousand
   * bytecode branches, so this is a deterministic instruction budget (about 5,000 loop
   * iterations per poll), independent of the machine's load.
   */
  interruptBudget: number;
  /** A wall-clock backstop for native code that branches rarely (a huge `Array.fill`). */
  wallClockMs: number;
  /** QuickJS heap limit. */
  memoryBytes: number;
  /** Hard cap of the strategy's WebAssembly memory (its own module instance). */
  wasmMemoryBytes: number;
  stackBytes: number;
  /** Orders one callback may ask for. */
  ordersPerCallback: number;
  /** Orders per minute of event time. */
  ordersPerMinute: number;
  logLinesPerCallback: number;
  logBytesPerCallback: number;
  /** Serialized `ctx.state` size. */
  stateBytes: number;
  timers: number;
}

export const DEFAULT_LIMITS: CallbackLimits = {
  interruptBudget: 400,
  wallClockMs: 2_000,
  memoryBytes: 32 * 1024 * 1024,
  wasmMemoryBytes: 64 * 1024 * 1024,
  stackBytes: 256 * 1024,
  ordersPerCallback: 10,
  ordersPerMinute: 60,
  logLinesPerCallback: 50,
  logBytesPerCallback: 16 * 1024,
  stateBytes: 64 * 1024,
  timers: 20,
};

/** A working order as `ctx.orders()` shows it. */
export interface CtxOrder {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  type: string;
  limitPrice: string | null;
  stopPrice: string | null;
  status: string;
  filledQuantity: string;
}

/** What a callback sees besides its event: a read-only snapshot taken by the host. */
export interface CallbackSnapshot {
  strategyId: string;
  version: number;
  params: Record<string, unknown>;
  state: Record<string, unknown>;
  /** Event time, ms since epoch: `ctx.now`. */
  now: number;
  /** Seeds `ctx.random` (and `Math.random`): the same event gives the same numbers. */
  seed: number;
  /** Position per symbol, as decimal strings. */
  positions: Record<string, string>;
  orders: CtxOrder[];
  /** Prefix of the clientOrderIds this callback's orders get, unique per strategy and event. */
  orderPrefix: string;
}

export interface CallbackInput {
  handler: HandlerName;
  arg: unknown;
  snapshot: CallbackSnapshot;
}

export const PlaceOrderAction = z.strictObject({
  kind: z.literal('placeOrder'),
  body: z.record(z.string(), z.unknown()),
});
export const CancelOrderAction = z.strictObject({
  kind: z.literal('cancelOrder'),
  id: z.string().min(1).max(80),
});
export const SetTimerAction = z.strictObject({
  kind: z.literal('setTimer'),
  name: z.string().min(1).max(64),
  afterMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000),
});
export const Action = z.discriminatedUnion('kind', [PlaceOrderAction, CancelOrderAction, SetTimerAction]);
export type Action = z.output<typeof Action>;

export const LogLine = z.strictObject({
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});

/** What a callback returned, validated by the host whatever the sandbox produced. */
export const CallbackOutput = z.strictObject({
  actions: z.array(Action),
  state: z.record(z.string(), z.unknown()),
  logs: z.array(LogLine),
});
export type CallbackOutput = z.output<typeof CallbackOutput>;

/** Stable failure codes: why a strategy was stopped. */
export const FAILURES = {
  threw: 'STRATEGY_THREW',
  cpu: 'STRATEGY_CPU_LIMIT',
  memory: 'STRATEGY_MEMORY_LIMIT',
  orders: 'STRATEGY_ORDER_LIMIT',
  logs: 'STRATEGY_LOG_LIMIT',
  state: 'STRATEGY_STATE_LIMIT',
  output: 'STRATEGY_BAD_OUTPUT',
  tampered: 'STRATEGY_TAMPERED',
  load: 'STRATEGY_LOAD_FAILED',
  crashed: 'STRATEGY_SANDBOX_CRASHED',
} as const;
export type FailureCode = (typeof FAILURES)[keyof typeof FAILURES];

/** A callback's outcome: its output, or the reason the strategy must stop. */
export type CallbackResult =
  | { ok: true; output: CallbackOutput; cpuMs: number }
  | { ok: false; failure: { code: FailureCode; detail: string }; cpuMs: number };

/** Runs callbacks of one loaded strategy; the sandbox implements it, so do tests. */
export interface StrategyRunner {
  call(input: CallbackInput): Promise<CallbackResult>;
  dispose(): void;
}

/** Checks the limits that hold whatever the host does with the output; a failure or undefined. */
export function checkOutput(
  output: CallbackOutput,
  limits: CallbackLimits,
): { code: FailureCode; detail: string } | undefined {
  const orders = output.actions.filter((a) => a.kind === 'placeOrder').length;
  if (orders > limits.ordersPerCallback)
    return {
      code: FAILURES.orders,
      detail: `placed ${orders} orders in one callback; the limit is ${limits.ordersPerCallback}`,
    };
  if (output.logs.length > limits.logLinesPerCallback)
    return {
      code: FAILURES.logs,
      detail: `logged ${output.logs.length} lines in one callback; the limit is ${limits.logLinesPerCallback}`,
    };
  const logBytes = output.logs.reduce((n, l) => n + l.message.length, 0);
  if (logBytes > limits.logBytesPerCallback)
    return {
      code: FAILURES.logs,
      detail: `logged ${logBytes} bytes in one callback; the limit is ${limits.logBytesPerCallback}`,
    };
  const stateBytes = JSON.stringify(output.state).length;
  if (stateBytes > limits.stateBytes)
    return {
      code: FAILURES.state,
      detail: `ctx.state is ${stateBytes} bytes of JSON; the limit is ${limits.stateBytes}`,
    };
  return undefined;
}

/**
 * Applies the orders-per-minute limit over event time: the order times kept after this callback,
 * or a failure when the window would hold more than the limit.
 */
export function orderRate(
  previous: number[],
  now: number,
  placed: number,
  limits: CallbackLimits,
): { times: number[] } | { failure: { code: FailureCode; detail: string } } {
  const recent = previous.filter((t) => t > now - 60_000);
  if (recent.length + placed > limits.ordersPerMinute)
    return {
      failure: {
        code: FAILURES.orders,
        detail: `${recent.length + placed} orders within a minute; the limit is ${limits.ordersPerMinute}`,
      },
    };
  return { times: [...recent, ...Array.from({ length: placed }, () => now)] };
}

/** A 32-bit seed from text (FNV-1a), for `ctx.random`. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The Idempotency-Key of the n-th order a callback placed: the strategy, its version and the
 * triggering event name it, so a redelivered event replays the same keys and places nothing new.
 */
export function strategyOrderKey(strategyId: string, version: number, eventId: string, n: number): string {
  return `strategy:${strategyId}:v${version}:${eventId}:${n}`;
}

/** The clientOrderId prefix of a callback's orders (clientOrderIds are at most 64 characters). */
export function orderPrefix(strategyId: string, eventId: string): string {
  return `s${seedOf(strategyId).toString(36)}${seedOf(eventId).toString(36)}${eventId.length.toString(36)}`;
}
