/**
 * Reconciliation on every (re)connect: before anything is placed, ask the broker what it holds
 * (open orders of every client and hand-entered ones, orders that ended, executions since the last
 * reconciliation, each applied once) and compare positions. Routed orders the broker does not hold
 * are then settled, but only while the session that answered is still the current one: what a
 * dropped session said is incomplete, and settling on it would cancel orders the broker still works.
 */
import { Dec } from '../core/money.ts';
import { sleep } from './keyed.ts';
import type { Logger } from './log.ts';
import type { BridgeStateStore, BrokerSession, ExecutionStore, OrderRoute } from './ports.ts';
import { executionsSince, fromIbSymbol } from './translate.ts';
import { reportedPositionSymbol } from '../core/instruments/identity.ts';

/** Executions are asked for from a little before the last reconciliation, to cover clock skew. */
const WATERMARK_MARGIN_MS = 10 * 60_000;
/** Requests for executions within this window are sent as one. */
const EXECUTIONS_DEBOUNCE_MS = 200;
const RETRY_MS = 1000;

/** What reconciliation needs of the order router. */
export interface ReconciledRouter {
  remember(route: OrderRoute): void;
  knownAtBroker(orderId: string): boolean;
  settle(route: OrderRoute): void;
  idle(timeoutMs?: number): Promise<void>;
}

export interface ReconcilerDeps {
  broker: Omit<BrokerSession, 'placeOrder' | 'cancelOrder'>;
  store: Pick<ExecutionStore, 'workingRoutes' | 'housePositions'> &
    Pick<BridgeStateStore, 'state' | 'setExecWatermark'>;
  router: ReconciledRouter;
  clientId: number;
  /** The login's accounts (managedAccounts): house positions of other connections' accounts are not compared. */
  accounts?: () => string[];
  log: Logger;
  /** Ready to take commands (true once a reconciliation completed in the current session). */
  setReady: (ready: boolean) => void;
  /** The bridge is draining: no new reconciliation rounds. */
  draining: () => boolean;
  /** Counts position mismatches (the alarm a mismatch raises). */
  onMismatches?: (count: number) => void;
}

export class Reconciler {
  readonly #d: ReconcilerDeps;
  #watermark: string | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #count = 0;
  #waiters: Array<() => void> = [];
  #executionsPending: NodeJS.Timeout | null = null;

  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
  }

  /** Completed reconciliations. */
  get count(): number {
    return this.#count;
  }

  /** Resolves at the next completed reconciliation. */
  reconciled(): Promise<void> {
    return new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Resolves once the round in progress (if any) has finished. */
  async settled(): Promise<void> {
    await this.#running;
  }

  /** Reconciles now, or once more after the round in progress. */
  reconcile(why: string): void {
    this.#d.setReady(false);
    if (this.#running) {
      this.#again = true;
      return;
    }
    const { broker, store, clientId, log } = this.#d;
    this.#running = (async () => {
      do {
        this.#again = false;
        const session = broker.sessions;
        const started = new Date().toISOString();
        try {
          await this.#round(why, session);
          if (session !== broker.sessions || !broker.up) continue;
          this.#count++;
          this.#watermark = started;
          await store.setExecWatermark(clientId, started).catch(() => undefined);
          for (const w of this.#waiters.splice(0)) w();
          if (!this.#again) this.#d.setReady(true);
        } catch (error) {
          log.warn('reconciliation failed; retried', { why, error: String(error) });
          if (!broker.up) break;
          await sleep(RETRY_MS);
          this.#again = true;
        }
      } while (this.#again && broker.up && !this.#d.draining());
    })().finally(() => {
      this.#running = undefined;
    });
  }

  /** Asks the broker for executions again, soon (fills we know exist but have not seen). */
  requestExecutions(): void {
    if (this.#executionsPending) return;
    this.#executionsPending = setTimeout(() => {
      this.#executionsPending = null;
      if (!this.#d.broker.up) return;
      this.#d.broker
        .executions({ time: executionsSince(this.#watermark, WATERMARK_MARGIN_MS) } as never)
        .catch((error: unknown) => this.#d.log.warn('executions request failed', { error: String(error) }));
    }, EXECUTIONS_DEBOUNCE_MS);
    this.#executionsPending.unref();
  }

  close(): void {
    if (this.#executionsPending) clearTimeout(this.#executionsPending);
    this.#executionsPending = null;
    this.#waiters = [];
  }

  async #round(why: string, session: number): Promise<void> {
    const { broker, store, router, clientId, log } = this.#d;
    const sessionChanged = () => broker.sessions !== session || !broker.up;
    const t0 = Date.now();
    const routes = await store.workingRoutes(clientId);
    for (const r of routes) router.remember(r);
    if (!this.#watermark) this.#watermark = (await store.state(clientId)).execWatermark;
    const open = await broker.openOrders();
    const completed = await broker.completedOrders();
    const execs = await broker.executions({
      time: executionsSince(this.#watermark, WATERMARK_MARGIN_MS),
    } as never);
    await router.idle();
    if (sessionChanged()) return;
    let settled = 0;
    for (const route of routes) {
      if (router.knownAtBroker(route.orderId)) continue;
      router.settle(route);
      settled++;
    }
    await router.idle();
    const mismatches = await this.#comparePositions().catch((error: unknown) => {
      log.warn('position comparison failed', { error: String(error) });
      return [];
    });
    if (mismatches.length) this.#d.onMismatches?.(mismatches.length);
    log.info('reconciled with the broker', {
      why,
      ms: Date.now() - t0,
      working: routes.length,
      openAtBroker: open.length,
      completedAtBroker: completed.length,
      executions: execs.length,
      settled,
      positionMismatches: mismatches.length,
    });
  }

  /** The broker's positions against the house positions (the sum over tenants). */
  async #comparePositions() {
    const [atBroker, house] = await Promise.all([this.#d.broker.positions(), this.#d.store.housePositions()]);
    const key = (account: string, symbol: string) => `${account}|${symbol}`;
    const mine = new Set(this.#d.accounts?.() ?? []);
    const ours = new Map(
      house
        .filter((h) => mine.size === 0 || mine.has(h.account))
        .map((h) => [key(h.account, h.symbol), h.quantity]),
    );
    const mismatches: Array<{ account: string; symbol: string; broker: string; oms: string }> = [];
    for (const p of atBroker) {
      const symbol = reportedPositionSymbol({
        symbol: fromIbSymbol(p.contract.symbol ?? ''),
        ...(p.contract.secType ? { secType: String(p.contract.secType) } : {}),
        ...(p.contract.conId ? { conId: p.contract.conId } : {}),
        ...(p.contract.currency ? { currency: p.contract.currency } : {}),
      });
      const k = key(p.account, symbol);
      const oms = ours.get(k) ?? new Dec(0);
      ours.delete(k);
      const theirs = new Dec(String(p.pos));
      if (!theirs.eq(oms))
        mismatches.push({ account: p.account, symbol, broker: theirs.toFixed(), oms: oms.toFixed() });
    }
    for (const [k, q] of ours) {
      if (q.isZero()) continue;
      const [account = '', symbol = ''] = k.split('|');
      mismatches.push({ account, symbol, broker: '0', oms: q.toFixed() });
    }
    // Hand-entered trades explain some; the rest needs a look.
    if (mismatches.length)
      this.#d.log.warn('positions differ between the broker and the OMS', { mismatches });
    return mismatches;
  }
}
