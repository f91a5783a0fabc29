/**
 * Pure mapping tables from what Interactive Brokers reports (order statuses, error codes,
 * executions) to changes of our orders. No I/O: the bridge feeds broker messages in and writes
 * what comes out.
 */
import { Dec, ZERO } from '../money.ts';
import type { OrderEventType } from '../orders/events.ts';
import type { Order } from '../orders/order.ts';
import { canTransition, isTerminal, type OrderStatus } from '../orders/status.ts';
import { replacedReservation } from '../risk/exposure.ts';
import { AVERAGE_COST_DECIMALS } from '../positions/position.ts';
import type { BrokerPermId } from '../ids.ts';
import { heldByGroup } from './groups.ts';

/** What an IB order status says about the order, whatever our status is. */
export type BrokerOrderState =
  | 'pending' // sent, not yet acknowledged
  | 'accepted' // working at the broker (held or live)
  | 'pending_cancel'
  | 'cancelled'
  | 'filled'
  | 'inactive'; // refused or cancelled by the system, often after an error with the reason

/** IB's order statuses (orderStatus, openOrder's orderState, completedOrder). */
export const IB_ORDER_STATES: Readonly<Record<string, BrokerOrderState>> = {
  ApiPending: 'pending',
  PendingSubmit: 'pending',
  // Accepted but not yet elected (stop orders wait here; outside hours too).
  PreSubmitted: 'accepted',
  Submitted: 'accepted',
  ApiCancelled: 'cancelled',
  PendingCancel: 'pending_cancel',
  Cancelled: 'cancelled',
  Filled: 'filled',
  // Must not be dropped: it is how a refused order ends when no error names the order.
  Inactive: 'inactive',
};

/** The broker state of an IB status text; unknown texts count as pending (nothing to change). */
export function brokerState(status: string): BrokerOrderState {
  return IB_ORDER_STATES[status] ?? 'pending';
}

/** What an IB error code means for the order it names (its request id). */
export type ErrorEffect =
  | 'reject' // the order is refused: it ends with the broker's reason
  | 'cancelled' // 202: the order is cancelled, the message says why
  | 'not_found' // the broker does not know the order (cancel of an unknown id): it is gone
  | 'cancel_refused'
  | 'replace_refused'
  | 'informational' // warnings and notices: never an end of the order
  | 'connectivity'
  | 'pacing'
  | 'client_id_in_use'
  | 'unknown';

/** Error codes the bridge acts on; anything else about an order is logged and changes nothing. */
export const IB_ERROR_EFFECTS: Readonly<Record<number, ErrorEffect>> = {
  100: 'pacing', // max rate of messages per second exceeded
  103: 'reject', // duplicate order id
  104: 'replace_refused', // can't modify a filled order
  105: 'replace_refused', // order being modified does not match the original
  161: 'cancel_refused', // cancel attempted when the order is not cancellable
  200: 'reject', // no security definition
  201: 'reject', // order rejected, reason follows
  202: 'cancelled', // order cancelled, reason follows
  326: 'client_id_in_use',
  399: 'informational', // order message warning (e.g. will be placed at the open)
  460: 'reject', // order rejected by the exchange or clearing
  1100: 'connectivity',
  1101: 'connectivity',
  1102: 'connectivity',
  2109: 'informational', // outside-RTH attribute ignored
  2110: 'connectivity', // TWS to server connectivity broken
  10147: 'not_found', // order id to cancel not found
  10148: 'cancel_refused', // order cannot be cancelled, state follows
  10349: 'informational', // TIF set to DAY by the order preset
};

/** The effect of an error code; 2100-2199 are notices by IB's own numbering. */
export function errorEffect(code: number): ErrorEffect {
  const known = IB_ERROR_EFFECTS[code];
  if (known) return known;
  if (code >= 2100 && code < 2200) return 'informational';
  return 'unknown';
}

/** One status report of the broker about an order (orderStatus, openOrder or completedOrder). */
export interface StatusReport {
  /** IB's status text. */
  status: string;
  /** Cumulative filled quantity as the broker counts it, when the message carries it. */
  filled?: Dec;
  permId?: number;
  /** The order's terms as the broker holds them (openOrder only): confirms a replace. */
  terms?: { quantity: Dec; limitPrice?: Dec; stopPrice?: Dec };
  /** The last error the broker sent about the order, which explains an Inactive or Cancelled. */
  reason?: { code: number; message: string };
}

/** A change of our order that a broker message calls for. */
export type Decision =
  | { kind: 'none' }
  /** The broker ended the order but reports fills we have not applied: fetch them first. */
  | { kind: 'await_fills'; brokerFilled: Dec }
  | {
      kind: 'transition';
      to: OrderStatus;
      event: OrderEventType;
      reason?: string;
      changes: Partial<Order>;
      data?: Record<string, unknown>;
    };

const NONE: Decision = { kind: 'none' };

/** Whether the broker has acknowledged the order (a permId, or a status past pending_new). */
function acknowledged(order: Order): boolean {
  return order.brokerPermId !== undefined || (order.previousStatus ?? order.status) !== 'pending_new';
}

/** The working status an order returns to when a cancel or replace does not happen. */
function workingStatus(order: Order): OrderStatus {
  return order.filledQuantity.gt(0) ? 'partially_filled' : 'submitted';
}

function permChange(order: Order, permId: number | undefined): Partial<Order> {
  return permId && order.brokerPermId === undefined ? { brokerPermId: permId as BrokerPermId } : {};
}

function sameTerms(order: Order, terms: NonNullable<StatusReport['terms']>): boolean {
  const change = order.pendingChange;
  if (!change) return false;
  const eq = (a: Dec | undefined, b: Dec | undefined) =>
    a === undefined ? true : b !== undefined && a.eq(b);
  return (
    change.quantity.eq(terms.quantity) &&
    eq(change.limitPrice, terms.limitPrice) &&
    eq(change.stopPrice, terms.stopPrice)
  );
}

/** The replace of a pending_replace order took effect: new terms, new reservation. */
function replaced(order: Order, permId: number | undefined): Decision {
  const change = order.pendingChange as NonNullable<Order['pendingChange']>;
  return {
    kind: 'transition',
    to: workingStatus(order),
    event: 'order.replaced',
    changes: {
      ...permChange(order, permId),
      quantity: change.quantity,
      ...(change.limitPrice ? { limitPrice: change.limitPrice } : {}),
      ...(change.stopPrice ? { stopPrice: change.stopPrice } : {}),
      reservation: replacedReservation(order, change),
      pendingChange: undefined,
      previousStatus: undefined,
    },
  };
}

function ended(
  order: Order,
  end: 'cancelled' | 'rejected' | 'expired',
  reason: string,
  code?: number,
  permId?: number,
): Decision {
  // An order that already traded cannot be rejected: what is left of it is cancelled.
  const to = end === 'rejected' && !canTransition(order.status, 'rejected') ? 'cancelled' : end;
  const event: OrderEventType =
    to === 'cancelled' ? 'order.cancelled' : to === 'rejected' ? 'order.rejected' : 'order.expired';
  return {
    kind: 'transition',
    to,
    event,
    reason,
    changes: {
      ...permChange(order, permId),
      ...(to === 'rejected'
        ? { rejectReason: reason, rejectCode: code ? `IB_${code}` : 'BROKER_REJECTED' }
        : {}),
      pendingChange: undefined,
      previousStatus: undefined,
    },
    ...(code ? { data: { brokerCode: code } } : {}),
  };
}

/**
 * What a status report changes. Repeated and out-of-order reports change nothing; a broker that
 * ended an order with fills we have not seen yet makes us fetch them before ending it.
 */
export function decideOnStatus(order: Order, report: StatusReport): Decision {
  if (isTerminal(order.status)) return NONE;
  const state = brokerState(report.status);
  const brokerFilled = report.filled;
  const missingFills = brokerFilled !== undefined && brokerFilled.gt(order.filledQuantity);
  switch (state) {
    case 'pending':
      return NONE;
    case 'accepted':
      if (order.status === 'pending_replace' && report.terms && sameTerms(order, report.terms))
        return replaced(order, report.permId);
      if (order.status === 'pending_new') {
        return {
          kind: 'transition',
          to: 'submitted',
          event: 'order.submitted',
          changes: permChange(order, report.permId),
          data: { brokerStatus: report.status },
        };
      }
      return NONE;
    case 'pending_cancel':
      if (order.status === 'pending_cancel') return NONE;
      // A cancel started elsewhere (TWS, the broker): the order is on its way out.
      return {
        kind: 'transition',
        to: 'pending_cancel',
        event: 'order.cancel_requested',
        reason: 'Cancel started at the broker',
        changes: { ...permChange(order, report.permId), previousStatus: order.status },
      };
    case 'cancelled': {
      if (missingFills) return { kind: 'await_fills', brokerFilled };
      if (
        report.reason?.code === 202 ||
        order.status === 'pending_cancel' ||
        (order.timeInForce !== 'day' && order.timeInForce !== 'gtd')
      )
        return ended(
          order,
          'cancelled',
          reasonText(report, 'Cancelled at the broker'),
          report.reason?.code,
          report.permId,
        );
      // Cancelled unasked and without a reason: the session ended under a DAY order, or a GTD
      // order reached its expiry time.
      return ended(
        order,
        'expired',
        report.reason?.message ?? 'The trading day ended',
        undefined,
        report.permId,
      );
    }
    case 'filled':
      if (missingFills) return { kind: 'await_fills', brokerFilled };
      // Every fill is here and the broker says done: a replace that would have grown the order
      // (and is refused next, e.g. 103 or 104) must not keep it open.
      if (brokerFilled === undefined || order.filledQuantity.isZero()) return NONE;
      return {
        kind: 'transition',
        to: 'filled',
        event: 'order.filled',
        changes: { ...permChange(order, report.permId), pendingChange: undefined, previousStatus: undefined },
        data: { brokerStatus: report.status },
      };
    case 'inactive': {
      if (missingFills) return { kind: 'await_fills', brokerFilled };
      if (heldByGroup(order, report.reason)) return NONE;
      const reason = reasonText(report, 'Inactive at the broker');
      if (order.filledQuantity.gt(0))
        return ended(order, 'cancelled', reason, report.reason?.code, report.permId);
      return ended(order, 'rejected', reason, report.reason?.code, report.permId);
    }
  }
}

function reasonText(report: StatusReport, fallback: string): string {
  return report.reason?.message || fallback;
}

/** What an error about an order changes. Informational codes never end an order. */
export function decideOnError(order: Order, code: number, message: string): Decision {
  if (isTerminal(order.status)) return NONE;
  const effect = errorEffect(code);
  switch (effect) {
    case 'reject':
      // A refused modification leaves the original order working.
      if (order.status === 'pending_replace' && acknowledged(order))
        return replaceRefused(order, code, message);
      if (order.filledQuantity.gt(0)) return ended(order, 'cancelled', message, code);
      return ended(order, 'rejected', message, code);
    case 'cancelled':
      return ended(order, 'cancelled', message, code);
    case 'not_found':
      return ended(order, 'cancelled', message, code);
    case 'cancel_refused':
      if (order.status !== 'pending_cancel') return NONE;
      // "cannot be cancelled, state: Filled": the fills (or the final status) settle it.
      if (/state:\s*(Filled|Cancelled|ApiCancelled|Inactive)/i.test(message)) return NONE;
      return {
        kind: 'transition',
        to: workingStatus(order),
        event: 'order.cancel_refused',
        reason: message,
        changes: { previousStatus: undefined },
        data: { brokerCode: code },
      };
    case 'replace_refused':
      if (order.status !== 'pending_replace') return NONE;
      return replaceRefused(order, code, message);
    default:
      return NONE;
  }
}

function replaceRefused(order: Order, code: number, message: string): Decision {
  // The reservation stays at the larger of old and new until the order ends: conservative.
  return {
    kind: 'transition',
    to: workingStatus(order),
    event: 'order.replace_refused',
    reason: message,
    changes: { pendingChange: undefined, previousStatus: undefined },
    data: { brokerCode: code },
  };
}

/** One execution of an order. */
export interface Execution {
  execId: string;
  side: 'buy' | 'sell';
  quantity: Dec;
  price: Dec;
  at: string;
  permId?: number;
}

/** The order after a fill, and the audit event that records it. */
export function decideOnFill(
  order: Order,
  fill: Execution,
): { to: OrderStatus; event: OrderEventType; changes: Partial<Order>; late: boolean } {
  const filled = order.filledQuantity.plus(fill.quantity);
  const value = (order.averageFillPrice ?? ZERO)
    .mul(order.filledQuantity)
    .plus(fill.price.mul(fill.quantity));
  const averageFillPrice = value.div(filled).toDecimalPlaces(AVERAGE_COST_DECIMALS);
  const target = order.pendingChange ? Dec.max(order.quantity, order.pendingChange.quantity) : order.quantity;
  const complete = filled.gte(target);
  const changes: Partial<Order> = {
    ...permChange(order, fill.permId),
    filledQuantity: filled,
    averageFillPrice,
  };
  // A fill can reach us after the order ended (it traded while the cancel was on its way): it
  // still counts, the status stays.
  if (isTerminal(order.status)) {
    return {
      to: order.status,
      event: complete ? 'order.filled' : 'order.partially_filled',
      changes,
      late: true,
    };
  }
  if (complete) {
    return {
      to: 'filled',
      event: 'order.filled',
      changes: { ...changes, pendingChange: undefined, previousStatus: undefined },
      late: false,
    };
  }
  const keeps = order.status === 'pending_cancel' || order.status === 'pending_replace';
  return {
    to: keeps ? order.status : 'partially_filled',
    event: 'order.partially_filled',
    changes,
    late: false,
  };
}

/** What the bridge does with a queued command, given the order as stored. */
export type CommandAction =
  | 'skip' // nothing to do (ended, or the command is stale)
  | 'place' // claim and place (new, or a modify that reached an order never routed)
  | 'check_broker' // claimed before (a redelivery or a restart): ask the broker first
  | 'cancel_unrouted' // cancelled before it reached the broker: cancel here
  | 'cancel' // cancel at the broker
  | 'modify'; // re-place the same IB order id with the new terms

/** The action for a queued command. */
export function commandAction(kind: 'place' | 'cancel' | 'modify', order: Order): CommandAction {
  if (isTerminal(order.status)) return 'skip';
  const routed = order.brokerOrderId !== undefined;
  if (!routed) {
    if (order.status === 'pending_cancel') return 'cancel_unrouted';
    return kind === 'cancel' ? 'skip' : 'place';
  }
  switch (kind) {
    case 'place':
      return 'check_broker';
    case 'cancel':
      return order.status === 'pending_cancel' ? 'cancel' : 'skip';
    case 'modify':
      return order.status === 'pending_replace' ? 'modify' : 'skip';
  }
}
