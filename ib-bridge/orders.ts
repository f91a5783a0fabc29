/**
 * The bridge's order logic: one actor per order serializes everything that touches it (queued
 * commands, broker statuses, errors, fills, commissions), so decisions are made on the latest
 * stored version and broker messages are applied in the order they arrived. Fills also take the
 * position's lock, so two orders of one symbol never race on a position.
 */
import {
  OrderIdRaceError,
  PositionVersionConflictError,
  type DynamoExecutionStore,
  type OrderRoute,
} from '../adapters/dynamodb/execution-store.ts';
import {
  commandAction,
  decideOnError,
  decideOnFill,
  decideOnStatus,
  effectiveTerms,
  executionSide,
  ibSymbol,
  IB_ORDER_TYPES,
  IB_TIFS,
  type Decision,
  type Execution,
  type StatusReport,
} from '../core/bridge/mapping.ts';
import { parseOrderId } from '../core/ids.ts';
import { Dec } from '../core/money.ts';
import { OrderVersionConflictError } from '../core/orders/errors.ts';
import type { Order } from '../core/orders/order.ts';
import type { OrderCommand } from '../core/orders/ports.ts';
import { isTerminal } from '../core/orders/status.ts';
import type { Position } from '../core/positions/position.ts';
import {
  BrokerUnavailableError,
  type BrokerConnection,
  type ExecutionMessage,
  type OpenOrderMessage,
} from './connection.ts';
import type { OrderIdAllocator } from './ids.ts';
import type { CommissionReport, IbOrder } from './ib.ts';
import { KeyedMutex, sleep } from './keyed.ts';
import type { Logger } from './log.ts';

/** An execution as the actor applies it: where it traded, and the IB order id when known. */
type ExecWork = Execution & { account: string; brokerOrderId?: number };

type Work =
  | { kind: 'status'; report: StatusReport }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'fill'; exec: ExecWork }
  | { kind: 'commission'; execId: string; commission: Dec }
  | { kind: 'command'; command: OrderCommand; done: (error?: unknown) => void }
  | { kind: 'settle'; session: number };

interface Actor {
  route: OrderRoute;
  order?: Order;
  queue: Work[];
  running: boolean;
  lastError?: { code: number; message: string };
  /** The broker ended the order with fills we have not applied yet. */
  awaiting?: { report: StatusReport; brokerFilled: Dec; timer: NodeJS.Timeout };
  idleSince: number;
  /** Waiting for the broker session to be ready (not work reconciliation waits for). */
  parked: boolean;
}

export interface OrderRouterDeps {
  store: DynamoExecutionStore;
  broker: BrokerConnection;
  ids: OrderIdAllocator;
  clientId: number;
  /** The IB account orders go to (IB_ACCOUNT); the gateway's default when unset. */
  account: string | undefined;
  log: Logger;
  /** Called after every commit that wrote an outbox entry, to publish it without waiting. */
  onCommitted?: () => void;
  /** Asks the broker for executions again (fills we know exist but have not seen). */
  requestExecutions: () => void;
  /** Resolves once the broker session is connected and reconciled. */
  whenReady: () => Promise<void>;
  now?: () => Date;
}

/** How long a broker-ended order waits for its missing fills before it ends anyway. */
const AWAIT_FILLS_MS = 15_000;
const MAX_ATTEMPTS = 6;

/** Statistics for health and tests. */
export interface RouterStats {
  placed: number;
  fills: number;
  duplicateFills: number;
  commissions: number;
  transitions: number;
  foreign: number;
  errors: number;
}

export class OrderRouter {
  readonly #d: OrderRouterDeps;
  readonly #actors = new Map<string, Actor>();
  readonly #byRef = new Map<string, OrderRoute>();
  readonly #byBrokerId = new Map<number, OrderRoute>();
  /** Events waiting while their order's route is looked up, in arrival order. */
  readonly #resolving = new Map<string, Array<(route: OrderRoute | undefined) => void>>();
  readonly #execOrder = new Map<string, string>();
  readonly #applied = new Set<string>();
  readonly #commissionsWaiting = new Map<string, Dec>();
  readonly #positions = new Map<string, Position>();
  readonly #positionLocks = new KeyedMutex();
  /** Orders the broker has shown it holds in this session (orderRef), or that we sent in it. */
  #atBroker = new Set<string>();
  /** Counts broker sessions: a settle decided in one session means nothing in the next. */
  #session = 0;
  readonly #foreignSeen = new Set<number>();
  readonly stats: RouterStats = {
    placed: 0,
    fills: 0,
    duplicateFills: 0,
    commissions: 0,
    transitions: 0,
    foreign: 0,
    errors: 0,
  };
  #evictTimer: NodeJS.Timeout;

  constructor(deps: OrderRouterDeps) {
    this.#d = deps;
    this.#evictTimer = setInterval(() => this.#evict(), 30_000);
    this.#evictTimer.unref();
  }

  #now(): string {
    return (this.#d.now?.() ?? new Date()).toISOString();
  }

  // ---------------------------------------------------------------- sessions

  /** A new broker session: what the broker holds is known again only once reconciled. */
  newSession(): void {
    this.#atBroker = new Set();
    this.#session++;
  }

  /** Whether the broker has shown (or we sent it) the order in this session. */
  knownAtBroker(orderId: string): boolean {
    return this.#atBroker.has(orderId);
  }

  /** Seeds the routes of orders routed before (a restart) so broker messages find them. */
  remember(route: OrderRoute): void {
    this.#byRef.set(route.orderId, route);
    if (route.clientId === this.#d.clientId) this.#byBrokerId.set(route.brokerOrderId, route);
  }

  // ---------------------------------------------------------------- broker messages in

  /** orderStatus: known by IB order id (of our client id). */
  onOrderStatus(orderId: number, status: string, filled: number, permId: number | undefined): void {
    this.#withBrokerRoute(orderId, (route) => {
      if (!route) {
        this.#d.log.warn('orderStatus for an order id the OMS did not route', { orderId, status });
        return;
      }
      this.#post(route, {
        kind: 'status',
        report: { status, filled: new Dec(String(filled)), ...(permId ? { permId } : {}) },
      });
    });
  }

  /** openOrder (live, or answering reqAllOpenOrders): known by orderRef. */
  onOpenOrder(m: OpenOrderMessage): void {
    const ref = m.order.orderRef ?? '';
    const permId = m.order.permId;
    if (parseOrderId(ref)) this.#atBroker.add(ref);
    this.#withRefRoute(ref, m.orderId, m.order.clientId, (route) => {
      if (!route) {
        void this.#flagForeign(permId, {
          source: 'openOrder',
          orderRef: ref,
          status: m.state.status,
          order: summary(m.order),
          symbol: m.contract.symbol,
        });
        return;
      }
      this.#post(route, { kind: 'status', report: reportOf(m.order, String(m.state.status ?? ''), true) });
    });
  }

  /** completedOrder (answering reqCompletedOrders): known by orderRef only. */
  onCompletedOrder(order: IbOrder, status: string, completedStatus: string | undefined): void {
    const ref = order.orderRef ?? '';
    if (!parseOrderId(ref)) return;
    this.#atBroker.add(ref);
    this.#withRefRoute(ref, undefined, undefined, (route) => {
      if (!route) return;
      const report = reportOf(order, status, false);
      if (completedStatus && !this.#actors.get(route.orderId)?.lastError) {
        report.reason = { code: 0, message: completedStatus };
      }
      this.#post(route, { kind: 'status', report });
    });
  }

  /** execDetails (live, or answering reqExecutions): known by orderRef, else IB order id. */
  onExecution(m: ExecutionMessage): void {
    const e = m.execution;
    const ref = e.orderRef ?? '';
    const execId = e.execId ?? '';
    if (!execId) return;
    if (parseOrderId(ref)) this.#atBroker.add(ref);
    const exec: ExecWork = {
      execId,
      side: executionSide(e.side ?? ''),
      quantity: new Dec(String(e.shares ?? 0)),
      price: new Dec(String(e.price ?? 0)),
      at: execTime(e.time),
      account: e.acctNumber || this.#d.account || 'default',
      ...(e.permId ? { permId: e.permId } : {}),
      ...(e.orderId ? { brokerOrderId: e.orderId } : {}),
    };
    this.#withRefRoute(ref, e.orderId, e.clientId, (route) => {
      if (!route) {
        void this.#flagForeign(e.permId, {
          source: 'execDetails',
          orderRef: ref,
          execId,
          symbol: m.contract.symbol,
          side: exec.side,
          quantity: exec.quantity.toFixed(),
          price: exec.price.toFixed(),
        });
        return;
      }
      this.#execOrder.set(execId, route.orderId);
      this.#post(route, { kind: 'fill', exec });
    });
  }

  /** commissionReport: follows its execution. */
  onCommission(report: CommissionReport): void {
    const execId = report.execId ?? '';
    if (!execId || report.commission === undefined || report.commission > 1e300) return;
    const commission = new Dec(String(report.commission));
    const orderId = this.#execOrder.get(execId);
    const route = orderId ? this.#byRef.get(orderId) : undefined;
    if (!route) {
      // Foreign, or its execution is still being routed: kept until the fill is applied.
      this.#commissionsWaiting.set(execId, commission);
      return;
    }
    this.#post(route, { kind: 'commission', execId, commission });
  }

  /** An error naming a request id: about one of our orders when the id is an IB order id. */
  onOrderError(id: number, code: number, message: string): void {
    if (code === 103) this.#d.ids.raiseFloor(id + 1);
    this.#withBrokerRoute(id, (route) => {
      if (!route) {
        this.#d.log.info('broker error for an unknown request id', { id, code, message });
        return;
      }
      this.#post(route, { kind: 'error', code, message });
    });
  }

  #withBrokerRoute(brokerOrderId: number, then: (route: OrderRoute | undefined) => void): void {
    const cached = this.#byBrokerId.get(brokerOrderId);
    if (cached) return then(cached);
    this.#resolve(
      `ib:${brokerOrderId}`,
      () => this.#d.store.routeOfBrokerOrder(this.#d.clientId, brokerOrderId),
      then,
    );
  }

  #withRefRoute(
    ref: string,
    brokerOrderId: number | undefined,
    clientId: number | undefined,
    then: (route: OrderRoute | undefined) => void,
  ): void {
    if (parseOrderId(ref)) {
      const cached = this.#byRef.get(ref);
      if (cached) return then(cached);
      this.#resolve(`ref:${ref}`, () => this.#d.store.routeOfOrderRef(ref), then);
      return;
    }
    // Without our orderRef only an order id of our own client id can be ours.
    if (brokerOrderId && clientId === this.#d.clientId) return this.#withBrokerRoute(brokerOrderId, then);
    then(undefined);
  }

  /** Looks a route up once; events arriving meanwhile queue behind the first, in order. */
  #resolve(
    key: string,
    lookup: () => Promise<OrderRoute | undefined>,
    then: (route: OrderRoute | undefined) => void,
  ): void {
    const waiting = this.#resolving.get(key);
    if (waiting) {
      waiting.push(then);
      return;
    }
    const list = [then];
    this.#resolving.set(key, list);
    const attempt = async (): Promise<OrderRoute | undefined> => {
      for (let i = 1; ; i++) {
        try {
          return await lookup();
        } catch (error) {
          if (i >= MAX_ATTEMPTS) throw error;
          await sleep(100 * 2 ** i);
        }
      }
    };
    attempt()
      .then((route) => {
        if (route) this.remember(route);
        return route;
      })
      .catch((error: unknown) => {
        this.#d.log.error('could not look up a broker order', { key, error: String(error) });
        return undefined;
      })
      .then((route) => {
        this.#resolving.delete(key);
        for (const fn of list) fn(route);
      });
  }

  async #flagForeign(permId: number | undefined, details: Record<string, unknown>): Promise<void> {
    if (!permId || this.#foreignSeen.has(permId)) return;
    this.#foreignSeen.add(permId);
    this.stats.foreign++;
    try {
      const fresh = await this.#d.store.flagForeignOrder(permId, { ...details, flaggedAt: this.#now() });
      if (fresh)
        this.#d.log.warn('order at the broker that the OMS did not place (entered by hand?)', {
          permId,
          ...details,
        });
    } catch (error) {
      this.#foreignSeen.delete(permId);
      this.#d.log.error('could not flag a foreign order', { permId, error: String(error) });
    }
  }

  // ---------------------------------------------------------------- commands in

  /** Runs a queued command on its order's actor; rejects if it must be retried later. */
  command(command: OrderCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const route: OrderRoute = this.#byRef.get(command.orderId) ?? {
        tenantId: command.tenantId,
        orderId: command.orderId,
        clientId: this.#d.clientId,
        brokerOrderId: -1,
      };
      if (route.tenantId !== command.tenantId) {
        reject(new Error(`order ${command.orderId} belongs to another tenant`));
        return;
      }
      this.#post(route, { kind: 'command', command, done: (error) => (error ? reject(error) : resolve()) });
    });
  }

  /** Reconciliation of the current session found an order routed here that the broker does not hold. */
  settle(route: OrderRoute): void {
    this.remember(route);
    this.#post(route, { kind: 'settle', session: this.#session });
  }

  // ---------------------------------------------------------------- actors

  #post(route: OrderRoute, work: Work): void {
    let actor = this.#actors.get(route.orderId);
    if (!actor) {
      actor = { route, queue: [], running: false, idleSince: Date.now(), parked: false };
      this.#actors.set(route.orderId, actor);
    }
    actor.queue.push(work);
    if (!actor.running) void this.#run(actor);
  }

  async #run(actor: Actor): Promise<void> {
    actor.running = true;
    try {
      while (actor.queue.length > 0) {
        const work = actor.queue.shift() as Work;
        // Consecutive statuses: only the newest matters (terms of an openOrder carry over).
        if (work.kind === 'status' && actor.queue[0]?.kind === 'status') {
          const next = actor.queue[0];
          if (work.report.terms && !next.report.terms) next.report.terms = work.report.terms;
          if (work.report.permId && !next.report.permId) next.report.permId = work.report.permId;
          continue;
        }
        await this.#handle(actor, work);
      }
    } finally {
      actor.running = false;
      actor.idleSince = Date.now();
    }
  }

  /** Number of actors with work queued or running. */
  get busy(): number {
    let n = 0;
    for (const a of this.#actors.values()) if ((a.running || a.queue.length > 0) && !a.parked) n++;
    return n;
  }

  /** Resolves once no actor has work (reconciliation waits for replies to be applied). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy > 0 && Date.now() < deadline) await sleep(10);
  }

  #evict(): void {
    const cutoff = Date.now() - 60_000;
    for (const [id, a] of this.#actors) {
      if (a.running || a.queue.length > 0 || a.awaiting) continue;
      if (a.idleSince < cutoff && (!a.order || isTerminal(a.order.status))) this.#actors.delete(id);
    }
  }

  async #handle(actor: Actor, work: Work): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!actor.order || (work.kind === 'command' && actor.order.version < work.command.version)) {
          actor.order = await this.#d.store.getOrder(actor.route.tenantId, actor.route.orderId);
        }
        if (!actor.order) {
          this.#d.log.warn('broker or queue message for an order not in the store', {
            ...actor.route,
            kind: work.kind,
          });
          if (work.kind === 'command') work.done();
          return;
        }
        await this.#apply(actor, actor.order, work);
        return;
      } catch (error) {
        if (error instanceof OrderVersionConflictError || error instanceof PositionVersionConflictError) {
          // Someone else (the API: a cancel or modify request) moved it: decide again on the fresh one.
          actor.order = undefined;
          if (error instanceof PositionVersionConflictError) this.#positions.clear();
          if (attempt < 20) continue;
        }
        if (error instanceof BrokerUnavailableError || error instanceof OrderIdRaceError) {
          if (work.kind === 'command') {
            work.done(error);
            return;
          }
        }
        if (attempt >= MAX_ATTEMPTS) {
          this.stats.errors++;
          this.#d.log.error('giving up on broker or queue work', {
            ...actor.route,
            kind: work.kind,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          if (work.kind === 'command') work.done(error);
          if (work.kind === 'fill' || work.kind === 'commission') this.#d.requestExecutions();
          actor.order = undefined;
          return;
        }
        actor.order = undefined;
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  async #apply(actor: Actor, order: Order, work: Work): Promise<void> {
    switch (work.kind) {
      case 'status': {
        const report = {
          ...work.report,
          ...(actor.lastError && !work.report.reason ? { reason: actor.lastError } : {}),
        };
        // Any status about the order means the broker holds it.
        this.#atBroker.add(actor.route.orderId);
        await this.#decide(actor, order, decideOnStatus(order, report), report);
        return;
      }
      case 'error':
        actor.lastError = { code: work.code, message: work.message };
        await this.#decide(actor, order, decideOnError(order, work.code, work.message));
        return;
      case 'fill':
        await this.#fill(actor, order, work.exec);
        return;
      case 'commission':
        await this.#commission(actor, work.execId, work.commission);
        return;
      case 'command':
        await this.#command(actor, order, work.command);
        work.done();
        return;
      case 'settle':
        // The session that found it missing has ended: the next reconciliation decides afresh.
        if (work.session !== this.#session) return;
        await this.#settle(actor, order);
        return;
    }
  }

  async #ready(actor: Actor): Promise<void> {
    actor.parked = true;
    try {
      await this.#d.whenReady();
    } finally {
      actor.parked = false;
    }
  }

  async #decide(actor: Actor, order: Order, decision: Decision, report?: StatusReport): Promise<void> {
    if (decision.kind === 'none') return;
    if (decision.kind === 'await_fills') {
      if (actor.awaiting || !report) return;
      this.#d.log.info('broker ended an order with fills not seen yet; asking for executions', {
        orderId: order.id,
        brokerFilled: decision.brokerFilled.toFixed(),
        filled: order.filledQuantity.toFixed(),
      });
      const timer = setTimeout(() => {
        const waiting = actor.awaiting;
        if (!waiting) return;
        actor.awaiting = undefined;
        this.#d.log.warn('missing fills never came; ending the order as the broker reports', {
          orderId: order.id,
        });
        this.#post(actor.route, { kind: 'status', report: { ...waiting.report, filled: undefined } });
      }, AWAIT_FILLS_MS);
      timer.unref();
      actor.awaiting = { report, brokerFilled: decision.brokerFilled, timer };
      this.#d.requestExecutions();
      return;
    }
    actor.order = await this.#d.store.changeStatus(order, decision.to, decision.event, this.#now(), {
      changes: decision.changes,
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.data ? { data: decision.data } : {}),
      clientId: actor.route.clientId,
    });
    this.stats.transitions++;
    this.#d.onCommitted?.();
  }

  // ---------------------------------------------------------------- fills

  #positionKey(tenantId: string, account: string, symbol: string): string {
    return `${tenantId}|${account}|${symbol}`;
  }

  async #position(tenantId: string, account: string, symbol: string): Promise<Position | undefined> {
    const key = this.#positionKey(tenantId, account, symbol);
    const cached = this.#positions.get(key);
    if (cached) return cached;
    const stored = await this.#d.store.getPosition(tenantId, account, symbol);
    if (stored) this.#positions.set(key, stored);
    return stored;
  }

  async #fill(actor: Actor, order: Order, exec: ExecWork): Promise<void> {
    if (this.#applied.has(exec.execId)) {
      this.stats.duplicateFills++;
      return;
    }
    const key = this.#positionKey(order.tenantId, exec.account, order.symbol);
    // The commission report usually follows its execution at once: charged in the fill's own
    // write, it saves a read and a transaction per fill.
    const commission = this.#takeCommission(actor, exec.execId);
    let duplicate = false;
    const { account, ...fill } = exec;
    await this.#positionLocks.run(key, async () => {
      const position = await this.#position(order.tenantId, account, order.symbol);
      const next = decideOnFill(order, fill);
      try {
        const result = await this.#d.store.applyFill({
          order,
          position,
          account,
          fill: { ...fill, ...(commission !== undefined ? { commission } : {}) },
          next,
          clientId: actor.route.clientId,
          now: this.#now(),
        });
        this.#remember(exec.execId);
        if (result === 'duplicate') {
          this.stats.duplicateFills++;
          duplicate = true;
          return;
        }
        this.stats.fills++;
        if (commission !== undefined) this.stats.commissions++;
        actor.order = result.order;
        this.#positions.set(key, result.position);
        this.#d.onCommitted?.();
      } catch (error) {
        if (error instanceof PositionVersionConflictError) this.#positions.delete(key);
        // Kept for the retry.
        if (commission !== undefined) this.#commissionsWaiting.set(exec.execId, commission);
        throw error;
      }
    });
    // Applied before without it (a replay): the commission on its own, if it was not charged yet.
    const waiting = duplicate ? commission : this.#takeCommission(actor, exec.execId);
    if (waiting) await this.#commission(actor, exec.execId, waiting);
    const awaiting = actor.awaiting;
    if (awaiting && actor.order && actor.order.filledQuantity.gte(awaiting.brokerFilled)) {
      clearTimeout(awaiting.timer);
      actor.awaiting = undefined;
      await this.#decide(actor, actor.order, decideOnStatus(actor.order, awaiting.report), awaiting.report);
    }
  }

  /** The commission of an execution if it is already here: waiting, or queued behind the fill. */
  #takeCommission(actor: Actor, execId: string): Dec | undefined {
    const waiting = this.#commissionsWaiting.get(execId);
    if (waiting !== undefined) {
      this.#commissionsWaiting.delete(execId);
      return waiting;
    }
    const i = actor.queue.findIndex((w) => w.kind === 'commission' && w.execId === execId);
    if (i < 0) return undefined;
    const [work] = actor.queue.splice(i, 1);
    return work?.kind === 'commission' ? work.commission : undefined;
  }

  #remember(execId: string): void {
    this.#applied.add(execId);
    if (this.#applied.size > 100_000) {
      // Sets iterate in insertion order: drop the oldest half.
      let n = 0;
      for (const id of this.#applied) {
        this.#applied.delete(id);
        if (++n > 50_000) break;
      }
    }
  }

  async #commission(actor: Actor, execId: string, commission: Dec): Promise<void> {
    const fill = await this.#d.store.getFill(actor.route.tenantId, execId);
    if (!fill) {
      this.#commissionsWaiting.set(execId, commission);
      return;
    }
    if (fill.commission !== undefined) return;
    const key = this.#positionKey(fill.tenantId, fill.account, fill.symbol);
    await this.#positionLocks.run(key, async () => {
      const position = await this.#position(fill.tenantId, fill.account, fill.symbol);
      if (!position) return;
      try {
        const result = await this.#d.store.applyCommission({ fill, position, commission, now: this.#now() });
        if (typeof result === 'string') {
          if (result === 'no-fill') this.#commissionsWaiting.set(execId, commission);
          return;
        }
        this.stats.commissions++;
        this.#positions.set(key, result);
        this.#d.onCommitted?.();
      } catch (error) {
        if (error instanceof PositionVersionConflictError) this.#positions.delete(key);
        throw error;
      }
    });
  }

  // ---------------------------------------------------------------- commands

  async #command(actor: Actor, order: Order, command: OrderCommand): Promise<void> {
    const action = commandAction(command.kind, order);
    switch (action) {
      case 'skip':
        return;
      case 'cancel_unrouted':
        actor.order = await this.#d.store.changeStatus(order, 'cancelled', 'order.cancelled', this.#now(), {
          reason: 'Cancelled before it reached the broker',
          actor: 'system:bridge',
          changes: { previousStatus: undefined, pendingChange: undefined },
          clientId: this.#d.clientId,
        });
        this.#d.onCommitted?.();
        return;
      case 'place':
        await this.#place(actor, order);
        return;
      case 'check_broker':
        await this.#ready(actor);
        // Placed before a restart or redelivery: only if the broker never got it is it placed again.
        if (this.#atBroker.has(order.id)) return;
        await this.#place(actor, order, order.brokerOrderId);
        return;
      case 'cancel':
        await this.#ready(actor);
        // Claimed in a session that died before the order went out: the broker never had it.
        if (!this.#atBroker.has(order.id)) return this.#settle(actor, actor.order ?? order);
        await this.#d.broker.send((ib) => ib.cancelOrder(order.brokerOrderId as number), true);
        return;
      case 'modify':
        await this.#ready(actor);
        // Re-sending an IB order id the broker does not hold would place a new order (or get
        // 103): the order goes out under a fresh id with the new terms instead.
        if (!this.#atBroker.has(order.id))
          return this.#place(actor, actor.order ?? order, order.brokerOrderId);
        await this.#d.broker.send((ib) =>
          ib.placeOrder(order.brokerOrderId as number, contractOf(order), this.#ibOrder(order)),
        );
        return;
    }
  }

  /** Claims the order under a fresh IB order id, then places it. */
  async #place(actor: Actor, order: Order, previousBrokerOrderId?: number, gated = true): Promise<void> {
    if (gated) await this.#ready(actor);
    const ticket = await this.#d.ids.next();
    const id = ticket.id;
    let claimed: Order;
    try {
      claimed = await this.#d.store.claim(order, id, this.#d.clientId, this.#now(), previousBrokerOrderId);
    } catch (error) {
      ticket.abandon();
      throw error;
    }
    actor.order = claimed;
    const route: OrderRoute = {
      tenantId: order.tenantId,
      orderId: order.id,
      clientId: this.#d.clientId,
      brokerOrderId: id,
    };
    actor.route = route;
    this.remember(route);
    this.#d.onCommitted?.();
    // Known at the broker from here on for this session: a redelivery must not place it again.
    this.#atBroker.add(order.id);
    try {
      await ticket.send(() =>
        this.#d.broker.send((ib) => ib.placeOrder(id, contractOf(claimed), this.#ibOrder(claimed))),
      );
    } catch (error) {
      // Not sent: the next session's reconciliation (or the redelivered message) places it.
      this.#atBroker.delete(order.id);
      throw error;
    }
    this.stats.placed++;
  }

  #ibOrder(order: Order): IbOrder {
    const terms = effectiveTerms(order);
    return {
      action: order.side === 'buy' ? 'BUY' : 'SELL',
      totalQuantity: terms.quantity.toNumber(),
      orderType: IB_ORDER_TYPES[order.type],
      ...(terms.limitPrice ? { lmtPrice: terms.limitPrice.toNumber() } : {}),
      ...(terms.stopPrice ? { auxPrice: terms.stopPrice.toNumber() } : {}),
      tif: IB_TIFS[order.timeInForce],
      outsideRth: order.outsideRth,
      // The contract: our order id travels with the order, so the broker can always name it.
      orderRef: order.id,
      transmit: true,
      ...((order.account ?? this.#d.account) ? { account: order.account ?? this.#d.account } : {}),
    } as IbOrder;
  }

  /** An order routed here that the broker does not hold (after reconciliation). */
  async #settle(actor: Actor, order: Order): Promise<void> {
    if (isTerminal(order.status)) {
      await this.#d.store.forgetWorking(actor.route.clientId, order.id);
      return;
    }
    if (this.#atBroker.has(order.id)) return;
    if (order.brokerPermId === undefined && order.status !== 'pending_cancel') {
      // Claimed but never reached the broker (the bridge died in between): place it now.
      this.#d.log.info('routed order never reached the broker; placing it', { orderId: order.id });
      await this.#place(actor, order, order.brokerOrderId, false);
      return;
    }
    const reason =
      order.brokerPermId === undefined
        ? 'Cancelled before it reached the broker'
        : 'The broker no longer has this order';
    actor.order = await this.#d.store.changeStatus(order, 'cancelled', 'order.cancelled', this.#now(), {
      reason,
      actor: 'system:bridge',
      changes: { previousStatus: undefined, pendingChange: undefined },
      clientId: actor.route.clientId,
    });
    this.#d.onCommitted?.();
  }

  close(): void {
    clearInterval(this.#evictTimer);
    for (const a of this.#actors.values()) if (a.awaiting) clearTimeout(a.awaiting.timer);
  }
}

/** The IB contract of an order: US stocks routed SMART. */
function contractOf(order: Order) {
  return { symbol: ibSymbol(order.symbol), secType: 'STK', exchange: 'SMART', currency: 'USD' } as never;
}

const UNSET = 1e300;

function dec(value: unknown): Dec | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < UNSET)
    return new Dec(String(value));
  if (typeof value === 'string' && value !== '') return new Dec(value);
  if (value && typeof value === 'object' && 'toString' in value) {
    const text = String(value);
    return /^-?\d+(\.\d+)?$/.test(text) ? new Dec(text) : undefined;
  }
  return undefined;
}

/** A status report from an openOrder or completedOrder. */
function reportOf(order: IbOrder, status: string, withTerms: boolean): StatusReport {
  const quantity = dec(order.totalQuantity);
  const limitPrice = dec(order.lmtPrice);
  const stopPrice = dec(order.auxPrice);
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

function summary(order: IbOrder): Record<string, unknown> {
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
