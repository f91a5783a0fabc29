/**
 * The bridge's order router: broker messages and queued commands in, each posted to its order's
 * mailbox once its route is known. The parts: routes.ts (which order a message names),
 * mailbox.ts (one order's work, in order), commissions.ts (commission joined to its execution),
 * fills.ts and commands.ts (apply what core decides), translate.ts (IB's terms).
 */
import type { MetricsPort } from '../adapters/metrics/index.ts';
import { awaitedFillsArrived } from '../core/bridge/apply.ts';
import { decideOnError, decideOnStatus } from '../core/bridge/mapping.ts';
import { parseOrderId } from '../core/ids.ts';
import { Dec } from '../core/money.ts';
import type { Order } from '../core/orders/order.ts';
import type { OrderCommand } from '../core/orders/ports.ts';
import { CommandDesk } from './commands.ts';
import { CommissionJoiner } from './commissions.ts';
import type { ExecutionMessage, OpenOrderMessage } from './connection.ts';
import { FillDesk } from './fills.ts';
import type { OrderIdAllocator } from './ids.ts';
import type { CommissionReport, IbOrder } from './ib.ts';
import { sleep } from './keyed.ts';
import type { Logger } from './log.ts';
import { Mailboxes, type Mailbox, type Work } from './mailbox.ts';
import type { BrokerSession, ExecutionStore, OrderRoute, RouterStats } from './ports.ts';
import { RouteBook } from './routes.ts';
import { executionReport, reportOf, summary } from './translate.ts';

export type { RouterStats } from './ports.ts';

export interface OrderRouterDeps {
  store: ExecutionStore;
  broker: Pick<BrokerSession, 'placeOrder' | 'cancelOrder'>;
  ids: Pick<OrderIdAllocator, 'next' | 'raiseFloor'>;
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
  /** Fills, broker rejects and latencies, labelled with the bridge's connection. */
  metrics?: MetricsPort;
}

export class OrderRouter {
  readonly #d: OrderRouterDeps;
  readonly #routes: RouteBook;
  readonly #boxes: Mailboxes;
  readonly #joiner = new CommissionJoiner();
  readonly #fills: FillDesk;
  readonly #commands: CommandDesk;
  /** The order of each execution seen, so a commission that comes after its fill finds it. */
  readonly #execOrder = new Map<string, string>();
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
  readonly #evictTimer: NodeJS.Timeout;

  constructor(deps: OrderRouterDeps) {
    this.#d = deps;
    const now = () => (deps.now?.() ?? new Date()).toISOString();
    const committed = () => deps.onCommitted?.();
    this.#routes = new RouteBook(deps.store, deps.clientId, deps.log);
    this.#fills = new FillDesk({
      store: deps.store,
      joiner: this.#joiner,
      stats: this.stats,
      now,
      committed,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
    this.#commands = new CommandDesk({
      store: deps.store,
      broker: deps.broker,
      ids: deps.ids,
      routes: this.#routes,
      clientId: deps.clientId,
      account: deps.account,
      log: deps.log,
      stats: this.stats,
      now,
      committed,
      atBroker: () => this.#atBroker,
      whenReady: deps.whenReady,
      requestExecutions: deps.requestExecutions,
      post: (route, work) => this.#boxes.post(route, work),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
    this.#boxes = new Mailboxes({
      store: deps.store,
      log: deps.log,
      apply: (box, order, work) => this.#apply(box, order, work),
      onPositionConflict: () => this.#fills.forgetPositions(),
      onGiveUp: (work) => {
        this.stats.errors++;
        if (work.kind === 'fill' || work.kind === 'commission') deps.requestExecutions();
      },
    });
    this.#evictTimer = setInterval(() => this.#boxes.evict(), 30_000);
    this.#evictTimer.unref();
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
    this.#routes.remember(route);
  }

  // ---------------------------------------------------------------- broker messages in

  /** orderStatus: known by IB order id (of our client id). */
  onOrderStatus(orderId: number, status: string, filled: number, permId: number | undefined): void {
    this.#routes.byBrokerId(orderId, (route) => {
      if (!route) {
        this.#d.log.warn('orderStatus for an order id the OMS did not route', { orderId, status });
        return;
      }
      const report = { status, filled: new Dec(String(filled)), ...(permId ? { permId } : {}) };
      this.#boxes.post(route, { kind: 'status', report });
    });
  }

  /** openOrder (live, or answering reqAllOpenOrders): known by orderRef. */
  onOpenOrder(m: OpenOrderMessage): void {
    const ref = m.order.orderRef ?? '';
    const permId = m.order.permId;
    if (parseOrderId(ref)) this.#atBroker.add(ref);
    this.#routes.byRef(ref, m.orderId, m.order.clientId, (route) => {
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
      const report = reportOf(m.order, String(m.state.status ?? ''), true);
      this.#boxes.post(route, { kind: 'status', report });
    });
  }

  /** completedOrder (answering reqCompletedOrders): known by orderRef only. */
  onCompletedOrder(order: IbOrder, status: string, completedStatus: string | undefined): void {
    const ref = order.orderRef ?? '';
    if (!parseOrderId(ref)) return;
    this.#atBroker.add(ref);
    this.#routes.byRef(ref, undefined, undefined, (route) => {
      if (!route) return;
      const report = reportOf(order, status, false);
      if (completedStatus && !this.#boxes.get(route.orderId)?.lastError) {
        report.reason = { code: 0, message: completedStatus };
      }
      this.#boxes.post(route, { kind: 'status', report });
    });
  }

  /** execDetails (live, or answering reqExecutions): known by orderRef, else IB order id. */
  onExecution(m: ExecutionMessage): void {
    const e = m.execution;
    const ref = e.orderRef ?? '';
    const exec = executionReport(e, this.#d.account);
    if (!exec.execId) return;
    if (parseOrderId(ref)) this.#atBroker.add(ref);
    this.#joiner.execution(exec);
    this.#routes.byRef(ref, e.orderId, e.clientId, (route) => {
      if (!route) {
        this.#joiner.drop(exec.execId);
        void this.#flagForeign(e.permId, {
          source: 'execDetails',
          orderRef: ref,
          execId: exec.execId,
          symbol: m.contract.symbol,
          side: exec.side,
          quantity: exec.quantity.toFixed(),
          price: exec.price.toFixed(),
        });
        return;
      }
      this.#execOrder.set(exec.execId, route.orderId);
      this.#boxes.post(route, { kind: 'fill', exec, receivedAt: performance.now() });
    });
  }

  /** commissionReport: joins its execution if that is still on its way; else charged on its own. */
  onCommission(report: CommissionReport): void {
    const execId = report.execId ?? '';
    if (!execId || report.commission === undefined || report.commission > 1e300) return;
    if (this.#joiner.commission(execId, new Dec(String(report.commission)))) return;
    const orderId = this.#execOrder.get(execId);
    const route = orderId ? this.#routes.cached(orderId) : undefined;
    // Foreign, or its execution has not come: it waits for the execution.
    if (route) this.#boxes.post(route, { kind: 'commission', execId });
  }

  /** An error naming a request id: about one of our orders when the id is an IB order id. */
  onOrderError(id: number, code: number, message: string): void {
    if (code === 103) this.#d.ids.raiseFloor(id + 1);
    this.#routes.byBrokerId(id, (route) => {
      if (!route) {
        this.#d.log.info('broker error for an unknown request id', { id, code, message });
        return;
      }
      this.#boxes.post(route, { kind: 'error', code, message });
    });
  }

  async #flagForeign(permId: number | undefined, details: Record<string, unknown>): Promise<void> {
    if (!permId || this.#foreignSeen.has(permId)) return;
    this.#foreignSeen.add(permId);
    this.stats.foreign++;
    try {
      const flaggedAt = (this.#d.now?.() ?? new Date()).toISOString();
      const fresh = await this.#d.store.flagForeignOrder(permId, { ...details, flaggedAt });
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

  /** Runs a queued command on its order's mailbox; rejects if it must be retried later. */
  command(command: OrderCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const route: OrderRoute = this.#routes.cached(command.orderId) ?? {
        tenantId: command.tenantId,
        orderId: command.orderId,
        clientId: this.#d.clientId,
        brokerOrderId: -1,
      };
      if (route.tenantId !== command.tenantId) {
        reject(new Error(`order ${command.orderId} belongs to another tenant`));
        return;
      }
      const done = (error?: unknown) => (error ? reject(error) : resolve());
      this.#boxes.post(route, { kind: 'command', command, done });
    });
  }

  /** Reconciliation of the current session found an order routed here that the broker does not hold. */
  settle(route: OrderRoute): void {
    this.remember(route);
    this.#boxes.post(route, { kind: 'settle', session: this.#session });
  }

  /** Number of mailboxes with work queued or running, and of route lookups in flight. */
  get busy(): number {
    return this.#boxes.busy + this.#routes.pending;
  }

  /** Resolves once no mailbox has work (reconciliation waits for replies to be applied). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy > 0 && Date.now() < deadline) await sleep(10);
  }

  async #apply(box: Mailbox, order: Order, work: Work): Promise<void> {
    switch (work.kind) {
      case 'status': {
        const report = {
          ...work.report,
          ...(box.lastError && !work.report.reason ? { reason: box.lastError } : {}),
        };
        // Any status about the order means the broker holds it.
        this.#atBroker.add(box.route.orderId);
        await this.#commands.decide(box, order, decideOnStatus(order, report), report);
        return;
      }
      case 'error': {
        box.lastError = { code: work.code, message: work.message };
        const decision = decideOnError(order, work.code, work.message);
        await this.#commands.decide(box, order, decision);
        if (decision.kind === 'transition' && decision.to === 'rejected')
          this.#d.metrics?.count('brokerRejects', { ib_code: work.code });
        return;
      }
      case 'fill': {
        await this.#fills.fill(box, order, work.exec, work.receivedAt);
        this.#d.log.info('execution handled', {
          orderId: order.id,
          execId: work.exec.execId,
          ...(order.correlationId ? { correlationId: order.correlationId } : {}),
        });
        const now = box.order;
        if (box.awaiting && now && awaitedFillsArrived(now, box.awaiting.brokerFilled))
          await this.#commands.fillsArrived(box, now);
        return;
      }
      case 'commission': {
        const commission = this.#joiner.takeWaiting(work.execId);
        if (commission !== undefined) await this.#fills.commission(box, work.execId, commission);
        return;
      }
      case 'command':
        await this.#commands.command(box, order, work.command);
        work.done();
        return;
      case 'settle':
        // The session that found it missing has ended: the next reconciliation decides afresh.
        if (work.session !== this.#session) return;
        await this.#commands.settle(box, order);
        return;
    }
  }

  close(): void {
    clearInterval(this.#evictTimer);
    this.#boxes.close();
  }
}
