import * as z from 'zod';
import { Dec, formatDecimal, ZERO } from '../money.ts';
import type { Side } from '../orders/order.ts';
import type { Instrument } from '../instruments/model.ts';
import { multiplierOf } from '../instruments/identity.ts';

/**
 * A tenant's position in one symbol at one broker account. Average cost is the average trade
 * price of the open quantity (commissions are kept apart, in `commissions`); realized P&L is net
 * of every commission paid, so the daily loss limit sees what the tenant really lost.
 */
export interface Position {
  tenantId: string;
  account: string;
  symbol: string;
  /** The instrument when it is not a plain US stock: P&L and value use its multiplier, in its currency. */
  instrument?: Instrument;
  /** Signed: long above zero, short below. */
  quantity: Dec;
  averageCost: Dec;
  realizedPnl: Dec;
  commissions: Dec;
  /** Fills applied; `version` also counts commission updates. */
  fills: number;
  version: number;
  updatedAt: string;
}

/**
 * Average cost is rounded to this many places, so that every product the counters add (|quantity|
 * × average cost) is exact in 34 significant digits and sums of deltas telescope without drift.
 */
export const AVERAGE_COST_DECIMALS = 8;

/** One execution as the broker reported it. */
export interface Fill {
  execId: string;
  side: Side;
  quantity: Dec;
  price: Dec;
  at: string;
  /** Its commission, when the report came before the fill was applied (charged with it). */
  commission?: Dec;
}

/** A flat position before its first fill. */
export function emptyPosition(
  tenantId: string,
  account: string,
  symbol: string,
  now: string,
  instrument?: Instrument,
): Position {
  return {
    tenantId,
    account,
    symbol,
    ...(instrument ? { instrument } : {}),
    quantity: ZERO,
    averageCost: ZERO,
    realizedPnl: ZERO,
    commissions: ZERO,
    fills: 0,
    version: 0,
    updatedAt: now,
  };
}

/**
 * The position after a fill, and the gross P&L the fill realized (before commission). A fill in
 * the position's direction averages in; against it, it closes at the average cost and realizes
 * the difference; past zero, the rest opens a new position at the fill price. A commission that
 * comes with the fill is charged as applyCommission would, in the same change.
 */
export function applyFill(position: Position, fill: Fill): { position: Position; realized: Dec } {
  const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
  const q = position.quantity;
  let quantity: Dec;
  let averageCost: Dec;
  let realized = ZERO;
  if (q.isZero() || q.isNegative() === signed.isNegative()) {
    quantity = q.plus(signed);
    averageCost = q
      .abs()
      .mul(position.averageCost)
      .plus(fill.quantity.mul(fill.price))
      .div(quantity.abs())
      .toDecimalPlaces(AVERAGE_COST_DECIMALS);
  } else {
    const closed = Dec.min(q.abs(), fill.quantity);
    // Long closes gain when the price rose, short closes when it fell.
    const perShare = q.isPositive()
      ? fill.price.minus(position.averageCost)
      : position.averageCost.minus(fill.price);
    // A price move is worth the multiplier per unit: 1 for stocks, 100 for an equity option.
    realized = perShare.mul(closed).mul(multiplierOf(position));
    quantity = q.plus(signed);
    if (quantity.isZero()) averageCost = ZERO;
    else if (quantity.isNegative() === q.isNegative()) averageCost = position.averageCost;
    else averageCost = fill.price;
  }
  return {
    position: {
      ...position,
      quantity,
      averageCost,
      realizedPnl: position.realizedPnl.plus(realized).minus(fill.commission ?? ZERO),
      commissions: position.commissions.plus(fill.commission ?? ZERO),
      fills: position.fills + 1,
      version: position.version + 1,
      updatedAt: fill.at,
    },
    realized,
  };
}

/** The position after a commission charge: it is a realized cost. */
export function applyCommission(position: Position, commission: Dec, at: string): Position {
  return {
    ...position,
    commissions: position.commissions.plus(commission),
    realizedPnl: position.realizedPnl.minus(commission),
    version: position.version + 1,
    updatedAt: at,
  };
}

/** Marked to a price: market value and unrealized P&L (undefined without a price). */
export function markToMarket(
  position: Pick<Position, 'quantity' | 'averageCost' | 'instrument'>,
  price: Dec | undefined,
) {
  if (price === undefined)
    return { marketPrice: undefined, marketValue: undefined, unrealizedPnl: undefined };
  const multiplier = multiplierOf(position);
  return {
    marketPrice: price,
    marketValue: position.quantity.mul(price).mul(multiplier),
    unrealizedPnl: price.minus(position.averageCost).mul(position.quantity).mul(multiplier),
  };
}

/** Version of the position.changed detail schema. */
export const POSITION_EVENT_SCHEMA_VERSION = 1;

/** The detail of a position.changed event on the bus and in webhooks. */
export const PositionChangedDetail = z.object({
  schemaVersion: z.literal(POSITION_EVENT_SCHEMA_VERSION),
  /** Stable across redeliveries: `<tenant>:<account>:<symbol>:<seq>`. */
  eventId: z.string(),
  type: z.literal('position.changed'),
  tenantId: z.string(),
  account: z.string(),
  symbol: z.string(),
  quantity: z.string(),
  averageCost: z.string(),
  realizedPnl: z.string(),
  commissions: z.string(),
  /** The position's version: consumers order by it and drop what they have seen. */
  seq: z.number().int().positive(),
  at: z.string(),
  /** What changed it: the execution, or its commission. */
  cause: z.object({
    kind: z.enum(['fill', 'commission']),
    execId: z.string(),
    orderId: z.string().optional(),
  }),
});
export type PositionChangedDetail = z.output<typeof PositionChangedDetail>;

/** The bus detail for a position's new state. */
export function positionChangedDetail(
  position: Position,
  cause: PositionChangedDetail['cause'],
): PositionChangedDetail {
  return {
    schemaVersion: POSITION_EVENT_SCHEMA_VERSION,
    eventId: `${position.tenantId}:${position.account}:${position.symbol}:${position.version}`,
    type: 'position.changed',
    tenantId: position.tenantId,
    account: position.account,
    symbol: position.symbol,
    quantity: formatDecimal(position.quantity),
    averageCost: formatDecimal(position.averageCost),
    realizedPnl: formatDecimal(position.realizedPnl),
    commissions: formatDecimal(position.commissions),
    seq: position.version,
    at: position.updatedAt,
    cause,
  };
}

/** The position as GET /positions shows it, marked to `price` when there is one. */
export function positionView(position: Position, price: Dec | undefined) {
  const mark = markToMarket(position, price);
  const d = (v: Dec | undefined) => (v === undefined ? null : formatDecimal(v));
  return {
    account: position.account,
    symbol: position.symbol,
    quantity: formatDecimal(position.quantity),
    averageCost: formatDecimal(position.averageCost),
    marketPrice: d(mark.marketPrice),
    marketValue: d(mark.marketValue),
    unrealizedPnl: d(mark.unrealizedPnl),
    realizedPnl: formatDecimal(position.realizedPnl),
    commissions: formatDecimal(position.commissions),
    updatedAt: position.updatedAt,
    ...(position.instrument
      ? {
          instrument: position.instrument,
          multiplier: String(position.instrument.multiplier),
          currency: position.instrument.currency,
        }
      : {}),
  };
}
