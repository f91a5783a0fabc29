/**
 * Commands and status changes of one order: queued commands (place, cancel, modify), the routing
 * claim before a placement, status decisions from broker messages, and settling an order the
 * broker does not hold. Core decides (mapping.ts, apply.ts); this runs the steps in order.
 */
import type { MetricsPort } from '../adapters/metrics/index.ts';
import { applyTransition, brokerStep, cancelHere, claimRoute, settleAction } from '../core/bridge/apply.ts';
import { commandAction, decideOnStatus, type Decision, type StatusReport } from '../core/bridge/mapping.ts';
import type { Order } from '../core/orders/order.ts';
import type { OrderCommand } from '../core/orders/ports.ts';
import type { OrderIdAllocator } from './ids.ts';
import type { Logger } from './log.ts';
import type { Mailbox, Work } from './mailbox.ts';
import type { BrokerSession, ExecutionStore, OrderRoute, RouterStats } from './ports.ts';
import type { RouteBook } from './routes.ts';
import { contractOf, ibOrderOf, type IbGroupLinks } from './translate.ts';
import { parentOfLeg } from '../core/bridge/groups.ts';
import { ParentNotPlacedError } from '../core/bridge/errors.ts';

/** How long a broker-ended order waits for its missing fills before it ends anyway. */
export const AWAIT_FILLS_MS = 15_000;

export interface CommandDeskDeps {
  store: Pick<ExecutionStore, 'commitClaim' | 'commitOrderChange' | 'forgetWorking' | 'getOrder'>;
  broker: Pick<BrokerSession, 'placeOrder' | 'cancelOrder'>;
  ids: Pick<OrderIdAllocator, 'next'>;
  routes: RouteBook;
  clientId: number;
  account: string | undefined;
  log: Logger;
  stats: RouterStats;
  now: () => string;
  committed: () => void;
  /** Orders the broker has shown it holds in this session, or that we sent in it. */
  atBroker: () => Set<string>;
  whenReady: () => Promise<void>;
  requestExecutions: () => void;
  post: (route: OrderRoute, work: Work) => void;
  metrics?: MetricsPort;
}

export class CommandDesk {
  readonly #d: CommandDeskDeps;

  constructor(deps: CommandDeskDeps) {
    this.#d = deps;
  }

  /** Applies a decision core made from a broker message. */
  async decide(box: Mailbox, order: Order, decision: Decision, report?: StatusReport): Promise<void> {
    if (decision.kind === 'none') return;
    if (decision.kind === 'await_fills') {
      if (box.awaiting || !report) return;
      this.#d.log.info('broker ended an order with fills not seen yet; asking for executions', {
        orderId: order.id,
        brokerFilled: decision.brokerFilled.toFixed(),
        filled: order.filledQuantity.toFixed(),
      });
      const timer = setTimeout(() => {
        const waiting = box.awaiting;
        if (!waiting) return;
        box.awaiting = undefined;
        this.#d.log.warn('missing fills never came; ending the order as the broker reports', {
          orderId: order.id,
        });
        this.#d.post(box.route, { kind: 'status', report: { ...waiting.report, filled: undefined } });
      }, AWAIT_FILLS_MS);
      timer.unref();
      box.awaiting = { report, brokerFilled: decision.brokerFilled, timer };
      this.#d.requestExecutions();
      return;
    }
    const change = applyTransition(order, decision, this.#d.now(), { clientId: box.route.clientId });
    await this.#d.store.commitOrderChange(change);
    box.order = change.order;
    this.#d.stats.transitions++;
    this.#d.committed();
  }

  /** The missing fills are here: the broker's end of the order applies now. */
  async fillsArrived(box: Mailbox, order: Order): Promise<void> {
    const awaiting = box.awaiting;
    if (!awaiting) return;
    clearTimeout(awaiting.timer);
    box.awaiting = undefined;
    await this.decide(box, order, decideOnStatus(order, awaiting.report), awaiting.report);
  }

  async command(box: Mailbox, order: Order, command: OrderCommand): Promise<void> {
    const action = commandAction(command.kind, order);
    switch (action) {
      case 'skip':
        return;
      case 'cancel_unrouted':
        await this.#cancelHere(box, order, 'Cancelled before it reached the broker', this.#d.clientId);
        return;
      case 'place':
        await this.#place(box, order);
        return;
    }
    await this.#ready(box);
    const current = box.order ?? order;
    switch (brokerStep(action, this.#d.atBroker().has(order.id))) {
      case 'skip':
        return;
      case 'place_again':
        // Placed before a restart or redelivery and never reached the broker: a fresh IB order id.
        await this.#place(box, current, order.brokerOrderId);
        return;
      case 'settle':
        await this.settle(box, current);
        return;
      case 'send_cancel':
        await this.#d.broker.cancelOrder(order.brokerOrderId as number);
        return;
      case 'send_modify':
        await this.#d.broker.placeOrder(
          order.brokerOrderId as number,
          contractOf(order),
          ibOrderOf(order, this.#d.account),
        );
        return;
    }
  }

  /** An order routed here that the broker does not hold (after reconciliation). */
  async settle(box: Mailbox, order: Order): Promise<void> {
    const action = settleAction(order, this.#d.atBroker().has(order.id));
    switch (action.kind) {
      case 'none':
        return;
      case 'forget':
        await this.#d.store.forgetWorking(box.route.clientId, order.id);
        return;
      case 'place':
        this.#d.log.info('routed order never reached the broker; placing it', { orderId: order.id });
        await this.#place(box, order, order.brokerOrderId, false);
        return;
      case 'cancel':
        await this.#cancelHere(box, order, action.reason, box.route.clientId);
        return;
    }
  }

  async #cancelHere(box: Mailbox, order: Order, reason: string, clientId: number): Promise<void> {
    const change = cancelHere(order, reason, this.#d.now(), clientId);
    await this.#d.store.commitOrderChange(change);
    box.order = change.order;
    this.#d.committed();
  }

  async #ready(box: Mailbox): Promise<void> {
    box.parked = true;
    try {
      await this.#d.whenReady();
    } finally {
      box.parked = false;
    }
  }

  /**
   * The IB links of a group's leg: an attached exit goes out only once its parent is at the broker
   * in this session (else the command is retried), and is cancelled here if its parent has ended.
   */
  async #groupLinks(box: Mailbox, order: Order): Promise<IbGroupLinks | undefined> {
    const parentId = order.group?.parentId;
    if (!parentId) return {};
    const parent = await this.#d.store.getOrder(box.route.tenantId, parentId);
    const verdict = parentOfLeg(parent, parent ? this.#d.atBroker().has(parent.id) : false);
    switch (verdict.kind) {
      case 'ready':
        return { parentBrokerOrderId: verdict.parentBrokerOrderId };
      case 'cancel':
        await this.#cancelHere(box, order, verdict.reason, this.#d.clientId);
        return undefined;
      case 'wait':
        throw new ParentNotPlacedError(order.id, parentId, verdict.reason);
    }
  }

  /** Claims the order under a fresh IB order id (exactly-once: claim before place), then places it. */
  async #place(box: Mailbox, order: Order, previousBrokerOrderId?: number, gated = true): Promise<void> {
    if (gated) await this.#ready(box);
    const links = await this.#groupLinks(box, order);
    if (!links) return;
    const ticket = await this.#d.ids.next();
    const claim = claimRoute(order, ticket.id, this.#d.clientId, this.#d.now(), previousBrokerOrderId);
    try {
      await this.#d.store.commitClaim(claim);
    } catch (error) {
      ticket.abandon();
      throw error;
    }
    box.order = claim.order;
    box.route = claim.route;
    this.#d.routes.remember(claim.route);
    this.#d.committed();
    // Known at the broker from here on for this session: a redelivery must not place it again.
    this.#d.atBroker().add(order.id);
    try {
      await ticket.send(() =>
        this.#d.broker.placeOrder(
          ticket.id,
          contractOf(claim.order),
          ibOrderOf(claim.order, this.#d.account, links),
        ),
      );
    } catch (error) {
      // Not sent: the next session's reconciliation (or the redelivered message) places it.
      this.#d.atBroker().delete(order.id);
      throw error;
    }
    this.#d.stats.placed++;
    this.#d.log.info('order placed at the broker', {
      orderId: order.id,
      brokerOrderId: ticket.id,
      ...(order.correlationId ? { correlationId: order.correlationId } : {}),
    });
    // Accepted (createdAt) to written on the socket: the queue, the claim and pacing together.
    const accepted = Date.parse(order.createdAt);
    if (previousBrokerOrderId === undefined && Number.isFinite(accepted))
      this.#d.metrics?.observe('orderToWire', Math.max(0, Date.now() - accepted) / 1000);
  }
}
