import * as z from 'zod';
import { symbolField } from '../orders/order.ts';

export const STRATEGY_STATUSES = ['running', 'stopped', 'failed'] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

/** Upload limits: a strategy is a small module, not an application. */
export const MAX_SOURCE_BYTES = 200 * 1024;
export const MAX_SYMBOLS = 20;
export const MAX_PARAMS_BYTES = 8 * 1024;
export const MAX_STRATEGIES_PER_TENANT = 50;

/** Why a strategy was stopped by the host; `code` is stable, `detail` is for people. */
export interface StrategyFailure {
  code: string;
  detail: string;
  at: string;
}

export interface StrategyStats {
  events: number;
  orders: number;
  cpuMs: number;
}

/** A tenant's strategy: its current version, what it trades, and whether it runs. */
export interface Strategy {
  id: string;
  tenantId: string;
  name: string;
  version: number;
  params: Record<string, unknown>;
  symbols: string[];
  account?: string;
  status: StrategyStatus;
  failure?: StrategyFailure;
  stats: StrategyStats;
  /** Bumped on every start, so a host that loaded an older run notices the restart. */
  runId: number;
  /** Bumped on every write of the strategy item (optimistic concurrency). */
  rev: number;
  createdAt: string;
  updatedAt: string;
}

/** One uploaded version: the source as sent and the compiled module the sandbox runs. */
export interface StrategyVersion {
  strategyId: string;
  version: number;
  source: string;
  compiled: string;
  createdAt: string;
}

/** A timer the strategy set; `at` is event time (ms since epoch). */
export interface StrategyTimer {
  name: string;
  at: number;
}

/** What the host keeps between events and restarts. */
export interface StrategyRuntime {
  state: Record<string, unknown>;
  timers: StrategyTimer[];
  /** Recently handled event ids, so a redelivered event is not handled twice. */
  recent: string[];
  /** Event times of recent orders, for the orders-per-minute limit. */
  orderTimes: number[];
  runId: number;
}

export interface StrategyLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

const paramsField = z
  .record(z.string(), z.unknown())
  .refine(
    (p) => JSON.stringify(p).length <= MAX_PARAMS_BYTES,
    `params are at most ${MAX_PARAMS_BYTES} bytes of JSON`,
  );

const sourceField = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s) <= MAX_SOURCE_BYTES, `source is at most ${MAX_SOURCE_BYTES} bytes`)
  .meta({
    description: 'TypeScript or JavaScript module source; `export default { onBar(ctx, bar) {...} }`',
  });

/** The body of POST /strategies. */
export const CreateStrategyRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    source: sourceField,
    params: paramsField.default({}),
    symbols: z.array(symbolField).max(MAX_SYMBOLS).default([]),
    account: z
      .string()
      .regex(/^[A-Za-z0-9]{1,20}$/)
      .optional(),
  })
  .meta({ id: 'CreateStrategyRequest' });
export type CreateStrategyRequest = z.output<typeof CreateStrategyRequest>;

/** The body of PUT /strategies/{id}: a new version (new source) and/or new params and symbols. */
export const UpdateStrategyRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    source: sourceField.optional(),
    params: paramsField.optional(),
    symbols: z.array(symbolField).max(MAX_SYMBOLS).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'Give at least one of name, source, params, symbols')
  .meta({ id: 'UpdateStrategyRequest' });
export type UpdateStrategyRequest = z.output<typeof UpdateStrategyRequest>;

/** The strategy as the HTTP contract shows it. */
export function strategyView(s: Strategy) {
  return {
    id: s.id,
    name: s.name,
    version: s.version,
    params: s.params,
    symbols: s.symbols,
    account: s.account ?? null,
    status: s.status,
    ...(s.failure ? { failure: { code: s.failure.code, detail: s.failure.detail, at: s.failure.at } } : {}),
    stats: s.stats,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** Where an order came from, as stored on the order and shown with it. */
export interface OrderSource {
  strategyId: string;
  version: number;
}

/** The detail of `strategy.started`, `strategy.stopped` and `strategy.failed` on the bus. */
export interface StrategyEventDetail {
  schemaVersion: 1;
  eventId: string;
  type: 'strategy.started' | 'strategy.stopped' | 'strategy.failed';
  tenantId: string;
  strategyId: string;
  version: number;
  at: string;
  actor: string;
  failure?: { code: string; detail: string };
}

export const STRATEGY_EVENT_TYPES = ['strategy.started', 'strategy.stopped', 'strategy.failed'] as const;
