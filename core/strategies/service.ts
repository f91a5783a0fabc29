/** The strategy use cases behind /api/v1/strategies and /api/v1/backtests. */
import { ulid } from 'ulid';
import type * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { zodIssues } from '../validation.ts';
import type { Actor } from '../orders/service.ts';
import { StrategyNotFoundError } from './errors.ts';
import {
  CreateStrategyRequest,
  MAX_STRATEGIES_PER_TENANT,
  UpdateStrategyRequest,
  strategyView,
  type Strategy,
  type StrategyEventDetail,
  type StrategyFailure,
} from './model.ts';
import type { Compiler, StrategyStore } from './ports.ts';

export interface StrategyDeps {
  store: StrategyStore;
  compile: Compiler;
  now?: () => Date;
}

export function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(`Invalid ${what}`, zodIssues(parsed.error, 'body'));
  return parsed.data;
}

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const nowIso = (deps: { now?: () => Date }) => (deps.now?.() ?? new Date()).toISOString();

/** The strategy.* event of a change. */
export function strategyEvent(
  strategy: Strategy,
  type: StrategyEventDetail['type'],
  actor: string,
  at: string,
  failure?: { code: string; detail: string },
): StrategyEventDetail {
  return {
    schemaVersion: 1,
    eventId: `${strategy.id}:${strategy.runId}:${type}`,
    type,
    tenantId: strategy.tenantId,
    strategyId: strategy.id,
    version: strategy.version,
    at,
    actor,
    ...(failure ? { failure } : {}),
  };
}

/** POST /strategies: compile, then store the strategy (stopped) with version 1. */
export async function createStrategy(deps: StrategyDeps, actor: Actor, body: unknown) {
  const request = parse(CreateStrategyRequest, body, 'strategy');
  const compiled = await deps.compile(request.source);
  const at = nowIso(deps);
  const strategy: Strategy = {
    id: ulid(),
    tenantId: actor.tenantId,
    name: request.name,
    version: 1,
    params: request.params,
    symbols: request.symbols,
    ...(request.account ? { account: request.account } : {}),
    status: 'stopped',
    stats: { events: 0, orders: 0, cpuMs: 0 },
    runId: 0,
    rev: 1,
    createdAt: at,
    updatedAt: at,
  };
  await deps.store.create(
    strategy,
    { strategyId: strategy.id, version: 1, source: request.source, compiled, createdAt: at },
    MAX_STRATEGIES_PER_TENANT,
  );
  return strategyView(strategy);
}

/** A strategy of the caller's tenant, or 404. */
export async function getStrategy(
  deps: Pick<StrategyDeps, 'store'>,
  actor: Actor,
  id: string,
): Promise<Strategy> {
  const strategy = ULID.test(id) ? await deps.store.get(actor.tenantId, id) : undefined;
  if (!strategy) throw new StrategyNotFoundError(id);
  return strategy;
}

/** PUT /strategies/{id}: a new version when the source changes; params, symbols and name as given. */
export async function updateStrategy(deps: StrategyDeps, actor: Actor, id: string, body: unknown) {
  const request = parse(UpdateStrategyRequest, body, 'strategy update');
  const compiled = request.source === undefined ? undefined : await deps.compile(request.source);
  const current = await getStrategy(deps, actor, id);
  const at = nowIso(deps);
  const next: Strategy = {
    ...current,
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.params !== undefined ? { params: request.params } : {}),
    ...(request.symbols !== undefined ? { symbols: request.symbols } : {}),
    version: compiled === undefined ? current.version : current.version + 1,
    rev: current.rev + 1,
    updatedAt: at,
  };
  await deps.store.save(
    next,
    current.rev,
    compiled === undefined || request.source === undefined
      ? {}
      : {
          version: { strategyId: id, version: next.version, source: request.source, compiled, createdAt: at },
        },
  );
  return strategyView(next);
}

/** POST /strategies/{id}/start: a new run; the host loads it and calls onStart. */
export async function startStrategy(deps: Pick<StrategyDeps, 'store' | 'now'>, actor: Actor, id: string) {
  const current = await getStrategy(deps, actor, id);
  if (current.status === 'running') return strategyView(current);
  const at = nowIso(deps);
  const { failure: _previous, ...rest } = current;
  const next: Strategy = {
    ...rest,
    status: 'running',
    runId: current.runId + 1,
    rev: current.rev + 1,
    updatedAt: at,
  };
  await deps.store.save(next, current.rev, {
    event: strategyEvent(next, 'strategy.started', actor.principal, at),
  });
  return strategyView(next);
}

/** POST /strategies/{id}/stop. Working orders stay; cancel them through /orders if wanted. */
export async function stopStrategy(deps: Pick<StrategyDeps, 'store' | 'now'>, actor: Actor, id: string) {
  const current = await getStrategy(deps, actor, id);
  if (current.status !== 'running') return strategyView(current);
  const at = nowIso(deps);
  const next: Strategy = { ...current, status: 'stopped', rev: current.rev + 1, updatedAt: at };
  await deps.store.save(next, current.rev, {
    event: strategyEvent(next, 'strategy.stopped', actor.principal, at),
  });
  return strategyView(next);
}

/** The host stops a strategy that broke a limit or threw: failed, with the reason, and strategy.failed. */
export async function failStrategy(
  store: StrategyStore,
  strategy: Strategy,
  failure: { code: string; detail: string },
  at: string,
): Promise<boolean> {
  const recorded: StrategyFailure = { ...failure, at };
  return store.fail(
    strategy,
    recorded,
    strategyEvent(strategy, 'strategy.failed', 'strategy-host', at, failure),
  );
}
