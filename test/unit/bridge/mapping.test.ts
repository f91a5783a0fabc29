import { describe, expect, it } from '@jest/globals';
import {
  brokerState,
  commandAction,
  decideOnError,
  decideOnFill,
  decideOnStatus,
  errorEffect,
  IB_ORDER_STATES,
} from '../../../core/bridge/mapping.ts';
import { Dec, ZERO } from '../../../core/money.ts';
import type { Order } from '../../../core/orders/order.ts';
import type { BrokerOrderId, BrokerPermId } from '../../../core/ids.ts';
import { canTransition } from '../../../core/orders/status.ts';

const base = (o: Partial<Order> = {}): Order =>
  ({
    id: '01J0000000000000000000000A',
    tenantId: 't',
    symbol: 'AAPL',
    side: 'buy',
    quantity: new Dec(10),
    type: 'limit',
    limitPrice: new Dec(100),
    timeInForce: 'day',
    outsideRth: false,
    status: 'pending_new',
    filledQuantity: ZERO,
    reservation: { quantity: new Dec(10), unitPrice: new Dec(100) },
    brokerOrderId: 5 as BrokerOrderId,
    createdAt: '',
    updatedAt: '',
    version: 2,
    ...o,
  }) as Order;
const working = (o: Partial<Order> = {}) =>
  base({ status: 'submitted', brokerPermId: 77 as BrokerPermId, ...o });

const to = (d: ReturnType<typeof decideOnStatus>) =>
  d.kind === 'transition' ? `${d.to}:${d.event}` : d.kind;

describe('IB order statuses', () => {
  it('every IB status maps; unknown texts change nothing', () => {
    expect(Object.keys(IB_ORDER_STATES).sort()).toEqual(
      [
        'ApiCancelled',
        'ApiPending',
        'Cancelled',
        'Filled',
        'Inactive',
        'PendingCancel',
        'PendingSubmit',
        'PreSubmitted',
        'Submitted',
      ].sort(),
    );
    expect(brokerState('SomethingNew')).toBe('pending');
  });

  it.each([
    ['PendingSubmit', 'none'],
    ['PreSubmitted', 'submitted:order.submitted'],
    ['Submitted', 'submitted:order.submitted'],
    ['PendingCancel', 'pending_cancel:order.cancel_requested'],
    ['Cancelled', 'expired:order.expired'],
    ['Inactive', 'rejected:order.rejected'],
    ['Filled', 'none'],
  ])('pending_new + %s → %s', (status, expected) => {
    expect(to(decideOnStatus(base(), { status, filled: ZERO }))).toBe(expected);
  });

  it('repeated statuses change nothing', () => {
    expect(to(decideOnStatus(working(), { status: 'Submitted', filled: ZERO }))).toBe('none');
    expect(
      to(
        decideOnStatus(base({ status: 'filled', filledQuantity: new Dec(10) }), {
          status: 'Filled',
          filled: new Dec(10),
        }),
      ),
    ).toBe('none');
    expect(to(decideOnStatus(base({ status: 'cancelled' }), { status: 'Submitted' }))).toBe('none');
  });

  it('a broker end with fills we have not applied waits for them', () => {
    const d = decideOnStatus(working({ filledQuantity: new Dec(2) }), {
      status: 'Cancelled',
      filled: new Dec(6),
    });
    expect(d).toEqual({ kind: 'await_fills', brokerFilled: new Dec(6) });
    expect(decideOnStatus(working(), { status: 'Filled', filled: new Dec(10) }).kind).toBe('await_fills');
  });

  it('Cancelled after our cancel request, a 202 or on a GTC order is a cancel; a DAY order cancelled unasked expired', () => {
    expect(
      to(decideOnStatus(working({ status: 'pending_cancel' }), { status: 'Cancelled', filled: ZERO })),
    ).toBe('cancelled:order.cancelled');
    expect(to(decideOnStatus(working({ timeInForce: 'gtc' }), { status: 'Cancelled', filled: ZERO }))).toBe(
      'cancelled:order.cancelled',
    );
    expect(
      to(
        decideOnStatus(working(), {
          status: 'Cancelled',
          filled: ZERO,
          reason: { code: 202, message: 'Order Canceled - reason:IOC' },
        }),
      ),
    ).toBe('cancelled:order.cancelled');
    expect(to(decideOnStatus(working(), { status: 'Cancelled', filled: ZERO }))).toBe(
      'expired:order.expired',
    );
  });

  it('Inactive is never dropped: rejected with the last error, or cancelled when it had fills', () => {
    const d = decideOnStatus(base(), {
      status: 'Inactive',
      filled: ZERO,
      reason: { code: 201, message: 'Order rejected - reason:margin' },
    });
    expect(d).toMatchObject({
      kind: 'transition',
      to: 'rejected',
      reason: 'Order rejected - reason:margin',
      changes: { rejectCode: 'IB_201' },
    });
    expect(
      to(
        decideOnStatus(working({ status: 'partially_filled', filledQuantity: new Dec(3) }), {
          status: 'Inactive',
          filled: new Dec(3),
        }),
      ),
    ).toBe('cancelled:order.cancelled');
  });

  it('a replace is confirmed by an openOrder carrying the new terms, with the new reservation', () => {
    const pending = working({
      status: 'pending_replace',
      previousStatus: 'submitted',
      pendingChange: { quantity: new Dec(15), limitPrice: new Dec(101) },
      reservation: { quantity: new Dec(15), unitPrice: new Dec(101) },
    });
    expect(
      to(
        decideOnStatus(pending, {
          status: 'Submitted',
          terms: { quantity: new Dec(10), limitPrice: new Dec(100) },
        }),
      ),
    ).toBe('none');
    const d = decideOnStatus(pending, {
      status: 'Submitted',
      terms: { quantity: new Dec(15), limitPrice: new Dec(101) },
    });
    expect(d).toMatchObject({ kind: 'transition', to: 'submitted', event: 'order.replaced' });
    if (d.kind === 'transition') {
      expect(d.changes.quantity?.toFixed()).toBe('15');
      expect(d.changes.reservation?.unitPrice.toFixed()).toBe('101');
      expect(d.changes.pendingChange).toBeUndefined();
    }
  });

  it('every decided transition is allowed by the transition table', () => {
    const statuses = [
      'pending_new',
      'submitted',
      'partially_filled',
      'pending_cancel',
      'pending_replace',
    ] as const;
    for (const status of statuses) {
      for (const ib of Object.keys(IB_ORDER_STATES)) {
        for (const filled of [ZERO, new Dec(3)]) {
          const o = working({
            status,
            filledQuantity: filled,
            previousStatus: 'submitted',
            pendingChange: { quantity: new Dec(12) },
          });
          const d = decideOnStatus(o, { status: ib, filled });
          if (d.kind === 'transition')
            expect([status, d.to, canTransition(status, d.to)]).toEqual([status, d.to, true]);
        }
      }
      for (const code of [103, 104, 105, 161, 200, 201, 202, 460, 10147, 10148, 10349, 2109]) {
        const o = working({ status, previousStatus: 'submitted', pendingChange: { quantity: new Dec(12) } });
        const d = decideOnError(o, code, 'x');
        if (d.kind === 'transition')
          expect([status, code, d.to, canTransition(status, d.to)]).toEqual([status, code, d.to, true]);
      }
    }
  });
});

describe('IB errors', () => {
  it.each([200, 201, 103, 460])('%i rejects a new order with the broker reason', (code) => {
    const d = decideOnError(base(), code, `reason ${code}`);
    expect(d).toMatchObject({
      kind: 'transition',
      to: 'rejected',
      reason: `reason ${code}`,
      changes: { rejectCode: `IB_${code}` },
    });
  });

  it('202 cancels; 10147 ends a cancel of an order the broker does not know', () => {
    expect(decideOnError(working(), 202, 'Order Canceled - reason:')).toMatchObject({ to: 'cancelled' });
    expect(decideOnError(working({ status: 'pending_cancel' }), 10147, 'not found')).toMatchObject({
      to: 'cancelled',
    });
  });

  it.each([10349, 2109, 2104, 399])('%i is informational: nothing changes', (code) => {
    expect(errorEffect(code)).toBe('informational');
    expect(decideOnError(working(), code, 'notice').kind).toBe('none');
  });

  it('a refused modification of a working order keeps it working; a reject of an unacknowledged one rejects it', () => {
    const pending = working({
      status: 'pending_replace',
      previousStatus: 'submitted',
      pendingChange: { quantity: new Dec(12) },
    });
    expect(decideOnError(pending, 201, 'no')).toMatchObject({
      to: 'submitted',
      event: 'order.replace_refused',
    });
    expect(decideOnError(pending, 105, 'mismatch')).toMatchObject({
      to: 'submitted',
      event: 'order.replace_refused',
    });
    const fresh = base({
      status: 'pending_replace',
      previousStatus: 'pending_new',
      pendingChange: { quantity: new Dec(12) },
    });
    expect(decideOnError(fresh, 201, 'no')).toMatchObject({ to: 'rejected' });
  });

  it('10148 while the order fills is left to the fills; otherwise the cancel is refused', () => {
    const pc = working({ status: 'pending_cancel', previousStatus: 'submitted' });
    expect(
      decideOnError(pc, 10148, 'OrderId 5 that needs to be cancelled cannot be cancelled, state: Filled.')
        .kind,
    ).toBe('none');
    expect(decideOnError(pc, 161, 'Cancel attempted when order is not in a cancellable state')).toMatchObject(
      { to: 'submitted', event: 'order.cancel_refused' },
    );
  });
});

describe('fills', () => {
  const exec = (q: string, price = '100') => ({
    execId: 'x',
    side: 'buy' as const,
    quantity: new Dec(q),
    price: new Dec(price),
    at: '',
  });

  it('partial then full, with the average price', () => {
    const first = decideOnFill(working(), exec('4', '100'));
    expect(first).toMatchObject({ to: 'partially_filled', event: 'order.partially_filled' });
    const after = working({
      status: 'partially_filled',
      filledQuantity: new Dec(4),
      averageFillPrice: new Dec(100),
    });
    const second = decideOnFill(after, exec('6', '101'));
    expect(second).toMatchObject({ to: 'filled', event: 'order.filled' });
    expect(second.changes.averageFillPrice?.toFixed()).toBe('100.6');
  });

  it('a fill before any status (pending_new) and a fill while a cancel is pending', () => {
    expect(decideOnFill(base(), exec('10')).to).toBe('filled');
    expect(decideOnFill(working({ status: 'pending_cancel' }), exec('3')).to).toBe('pending_cancel');
  });

  it('a fill after the order ended still counts, and the status stays', () => {
    const d = decideOnFill(working({ status: 'cancelled', filledQuantity: new Dec(2) }), exec('1'));
    expect(d).toMatchObject({ to: 'cancelled', late: true });
    expect(d.changes.filledQuantity?.toFixed()).toBe('3');
  });
});

describe('queued commands', () => {
  it.each([
    ['place', base({ brokerOrderId: undefined }), 'place'],
    ['place', base(), 'check_broker'],
    ['place', base({ brokerOrderId: undefined, status: 'pending_cancel' }), 'cancel_unrouted'],
    ['place', base({ status: 'filled' }), 'skip'],
    ['cancel', working({ status: 'pending_cancel' }), 'cancel'],
    ['cancel', working(), 'skip'],
    ['modify', working({ status: 'pending_replace' }), 'modify'],
    ['modify', base({ brokerOrderId: undefined, status: 'pending_replace' }), 'place'],
  ] as const)('%s on %o → %s', (kind, order, action) => {
    expect(commandAction(kind, order)).toBe(action);
  });
});
