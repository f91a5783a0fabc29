import { describe, expect, it } from '@jest/globals';
import {
  ORDER_STATUSES,
  TRANSITIONS,
  canTransition,
  isTerminal,
  type OrderStatus,
} from '../../../core/orders/status.ts';
import { newOrder, transition, NewOrderRequest } from '../../../core/orders/order.ts';
import { IllegalTransitionError } from '../../../core/orders/errors.ts';
import { newOrderId } from '../../../core/ids.ts';

/** The expected table, written out independently of the implementation so a change to either shows. */
const ALLOWED: Record<OrderStatus, OrderStatus[]> = {
  pending_new: [
    'submitted',
    'partially_filled',
    'filled',
    'pending_cancel',
    'pending_replace',
    'cancelled',
    'rejected',
    'expired',
  ],
  submitted: [
    'submitted',
    'partially_filled',
    'filled',
    'pending_cancel',
    'pending_replace',
    'cancelled',
    'rejected',
    'expired',
  ],
  partially_filled: [
    'partially_filled',
    'filled',
    'pending_cancel',
    'pending_replace',
    'cancelled',
    'expired',
  ],
  pending_cancel: [
    'pending_cancel',
    'cancelled',
    'filled',
    'submitted',
    'partially_filled',
    'expired',
    'rejected',
  ],
  pending_replace: [
    'pending_replace',
    'submitted',
    'partially_filled',
    'filled',
    'pending_cancel',
    'cancelled',
    'rejected',
    'expired',
  ],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

function orderIn(status: OrderStatus) {
  const request = NewOrderRequest.parse({
    symbol: 'AAPL',
    side: 'buy',
    quantity: '10',
    type: 'limit',
    limitPrice: '100',
  });
  const order = newOrder({
    id: newOrderId(),
    tenantId: 't1',
    request,
    status: 'pending_new',
    now: '2026-01-01T00:00:00.000Z',
  });
  return { ...order, status };
}

describe('order transition table', () => {
  it('lists every status', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
  });

  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s follows the table', (from, to) => {
    const allowed = ALLOWED[from].includes(to);
    expect(canTransition(from, to)).toBe(allowed);
    const order = orderIn(from);
    if (allowed) {
      const next = transition(order, to, '2026-01-01T00:00:01.000Z');
      expect(next.status).toBe(to);
      expect(next.version).toBe(order.version + 1);
      expect(next.updatedAt).toBe('2026-01-01T00:00:01.000Z');
    } else {
      expect(() => transition(order, to, '2026-01-01T00:00:01.000Z')).toThrow(IllegalTransitionError);
    }
  });

  it('leaves terminal statuses with no way out', () => {
    for (const status of ORDER_STATUSES) expect(isTerminal(status)).toBe(TRANSITIONS[status].length === 0);
  });

  it('says which edge was refused', () => {
    try {
      transition(orderIn('filled'), 'cancelled', 'x');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect((error as IllegalTransitionError).code).toBe('ILLEGAL_TRANSITION');
      expect((error as Error).message).toBe('An order cannot go from filled to cancelled');
    }
  });
});
