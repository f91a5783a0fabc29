import { Dec, ZERO } from '../money.ts';
import { remainingQuantity, type Order } from '../orders/order.ts';
import { isTerminal } from '../orders/status.ts';
import type { Instrument } from '../instruments/model.ts';
import { contractMultiplier } from './notional.ts';

/**
 * What one order or one position adds to the tenant's risk counters. The order transaction of the
 * API adds an order's contribution when it accepts it; the bridge moves the counters by the change
 * in contribution as orders fill and end, so the counters always equal the sum over working
 * orders and positions:
 *
 *   openOrders = Σ working orders
 *   exposure   = Σ unfilled reserved quantity × reserved unit price + Σ |position| × average cost
 *   maxLong    = position + Σ unfilled reserved buy quantity   (per symbol)
 *   maxShort   = Σ unfilled reserved sell quantity − position  (per symbol)
 */
export interface Contribution {
  openOrders: number;
  exposure: Dec;
  maxLong: Dec;
  maxShort: Dec;
  position: Dec;
}

export const NO_CONTRIBUTION: Contribution = {
  openOrders: 0,
  exposure: ZERO,
  maxLong: ZERO,
  maxShort: ZERO,
  position: ZERO,
};

/** The unfilled part of what the order reserved; zero once it has ended. */
export function unfilledReservation(order: Pick<Order, 'status' | 'reservation' | 'filledQuantity'>): Dec {
  if (isTerminal(order.status) || !order.reservation) return ZERO;
  return remainingQuantity({ quantity: order.reservation.quantity, filledQuantity: order.filledQuantity });
}

/** An order's share of the counters. Orders without a reservation (never accepted) add nothing. */
export function orderContribution(
  order: Pick<Order, 'status' | 'reservation' | 'filledQuantity' | 'side'>,
): Contribution {
  if (isTerminal(order.status) || !order.reservation) return NO_CONTRIBUTION;
  const unfilled = unfilledReservation(order);
  return {
    openOrders: 1,
    exposure: unfilled.mul(order.reservation.unitPrice),
    maxLong: order.side === 'buy' ? unfilled : ZERO,
    maxShort: order.side === 'sell' ? unfilled : ZERO,
    position: ZERO,
  };
}

/** A position's share of the counters. */
export function positionContribution(
  position: { quantity: Dec; averageCost: Dec; instrument?: Pick<Instrument, 'multiplier'> } | undefined,
): Contribution {
  if (!position) return NO_CONTRIBUTION;
  return {
    openOrders: 0,
    // An option contract at 2.50 is 250 of exposure: the average cost is per unit of price.
    exposure: position.quantity.abs().mul(position.averageCost).mul(contractMultiplier(position.instrument)),
    maxLong: position.quantity,
    maxShort: position.quantity.neg(),
    position: position.quantity,
  };
}

function sum(a: Contribution, b: Contribution): Contribution {
  return {
    openOrders: a.openOrders + b.openOrders,
    exposure: a.exposure.plus(b.exposure),
    maxLong: a.maxLong.plus(b.maxLong),
    maxShort: a.maxShort.plus(b.maxShort),
    position: a.position.plus(b.position),
  };
}

function minus(a: Contribution, b: Contribution): Contribution {
  return {
    openOrders: a.openOrders - b.openOrders,
    exposure: a.exposure.minus(b.exposure),
    maxLong: a.maxLong.minus(b.maxLong),
    maxShort: a.maxShort.minus(b.maxShort),
    position: a.position.minus(b.position),
  };
}

/**
 * How far the counters move when an order (and, for a fill, the position of its symbol) changes
 * from `before` to `after`.
 */
export function counterDelta(
  before: {
    order?: Parameters<typeof orderContribution>[0];
    position?: Parameters<typeof positionContribution>[0];
  },
  after: {
    order?: Parameters<typeof orderContribution>[0];
    position?: Parameters<typeof positionContribution>[0];
  },
): Contribution {
  const total = (s: typeof before) =>
    sum(s.order ? orderContribution(s.order) : NO_CONTRIBUTION, positionContribution(s.position));
  return minus(total(after), total(before));
}

/** Whether a delta moves nothing. */
export function isZeroDelta(delta: Contribution): boolean {
  return (
    delta.openOrders === 0 &&
    delta.exposure.isZero() &&
    delta.maxLong.isZero() &&
    delta.maxShort.isZero() &&
    delta.position.isZero()
  );
}

/**
 * The reservation once a replace is confirmed: the new quantity at the new order's own price (the
 * limit, else the stop), or at the reserved unit price for a market order, which has none.
 */
export function replacedReservation(
  order: Pick<Order, 'type' | 'reservation'>,
  change: { quantity: Dec; limitPrice?: Dec; stopPrice?: Dec },
): { quantity: Dec; unitPrice: Dec } {
  const own =
    order.type === 'limit' || order.type === 'stop_limit'
      ? change.limitPrice
      : order.type === 'stop'
        ? change.stopPrice
        : undefined;
  return { quantity: change.quantity, unitPrice: own ?? order.reservation?.unitPrice ?? ZERO };
}

export { Dec };
