/**
 * The per-order mailbox: everything that touches one order (queued commands, broker statuses,
 * errors, fills, commissions, settles) runs one at a time, in arrival order, on the latest stored
 * version of the order. A version conflict means someone else (the API) moved the order: the work
 * is decided again on the fresh one.
 */
import type { ExecutionReport } from '../core/bridge/apply.ts';
import { OrderIdRaceError, PositionVersionConflictError } from '../core/bridge/errors.ts';
import type { StatusReport } from '../core/bridge/mapping.ts';
import type { Dec } from '../core/money.ts';
import { OrderVersionConflictError } from '../core/orders/errors.ts';
import type { Order } from '../core/orders/order.ts';
import type { OrderCommand } from '../core/orders/ports.ts';
import { isTerminal } from '../core/orders/status.ts';
import { BrokerUnavailableError } from './connection.ts';
import { sleep } from './keyed.ts';
import type { Logger } from './log.ts';
import type { ExecutionStore, OrderRoute } from './ports.ts';

export type Work =
  | { kind: 'status'; report: StatusReport }
  | { kind: 'error'; code: number; message: string }
  /** `receivedAt`: performance.now() when the execution report arrived, for fill-to-event latency. */
  | { kind: 'fill'; exec: ExecutionReport; receivedAt?: number }
  | { kind: 'commission'; execId: string }
  | { kind: 'command'; command: OrderCommand; done: (error?: unknown) => void }
  | { kind: 'settle'; session: number };

/** One order's mailbox and what the bridge remembers about the order between messages. */
export interface Mailbox {
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

const MAX_ATTEMPTS = 6;
const MAX_CONFLICTS = 20;

export interface MailboxDeps {
  store: Pick<ExecutionStore, 'getOrder'>;
  log: Logger;
  /** Applies one piece of work to the order as stored. */
  apply: (box: Mailbox, order: Order, work: Work) => Promise<void>;
  /** A position conflicted: cached positions are stale. */
  onPositionConflict: () => void;
  /** Work given up on (a fill or commission: ask the broker for executions again). */
  onGiveUp: (work: Work) => void;
}

export class Mailboxes {
  readonly #d: MailboxDeps;
  readonly #boxes = new Map<string, Mailbox>();

  constructor(deps: MailboxDeps) {
    this.#d = deps;
  }

  get(orderId: string): Mailbox | undefined {
    return this.#boxes.get(orderId);
  }

  post(route: OrderRoute, work: Work): void {
    let box = this.#boxes.get(route.orderId);
    if (!box) {
      box = { route, queue: [], running: false, idleSince: Date.now(), parked: false };
      this.#boxes.set(route.orderId, box);
    }
    box.queue.push(work);
    if (!box.running) void this.#run(box);
  }

  /** Mailboxes with work queued or running, not counting those parked until the session is ready. */
  get busy(): number {
    let n = 0;
    for (const b of this.#boxes.values()) if ((b.running || b.queue.length > 0) && !b.parked) n++;
    return n;
  }

  /** Drops mailboxes of ended orders idle for a minute. */
  evict(now = Date.now()): void {
    const cutoff = now - 60_000;
    for (const [id, b] of this.#boxes) {
      if (b.running || b.queue.length > 0 || b.awaiting) continue;
      if (b.idleSince < cutoff && (!b.order || isTerminal(b.order.status))) this.#boxes.delete(id);
    }
  }

  close(): void {
    for (const b of this.#boxes.values()) if (b.awaiting) clearTimeout(b.awaiting.timer);
  }

  async #run(box: Mailbox): Promise<void> {
    box.running = true;
    try {
      while (box.queue.length > 0) {
        const work = box.queue.shift() as Work;
        // Consecutive statuses: only the newest matters (terms of an openOrder carry over).
        if (work.kind === 'status' && box.queue[0]?.kind === 'status') {
          const next = box.queue[0];
          if (work.report.terms && !next.report.terms) next.report.terms = work.report.terms;
          if (work.report.permId && !next.report.permId) next.report.permId = work.report.permId;
          continue;
        }
        await this.#handle(box, work);
      }
    } finally {
      box.running = false;
      box.idleSince = Date.now();
    }
  }

  async #handle(box: Mailbox, work: Work): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!box.order || (work.kind === 'command' && box.order.version < work.command.version)) {
          box.order = await this.#d.store.getOrder(box.route.tenantId, box.route.orderId);
        }
        if (!box.order) {
          this.#d.log.warn('broker or queue message for an order not in the store', {
            ...box.route,
            kind: work.kind,
          });
          if (work.kind === 'command') work.done();
          return;
        }
        await this.#d.apply(box, box.order, work);
        return;
      } catch (error) {
        const conflict =
          error instanceof OrderVersionConflictError || error instanceof PositionVersionConflictError;
        if (conflict) {
          box.order = undefined;
          if (error instanceof PositionVersionConflictError) this.#d.onPositionConflict();
          if (attempt < MAX_CONFLICTS) continue;
        }
        const retryLater = error instanceof BrokerUnavailableError || error instanceof OrderIdRaceError;
        if (retryLater && work.kind === 'command') {
          work.done(error);
          return;
        }
        if (attempt >= MAX_ATTEMPTS) {
          this.#d.log.error('giving up on broker or queue work', {
            ...box.route,
            kind: work.kind,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          if (work.kind === 'command') work.done(error);
          this.#d.onGiveUp(work);
          box.order = undefined;
          return;
        }
        box.order = undefined;
        await sleep(50 * 2 ** attempt);
      }
    }
  }
}
