/**
 * The strategy host: loads every running strategy into its tenant's sandbox process, feeds it
 * events (order events and fills from the bus, quotes from the cache, its timers), performs what
 * it asks through the order use cases, keeps its state, and stops it with a reason when it breaks
 * a limit or throws. One tenant's strategies share a process; no two tenants ever do.
 */
import {
  DEFAULT_LIMITS,
  orderPrefix,
  orderRate,
  seedOf,
  type CallbackLimits,
  type CallbackSnapshot,
  type HandlerName,
} from '../core/strategies/callbacks.ts';
import type { Strategy, StrategyRuntime } from '../core/strategies/model.ts';
import { failStrategy } from '../core/strategies/service.ts';
import type { Quote } from '../core/marketdata/quote.ts';
import { performActions } from './actions.ts';
import { ctxOrder, quoteArg, type BusEvent, type HostDeps } from './host-args.ts';
import { TenantProcess } from './tenant-process.ts';

export type { BusEvent, HostDeps, HostLogger } from './host-args.ts';

interface Loaded {
  strategy: Strategy;
  runtime: StrategyRuntime;
  key: string;
  process: TenantProcess;
  generation: number;
  chain: Promise<void>;
  lastQuoteAt: Map<string, string>;
  gone: boolean;
  /** The symbols (joined) last subscribed for it. */
  subscribed?: string;
}

const RECENT_EVENTS = 200;

export class StrategyHost {
  private readonly deps: HostDeps;
  private readonly limits: CallbackLimits;
  private readonly loaded = new Map<string, Loaded>();
  private readonly processes = new Map<string, TenantProcess>();
  private refreshing: Promise<void> = Promise.resolve();
  /** Tenants whose strategy-made subscriptions may have lost their last strategy. */
  private readonly released = new Set<string>();

  constructor(deps: HostDeps) {
    this.deps = deps;
    this.limits = deps.limits ?? DEFAULT_LIMITS;
  }

  /** Strategies loaded right now, by `tenant/id`. */
  running(): string[] {
    return [...this.loaded.keys()];
  }

  /** The sandbox process of a tenant (tests and metrics). */
  processOf(tenantId: string): TenantProcess | undefined {
    return this.processes.get(tenantId);
  }

  /** Loads what is running and unloads what is not; calls onStart for new runs. One at a time. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.doRefresh())
      .catch((error: unknown) => {
        this.deps.log.error('strategy refresh failed', { error: String(error) });
      });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const wanted = await this.deps.store.running();
    const keys = new Set(wanted.map((w) => `${w.tenantId}/${w.id}`));
    for (const [key, l] of this.loaded) if (!keys.has(key)) await this.unload(l);
    for (const w of wanted) {
      const strategy = await this.deps.store.get(w.tenantId, w.id);
      if (!strategy || strategy.status !== 'running') continue;
      const current = this.loaded.get(`${w.tenantId}/${w.id}`);
      const stale =
        current &&
        (current.strategy.runId !== strategy.runId ||
          current.strategy.version !== strategy.version ||
          current.generation !== current.process.generation);
      if (current && !stale) {
        current.strategy = { ...strategy };
        await this.subscribeFor(current);
        continue;
      }
      if (current) await this.unload(current);
      await this.load(strategy);
    }
    await this.releaseMarketData();
  }

  /** Subscribes the strategy's symbols when they changed; false when it failed for it. */
  private async subscribeFor(l: Loaded): Promise<boolean> {
    const market = this.deps.marketData;
    const symbols = [...l.strategy.symbols].sort().join(',');
    if (!market || l.subscribed === symbols) return true;
    const failure = await market.want(l.strategy.tenantId, l.strategy.id, l.strategy.symbols);
    if (failure) {
      await this.fail(l, failure);
      return false;
    }
    if (l.subscribed !== undefined) this.released.add(l.strategy.tenantId);
    l.subscribed = symbols;
    return true;
  }

  /** Ends the subscriptions no running strategy of a tenant declares any more. */
  private async releaseMarketData(): Promise<void> {
    const market = this.deps.marketData;
    if (!market) return;
    for (const tenantId of [...this.released]) {
      this.released.delete(tenantId);
      const wanted = new Set<string>();
      for (const l of this.loaded.values())
        if (l.strategy.tenantId === tenantId) for (const s of l.strategy.symbols) wanted.add(s);
      const ended = await market.release(tenantId, wanted);
      if (ended.length > 0) this.deps.log.info('market data released', { tenant: tenantId, symbols: ended });
    }
  }

  private processFor(tenantId: string): TenantProcess {
    let p = this.processes.get(tenantId);
    if (!p) {
      p = new TenantProcess(tenantId, {
        requestTimeoutMs: this.limits.wallClockMs * 2 + 10_000,
        onExit: (tenant, code, signal) =>
          this.deps.log.warn('sandbox process exited', { tenant, code, signal }),
      });
      this.processes.set(tenantId, p);
    }
    return p;
  }

  private async load(strategy: Strategy): Promise<void> {
    const key = `${strategy.tenantId}/${strategy.id}`;
    const version = await this.deps.store.getVersion(strategy.tenantId, strategy.id, strategy.version);
    const saved = await this.deps.store.runtime(strategy.tenantId, strategy.id);
    const newRun = !saved || saved.runId !== strategy.runId;
    const runtime: StrategyRuntime = newRun
      ? { state: saved?.state ?? {}, timers: [], recent: [], orderTimes: [], runId: strategy.runId }
      : saved;
    const process = this.processFor(strategy.tenantId);
    const failure = version
      ? await process.load(key, version.compiled, this.limits)
      : { code: 'STRATEGY_LOAD_FAILED', detail: `version ${strategy.version} is missing` };
    const l: Loaded = {
      strategy,
      runtime,
      key,
      process,
      generation: process.generation,
      chain: Promise.resolve(),
      lastQuoteAt: new Map(),
      gone: false,
    };
    if (failure) return void (await this.fail(l, failure));
    this.loaded.set(key, l);
    if (!(await this.subscribeFor(l))) return;
    this.deps.log.info('strategy loaded', {
      tenant: strategy.tenantId,
      strategy: strategy.id,
      version: strategy.version,
    });
    if (newRun)
      await this.dispatch(l, 'onStart', null, `start:${strategy.runId}`, Date.parse(strategy.updatedAt));
  }

  private async unload(l: Loaded): Promise<void> {
    l.gone = true;
    this.loaded.delete(l.key);
    this.released.add(l.strategy.tenantId);
    await l.process.unload(l.key);
    if (![...this.loaded.values()].some((o) => o.process === l.process)) {
      l.process.close();
      this.processes.delete(l.strategy.tenantId);
    }
  }

  private async fail(l: Loaded, failure: { code: string; detail: string }): Promise<void> {
    const at = new Date(this.deps.clock?.() ?? Date.now()).toISOString();
    await this.unload(l);
    const marked = await failStrategy(this.deps.store, l.strategy, failure, at);
    await this.deps.store.appendLogs(l.strategy.tenantId, l.strategy.id, [
      { at, level: 'error', message: `stopped: ${failure.code}: ${failure.detail}` },
    ]);
    this.deps.log.warn('strategy failed', {
      tenant: l.strategy.tenantId,
      strategy: l.strategy.id,
      marked,
      ...failure,
    });
  }

  /** Queues one callback behind the strategy's previous ones; resolves when it has run. */
  dispatch(l: Loaded, handler: HandlerName, arg: unknown, eventId: string, eventTime: number): Promise<void> {
    l.chain = l.chain
      .then(() => this.run(l, handler, arg, eventId, eventTime))
      .catch((error: unknown) => {
        this.deps.log.error('strategy callback failed in the host', {
          strategy: l.strategy.id,
          error: String(error),
        });
      });
    return l.chain;
  }

  private async run(
    l: Loaded,
    handler: HandlerName,
    arg: unknown,
    eventId: string,
    eventTime: number,
  ): Promise<void> {
    if (l.gone || l.runtime.recent.includes(eventId)) return;
    if (l.generation !== l.process.generation) {
      // The tenant's process was replaced (another strategy of the tenant crashed it): load again.
      const failure = await l.process.load(l.key, (await this.compiled(l)) ?? '', this.limits);
      if (failure) return this.fail(l, failure);
      l.generation = l.process.generation;
    }
    const { tenantId, id } = l.strategy;
    const [positions, working] = await Promise.all([
      this.deps.positions.positions(tenantId),
      this.deps.orders.store.workingOrders(tenantId),
    ]);
    const own = working.filter((o) => o.source?.strategyId === id);
    const snapshot: CallbackSnapshot = {
      strategyId: id,
      version: l.strategy.version,
      params: l.strategy.params,
      state: l.runtime.state,
      now: eventTime,
      seed: seedOf(`${id}:${l.strategy.version}:${eventId}`),
      positions: Object.fromEntries(
        positions
          .filter((p) => !l.strategy.account || p.account === l.strategy.account)
          .map((p) => [p.symbol, p.quantity.toFixed()]),
      ),
      orders: own.map(ctxOrder),
      orderPrefix: orderPrefix(id, eventId),
    };
    const result = await l.process.call(l.key, { handler, arg, snapshot });
    if (!result.ok) return this.fail(l, result.failure);
    const { actions, state, logs } = result.output;
    const rate = orderRate(
      l.runtime.orderTimes,
      eventTime,
      actions.filter((a) => a.kind === 'placeOrder').length,
      this.limits,
    );
    if ('failure' in rate) return this.fail(l, rate.failure);
    const at = new Date(eventTime).toISOString();
    const outcome = await performActions(
      {
        orders: this.deps.orders,
        strategy: l.strategy,
        working: own,
        eventId,
        eventTime,
        at,
        timers: l.runtime.timers,
        maxTimers: this.limits.timers,
      },
      actions,
    );
    const runtime: StrategyRuntime = {
      state,
      timers: outcome.timers,
      recent: [...l.runtime.recent, eventId].slice(-RECENT_EVENTS),
      orderTimes: rate.times,
      runId: l.runtime.runId,
    };
    const lines = [...logs.map((line) => ({ at, ...line })), ...outcome.logs];
    const [saved] = await Promise.all([
      this.deps.store.saveRuntime(tenantId, id, runtime, {
        events: 1,
        orders: outcome.placed,
        cpuMs: result.cpuMs,
      }),
      lines.length > 0 ? this.deps.store.appendLogs(tenantId, id, lines) : undefined,
    ]);
    l.runtime = runtime;
    // Stopped or restarted meanwhile: the next refresh loads the new run, if any.
    if (!saved) await this.unload(l);
  }

  private async compiled(l: Loaded): Promise<string | undefined> {
    return (await this.deps.store.getVersion(l.strategy.tenantId, l.strategy.id, l.strategy.version))
      ?.compiled;
  }

  /** An event from the bus: lifecycle changes refresh; order events go to the strategy that placed the order. */
  async onBusEvent(event: BusEvent): Promise<void> {
    if (event.detailType.startsWith('strategy.')) {
      // Also after a stop the host never saw run (it was down): that tenant's lines are looked at.
      if (typeof event.detail.tenantId === 'string') this.released.add(event.detail.tenantId);
      return this.refresh();
    }
    if (!event.detailType.startsWith('order.')) return;
    const data = event.detail.data as
      { order?: Record<string, unknown>; fill?: Record<string, unknown> } | undefined;
    const order = data?.order;
    const source = order?.source as { strategyId?: string } | undefined;
    const tenantId = String(event.detail.tenantId ?? '');
    const l = source?.strategyId ? this.loaded.get(`${tenantId}/${source.strategyId}`) : undefined;
    if (!l || !order) return;
    const eventTime = Date.parse(String(event.detail.at ?? '')) || 0;
    const fill = data?.fill;
    if (fill && (event.detailType === 'order.filled' || event.detailType === 'order.partially_filled')) {
      await this.dispatch(
        l,
        'onFill',
        {
          orderId: order.id,
          clientOrderId: order.clientOrderId ?? null,
          symbol: order.symbol,
          side: fill.side,
          quantity: Number(fill.quantity),
          price: Number(fill.price),
          commission: 0,
          at: fill.at,
        },
        `fill:${String(fill.execId)}`,
        Date.parse(String(fill.at)) || eventTime,
      );
    }
    await this.dispatch(
      l,
      'onOrder',
      order,
      String(event.detail.eventId ?? `${event.detailType}:${String(order.id)}`),
      eventTime,
    );
  }

  /** Reads the cached quote of every symbol a loaded strategy trades; a newer one is an onQuote. */
  async pollQuotes(): Promise<void> {
    const symbols = new Set<string>();
    for (const l of this.loaded.values()) for (const s of l.strategy.symbols) symbols.add(s);
    const quotes = new Map<string, Quote>();
    await Promise.all(
      [...symbols].map(async (s) => {
        const q = await this.deps.quotes.get(s);
        if (q) quotes.set(s, q);
      }),
    );
    const runs: Array<Promise<void>> = [];
    for (const l of this.loaded.values()) {
      for (const symbol of l.strategy.symbols) {
        const q = quotes.get(symbol);
        if (!q || l.lastQuoteAt.get(symbol) === q.at) continue;
        l.lastQuoteAt.set(symbol, q.at);
        runs.push(this.dispatch(l, 'onQuote', quoteArg(q), `quote:${symbol}:${q.at}`, Date.parse(q.at)));
      }
    }
    await Promise.all(runs);
  }

  /** Fires the timers that are due by the host's clock; the callback sees the time it was set for. */
  async fireTimers(): Promise<void> {
    const now = this.deps.clock?.() ?? Date.now();
    const runs: Array<Promise<void>> = [];
    for (const l of this.loaded.values()) {
      const due = l.runtime.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
      if (due.length === 0) continue;
      l.runtime = { ...l.runtime, timers: l.runtime.timers.filter((t) => t.at > now) };
      for (const t of due) runs.push(this.dispatch(l, 'onTimer', t.name, `timer:${t.name}:${t.at}`, t.at));
    }
    await Promise.all(runs);
  }

  /** Memory of every tenant's sandbox process. */
  async memory(): Promise<Record<string, { rss: number; wasm: number; strategies: number }>> {
    const out: Record<string, { rss: number; wasm: number; strategies: number }> = {};
    for (const [tenant, p] of this.processes) {
      const m = await p.memory();
      if (m) out[tenant] = { rss: m.rss, wasm: m.wasm, strategies: m.strategies };
    }
    return out;
  }

  async close(): Promise<void> {
    for (const l of [...this.loaded.values()]) await l.chain;
    for (const l of [...this.loaded.values()]) l.gone = true;
    this.loaded.clear();
    for (const p of this.processes.values()) p.close();
    this.processes.clear();
  }
}
