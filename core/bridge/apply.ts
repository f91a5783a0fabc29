/**
 * Applying what the broker reported, as pure functions: each takes the state as stored and
 * returns every change one transaction must write (order and its audit event, position and its
 * position.changed event, the fill record, day P&L, risk counters, the house position, the working
 * list), with the versions the write must find. The store persists the result as it is; it decides
 * nothing.
 */
import { isPlainStock, positionSymbolOf } from '../instruments/identity.ts';
import { ZERO, type Dec } from '../money.ts';
import { orderEvent, type OrderEvent } from '../orders/events.ts';
import { amend, transition, type Order } from '../orders/order.ts';
import { isTerminal } from '../orders/status.ts';
import {
  applyCommission,
  applyFill,
  emptyPosition,
  positionChangedDetail,
  type Position,
  type PositionChangedDetail,
} from '../positions/position.ts';
import { tradingDay } from '../risk/checks.ts';
import { counterDelta, isZeroDelta, type Contribution } from '../risk/exposure.ts';
import type { BrokerOrderId } from '../ids.ts';
import { decideOnFill, type Decision, type Execution } from './mapping.ts';
import type { OrderRoute, StoredFill } from './records.ts';

/** How far the tenant's risk counters (and its symbol's) move. */
export interface CounterChange {
  tenantId: string;
  symbol: string;
  delta: Contribution;
}

/** What a fill or commission adds to the tenant's day P&L (and the symbol's). */
export interface PnlChange {
  tenantId: string;
  day: string;
  symbol: string;
  /** The IB account of the fill: the day's figures are also kept per account. */
  account?: string;
  /** Gross realized P&L, before commission. */
  realized: Dec;
  commission: Dec;
  fills: 0 | 1;
  bought: Dec;
  sold: Dec;
}

/** The order ended: it leaves the working list of the client id that routed it. */
export interface WorkingExit {
  clientId: number;
  orderId: string;
}

/** A change of one order and the counters it moves. */
export interface OrderChange {
  /** The order as read: the write requires this version. */
  before: Order;
  order: Order;
  event: OrderEvent;
  counters?: CounterChange;
  endsWorking?: WorkingExit;
}

/** The routing claim: the order takes its IB order id before anything is sent. */
export interface RouteClaim {
  before: Order;
  order: Order;
  event: OrderEvent;
  route: OrderRoute;
  routedAt: string;
}

/** One execution as the bridge applies it: where it traded, the IB order id, its commission if paired. */
export interface ExecutionReport extends Execution {
  account: string;
  brokerOrderId?: number;
  commission?: Dec;
}

/** Everything one execution changes. */
export interface FillOutcome {
  before: Order;
  order: Order;
  orderEvent: OrderEvent;
  /** The position's version as read (0: it does not exist yet). */
  positionVersion: number;
  position: Position;
  positionEvent: PositionChangedDetail;
  fill: StoredFill & { realizedPnl: Dec; brokerPermId?: number; brokerOrderId?: number; appliedAt: string };
  pnlChange: PnlChange;
  counters?: CounterChange;
  /** The house position (the sum over tenants) per account and symbol moves by this signed quantity. */
  house: { account: string; symbol: string; quantity: Dec };
  endsWorking?: WorkingExit;
}

/** Everything one commission charge changes (its fill applied before without it). */
export interface CommissionOutcome {
  fill: StoredFill;
  commission: Dec;
  positionVersion: number;
  position: Position;
  positionEvent: PositionChangedDetail;
  pnlChange: PnlChange;
}

function counters(order: Order, delta: Contribution): CounterChange | undefined {
  return isZeroDelta(delta)
    ? undefined
    : { tenantId: order.tenantId, symbol: positionSymbolOf(order), delta };
}

function exit(before: Order, after: Order, clientId: number | undefined): WorkingExit | undefined {
  return isTerminal(after.status) && !isTerminal(before.status) && clientId !== undefined
    ? { clientId, orderId: before.id }
    : undefined;
}

/** The claim of an order under a fresh IB order id (`reroute`: the id it had before, never sent). */
export function claimRoute(
  order: Order,
  brokerOrderId: number,
  clientId: number,
  now: string,
  reroute?: number,
): RouteClaim {
  const next = amend(order, now, { brokerOrderId: brokerOrderId as BrokerOrderId });
  const event = orderEvent(next, 'order.routed', 'system:bridge', {
    data: { brokerOrderId, clientId, ...(reroute !== undefined ? { replacesBrokerOrderId: reroute } : {}) },
  });
  return {
    before: order,
    order: next,
    event,
    route: { tenantId: order.tenantId, orderId: order.id, clientId, brokerOrderId },
    routedAt: now,
  };
}

/** A status change a broker message (or the bridge itself) decided, with the counters it moves. */
export function applyTransition(
  order: Order,
  decision: Extract<Decision, { kind: 'transition' }>,
  now: string,
  options: { actor?: string; clientId?: number } = {},
): OrderChange {
  const next = transition(order, decision.to, now, decision.changes);
  const event = orderEvent(next, decision.event, options.actor ?? 'broker', {
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.data ? { data: decision.data } : {}),
  });
  const change: OrderChange = { before: order, order: next, event };
  const moved = counters(order, counterDelta({ order }, { order: next }));
  if (moved) change.counters = moved;
  // Ending an order already ended never happens (the table forbids it); the exit is by status.
  if (isTerminal(decision.to) && options.clientId !== undefined)
    change.endsWorking = { clientId: options.clientId, orderId: order.id };
  return change;
}

/** The bridge cancels an order here: the broker never had it, or no longer has it. */
export function cancelHere(order: Order, reason: string, now: string, clientId: number): OrderChange {
  return applyTransition(
    order,
    {
      kind: 'transition',
      to: 'cancelled',
      event: 'order.cancelled',
      reason,
      changes: { previousStatus: undefined, pendingChange: undefined },
    },
    now,
    { actor: 'system:bridge', clientId },
  );
}

/**
 * One execution applied to its order and position. A fill that arrives after the order ended (it
 * traded while the cancel was on its way) still counts: the order is amended, its status stays.
 */
export function applyExecution(
  order: Order,
  position: Position | undefined,
  report: ExecutionReport,
  now: string,
  clientId?: number,
): FillOutcome {
  const { account, brokerOrderId, commission, ...execution } = report;
  const symbol = positionSymbolOf(order);
  const instrument = isPlainStock(order.instrument) ? undefined : order.instrument;
  const before = position ?? emptyPosition(order.tenantId, account, symbol, execution.at, instrument);
  const { position: after, realized } = applyFill(before, {
    execId: execution.execId,
    side: execution.side,
    quantity: execution.quantity,
    price: execution.price,
    at: execution.at,
    ...(commission !== undefined ? { commission } : {}),
  });
  const decided = decideOnFill(order, execution);
  const next: Order =
    decided.to === order.status && decided.late
      ? amend(order, now, decided.changes)
      : transition(order, decided.to, now, decided.changes);
  const event = orderEvent(next, decided.event, 'broker', {
    data: {
      fill: {
        execId: execution.execId,
        side: execution.side,
        quantity: execution.quantity.toFixed(),
        price: execution.price.toFixed(),
        at: execution.at,
        ...(decided.late ? { afterEnd: true } : {}),
      },
    },
  });
  const day = tradingDay(new Date(execution.at));
  const outcome: FillOutcome = {
    before: order,
    order: next,
    orderEvent: event,
    positionVersion: before.version,
    position: after,
    positionEvent: positionChangedDetail(after, {
      kind: 'fill',
      execId: execution.execId,
      orderId: order.id,
    }),
    fill: {
      tenantId: order.tenantId,
      execId: execution.execId,
      orderId: order.id,
      account,
      symbol,
      ...(instrument ? { instrument } : {}),
      side: execution.side,
      quantity: execution.quantity,
      price: execution.price,
      at: execution.at,
      day,
      realizedPnl: realized,
      ...(commission !== undefined ? { commission } : {}),
      ...(execution.permId ? { brokerPermId: execution.permId } : {}),
      ...(brokerOrderId !== undefined ? { brokerOrderId } : {}),
      appliedAt: now,
    },
    pnlChange: {
      tenantId: order.tenantId,
      day,
      symbol,
      account,
      realized,
      commission: commission ?? ZERO,
      fills: 1,
      bought: execution.side === 'buy' ? execution.quantity : ZERO,
      sold: execution.side === 'sell' ? execution.quantity : ZERO,
    },
    house: {
      account,
      symbol,
      quantity: execution.side === 'buy' ? execution.quantity : execution.quantity.neg(),
    },
  };
  const moved = counters(order, counterDelta({ order, position: before }, { order: next, position: after }));
  if (moved) outcome.counters = moved;
  const ends = exit(order, next, clientId);
  if (ends) outcome.endsWorking = ends;
  return outcome;
}

/**
 * A commission charged on its own, once its fill is applied: a realized cost of the position and
 * of the day the fill traded. Nothing to do when the fill already carries one.
 */
export function applyCommissionReport(
  fill: StoredFill,
  position: Position | undefined,
  commission: Dec,
  now: string,
): CommissionOutcome | undefined {
  // An applied fill always left a position behind: without one there is nothing to charge yet.
  if (fill.commission !== undefined || !position) return undefined;
  const after = applyCommission(position, commission, now);
  return {
    fill,
    commission,
    positionVersion: position.version,
    position: after,
    positionEvent: positionChangedDetail(after, {
      kind: 'commission',
      execId: fill.execId,
      orderId: fill.orderId,
    }),
    pnlChange: {
      tenantId: fill.tenantId,
      day: fill.day,
      symbol: fill.symbol,
      account: fill.account,
      realized: ZERO,
      commission,
      fills: 0,
      bought: ZERO,
      sold: ZERO,
    },
  };
}

/** The broker ended an order with fills we had not applied: once they are here, end it. */
export function awaitedFillsArrived(order: Order, brokerFilled: Dec): boolean {
  return order.filledQuantity.gte(brokerFilled);
}

/** What to do with an order routed here that reconciliation found the broker does not hold. */
export type SettleAction =
  | { kind: 'forget' } // it ended while the bridge was away: off the working list
  | { kind: 'none' } // the broker holds it after all
  | { kind: 'place' } // claimed but never sent (the bridge died in between): place it now
  | { kind: 'cancel'; reason: string };

/** The settle action, given whether the broker has shown the order in this session. */
export function settleAction(order: Order, atBroker: boolean): SettleAction {
  if (isTerminal(order.status)) return { kind: 'forget' };
  if (atBroker) return { kind: 'none' };
  if (order.brokerPermId === undefined && order.status !== 'pending_cancel') return { kind: 'place' };
  return {
    kind: 'cancel',
    reason:
      order.brokerPermId === undefined
        ? 'Cancelled before it reached the broker'
        : 'The broker no longer has this order',
  };
}

/** A routed order's command once the session is ready, given whether the broker holds the order. */
export type BrokerStep =
  | 'skip' // the broker has it already (a redelivered place)
  | 'place_again' // the broker never got it: place under a fresh IB order id
  | 'settle' // a cancel of an order the broker never got: settle it here
  | 'send_cancel'
  | 'send_modify';

/** The step for a check_broker, cancel or modify action. */
export function brokerStep(action: 'check_broker' | 'cancel' | 'modify', atBroker: boolean): BrokerStep {
  switch (action) {
    case 'check_broker':
      return atBroker ? 'skip' : 'place_again';
    case 'cancel':
      // Claimed in a session that died before the order went out: the broker never had it.
      return atBroker ? 'send_cancel' : 'settle';
    case 'modify':
      // Re-sending an IB order id the broker does not hold would place a new order (or get 103):
      // the order goes out under a fresh id with the new terms instead.
      return atBroker ? 'send_modify' : 'place_again';
  }
}

/** The terms to send: a pending change replaces the order's own. */
export function effectiveTerms(order: Order): { quantity: Dec; limitPrice?: Dec; stopPrice?: Dec } {
  const change = order.pendingChange;
  return {
    quantity: change?.quantity ?? order.quantity,
    ...((change?.limitPrice ?? order.limitPrice)
      ? { limitPrice: change?.limitPrice ?? order.limitPrice }
      : {}),
    ...((change?.stopPrice ?? order.stopPrice) ? { stopPrice: change?.stopPrice ?? order.stopPrice } : {}),
  };
}
