/**
 * Order groups at the broker: what an attached leg needs of its parent before it can be placed,
 * and which broker reports about a held leg mean nothing yet. Pure: the bridge asks, then acts.
 */
import type { Order } from '../orders/order.ts';
import { isTerminal } from '../orders/status.ts';

export type ParentVerdict =
  | { kind: 'ready'; parentBrokerOrderId: number }
  | { kind: 'cancel'; reason: string }
  | { kind: 'wait'; reason: string };

/**
 * Whether an attached leg (a bracket's or OTO's exit) can go to IB: its parent must hold an IB
 * order id the broker knows in this session (IB's parentId names it). A parent that ended or is
 * being cancelled before the leg left takes the leg with it, as IB cancels attached orders.
 */
export function parentOfLeg(parent: Order | undefined, parentAtBroker: boolean): ParentVerdict {
  if (!parent) return { kind: 'cancel', reason: 'Its parent order does not exist' };
  if (isTerminal(parent.status) || parent.status === 'pending_cancel')
    return { kind: 'cancel', reason: `Cancelled with its parent order ${parent.id} (${parent.status})` };
  if (parent.brokerOrderId === undefined) return { kind: 'wait', reason: 'the parent is not routed yet' };
  if (!parentAtBroker) return { kind: 'wait', reason: 'the parent is not at the broker in this session' };
  return { kind: 'ready', parentBrokerOrderId: parent.brokerOrderId };
}

/**
 * A leg sent with transmit=false sits at IB as Inactive until the group's last leg transmits it;
 * that Inactive is not a refusal (an error code would say so), so it changes nothing.
 */
export function heldByGroup(order: Order, reason: { code: number } | undefined): boolean {
  return order.group?.held === true && order.status === 'pending_new' && !(reason && reason.code > 0);
}
