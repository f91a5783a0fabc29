import * as z from 'zod';
import type { Instrument } from '../instruments/model.ts';
import { Dec, formatDecimal, parseDecimal, ZERO } from '../money.ts';
import type { BrokerOrderId, BrokerPermId, ClientOrderId, OrderId } from '../ids.ts';
import { canTransition, type OrderStatus } from './status.ts';
import { IllegalTransitionError } from './errors.ts';

export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export const TIMES_IN_FORCE = ['day', 'gtc', 'ioc', 'fok', 'gtd'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

/** Sane maxima: anything above is a typo, not an order. */
export const MAX_QUANTITY = new Dec('1000000000');
export const MAX_PRICE = new Dec('10000000');
export const MAX_QUANTITY_DECIMALS = 4;

/**
 * US equity tick sizes (Reg NMS rule 612): prices of $1.00 and above trade in cents, below $1.00
 * in hundredths of a cent.
 */
export function tickSize(price: Dec): Dec {
  return price.gte(1) ? new Dec('0.01') : new Dec('0.0001');
}

/** A decimal field in a request: a JSON string or number. */
export function decimalField(what: string, example = '187.25') {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const parsed = parseDecimal(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `${what} must be a decimal number` });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({ description: `${what}, as a decimal string (numbers are accepted)`, example });
}

function positivePrice(what: string) {
  return decimalField(what).superRefine((price, ctx) => {
    if (price.lte(0)) ctx.addIssue({ code: 'custom', message: `${what} must be greater than 0` });
    else if (price.gt(MAX_PRICE))
      ctx.addIssue({ code: 'custom', message: `${what} must be at most ${MAX_PRICE.toFixed()}` });
    else if (!price.mod(tickSize(price)).isZero()) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a multiple of the tick size ${tickSize(price).toFixed()}`,
      });
    }
  });
}

export const quantityField = decimalField('quantity', '10').superRefine((q, ctx) => {
  if (q.lte(0)) ctx.addIssue({ code: 'custom', message: 'quantity must be greater than 0' });
  else if (q.gt(MAX_QUANTITY))
    ctx.addIssue({ code: 'custom', message: `quantity must be at most ${MAX_QUANTITY.toFixed()}` });
  else if (q.decimalPlaces() > MAX_QUANTITY_DECIMALS) {
    ctx.addIssue({ code: 'custom', message: `quantity has at most ${MAX_QUANTITY_DECIMALS} decimal places` });
  }
});

export const SYMBOL = /^[A-Z][A-Z0-9]{0,9}([.][A-Z0-9]{1,4})?$/;

export const symbolField = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SYMBOL, 'symbol must be a ticker such as AAPL or BRK.B')
  .meta({ example: 'AAPL' });

export const limitPriceField = positivePrice('limitPrice');
export const stopPriceField = positivePrice('stopPrice');
export const trailAmountField = positivePrice('trailAmount');
export const trailPercentField = decimalField('trailPercent', '2.5').superRefine((p, ctx) => {
  if (p.lte(0) || p.gte(100))
    ctx.addIssue({ code: 'custom', message: 'trailPercent must be between 0 and 100, exclusive' });
});
export const expireAtField = z.iso
  .datetime({ offset: true })
  .meta({ description: 'When a GTD order expires (ISO-8601)', example: '2026-01-09T21:00:00Z' });

/** trailing_stop takes exactly one of trailAmount and trailPercent; GTD takes expireAt. */
function trailRules(
  o: { type: OrderType; trailAmount?: Dec; trailPercent?: Dec; timeInForce: TimeInForce; expireAt?: string },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (o.type === 'trailing_stop') {
    if ((o.trailAmount === undefined) === (o.trailPercent === undefined))
      issue('trailAmount', 'a trailing_stop order takes exactly one of trailAmount and trailPercent');
  } else {
    if (o.trailAmount !== undefined) issue('trailAmount', `trailAmount is not allowed for ${o.type} orders`);
    if (o.trailPercent !== undefined)
      issue('trailPercent', `trailPercent is not allowed for ${o.type} orders`);
  }
  if (o.timeInForce === 'gtd' && o.expireAt === undefined)
    issue('expireAt', 'expireAt is required for timeInForce gtd');
  if (o.timeInForce !== 'gtd' && o.expireAt !== undefined)
    issue('expireAt', 'expireAt is only allowed with timeInForce gtd');
}

/** The fields of one order in a request: a simple order, a group's entry, an OCO leg. */
export const newOrderShape = {
  symbol: symbolField,
  side: z.enum(SIDES),
  quantity: quantityField,
  type: z.enum(ORDER_TYPES),
  limitPrice: limitPriceField.optional(),
  stopPrice: stopPriceField.optional(),
  trailAmount: trailAmountField.optional(),
  trailPercent: trailPercentField.optional(),
  timeInForce: z.enum(TIMES_IN_FORCE).default('day'),
  expireAt: expireAtField.optional(),
  clientOrderId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'clientOrderId is 1 to 64 letters, digits or . _ : -')
    .optional(),
  account: z
    .string()
    .regex(/^[A-Za-z0-9]{1,20}$/, 'account is an IB account id such as DU1234567')
    .optional(),
  outsideRth: z.boolean().default(false),
};

/** The rules across one order's fields (which prices its type takes, trail, GTD). */
export function newOrderRules(
  o: {
    type: OrderType;
    limitPrice?: Dec;
    stopPrice?: Dec;
    trailAmount?: Dec;
    trailPercent?: Dec;
    timeInForce: TimeInForce;
    expireAt?: string;
    outsideRth: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  const needsLimit = o.type === 'limit' || o.type === 'stop_limit';
  const needsStop = o.type === 'stop' || o.type === 'stop_limit';
  // A trailing stop may name its initial stop price; without one the broker starts it at the market.
  const mayStop = needsStop || o.type === 'trailing_stop';
  trailRules(o, ctx);
  if (needsLimit && o.limitPrice === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['limitPrice'],
      message: `limitPrice is required for ${o.type} orders`,
    });
  }
  if (!needsLimit && o.limitPrice !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['limitPrice'],
      message: `limitPrice is not allowed for ${o.type} orders`,
    });
  }
  if (needsStop && o.stopPrice === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['stopPrice'],
      message: `stopPrice is required for ${o.type} orders`,
    });
  }
  if (!mayStop && o.stopPrice !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['stopPrice'],
      message: `stopPrice is not allowed for ${o.type} orders`,
    });
  }
  if (o.type === 'market' && o.timeInForce === 'gtc' && o.outsideRth) {
    ctx.addIssue({
      code: 'custom',
      path: ['outsideRth'],
      message: 'market orders cannot trade outside regular hours',
    });
  }
}

/** The body of POST /orders for a simple order (orderClass absent or `simple`). */
export const NewOrderRequest = z
  .strictObject({
    ...newOrderShape,
    orderClass: z.literal('simple').optional().meta({ description: 'simple (the default): one order' }),
  })
  .superRefine(newOrderRules)
  .meta({ id: 'NewOrderRequest' });
export type NewOrderRequest = z.output<typeof NewOrderRequest>;

/** The body of PATCH /orders/{id}. */
export const ModifyOrderRequest = z
  .strictObject({
    quantity: quantityField.optional(),
    limitPrice: limitPriceField.optional(),
    stopPrice: stopPriceField.optional(),
  })
  .refine((c) => c.quantity !== undefined || c.limitPrice !== undefined || c.stopPrice !== undefined, {
    message: 'Give at least one of quantity, limitPrice, stopPrice',
  })
  .meta({ id: 'ModifyOrderRequest' });
export type ModifyOrderRequest = z.output<typeof ModifyOrderRequest>;

/** What the risk checks reserved for a working order, released when it ends. */
export interface Reservation {
  quantity: Dec;
  /** Notional per unit the reservation was computed at. */
  unitPrice: Dec;
}

/** The Order aggregate. */
export interface Order {
  id: OrderId;
  tenantId: string;
  clientOrderId?: ClientOrderId;
  symbol: string;
  side: Side;
  quantity: Dec;
  type: OrderType;
  limitPrice?: Dec;
  stopPrice?: Dec;
  /** trailing_stop: how far the stop follows the market, in price or in percent of it. */
  trailAmount?: Dec;
  trailPercent?: Dec;
  timeInForce: TimeInForce;
  /** gtd: when the broker expires the order (ISO-8601 UTC). */
  expireAt?: string;
  account?: string;
  /** The broker connection whose bridge places the order. */
  connectionId?: string;
  /** The qualified instrument (absent for a plain `symbol` order: a US stock on SMART in USD). */
  instrument?: Instrument;
  outsideRth: boolean;
  status: OrderStatus;
  filledQuantity: Dec;
  averageFillPrice?: Dec;
  rejectReason?: string;
  rejectCode?: string;
  brokerOrderId?: BrokerOrderId;
  brokerPermId?: BrokerPermId;
  /** The change a pending_replace order is waiting for the broker to confirm. */
  pendingChange?: { quantity: Dec; limitPrice?: Dec; stopPrice?: Dec };
  /** The status a pending_cancel or pending_replace order returns to if the broker refuses. */
  previousStatus?: OrderStatus;
  reservation?: Reservation;
  /** The strategy that placed the order (absent for orders placed through the API directly). */
  source?: { strategyId: string; version: number };
  /** The `x-request-id` of the request that placed it; its events and logs carry it. */
  correlationId?: string;
  /** Set on every leg of a bracket, OCO or OTO group (absent for a simple order). */
  group?: OrderGroupLink;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const ORDER_CLASSES = ['simple', 'bracket', 'oco', 'oto'] as const;
export type OrderClass = (typeof ORDER_CLASSES)[number];
export const GROUP_ROLES = ['entry', 'take_profit', 'stop_loss', 'oco_leg'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** How a leg belongs to its group: each leg is an order of its own, linked by these. */
export interface OrderGroupLink {
  orderClass: Exclude<OrderClass, 'simple'>;
  /** The group's id: its first leg's order id. */
  groupId: OrderId;
  role: GroupRole;
  /** Every leg of the group, in placement order. */
  legIds: OrderId[];
  /** A bracket's or OTO's exit: the entry it is attached to (IB's parentId). */
  parentId?: OrderId;
  /**
   * Placed with transmit=false: IB holds it until the group's last leg (transmit=true) arrives,
   * as IB requires of a parent and its attached orders.
   */
  held: boolean;
}

/** The remaining, unfilled quantity. */
export function remainingQuantity(order: Pick<Order, 'quantity' | 'filledQuantity'>): Dec {
  const rest = order.quantity.minus(order.filledQuantity);
  return rest.isNegative() ? ZERO : rest;
}

/** A new order as accepted (or rejected by risk) from a request. */
export function newOrder(input: {
  id: OrderId;
  tenantId: string;
  request: NewOrderRequest;
  status: 'pending_new' | 'rejected';
  now: string;
  reject?: { code: string; reason: string };
  reservation?: Reservation;
  source?: { strategyId: string; version: number };
  correlationId?: string;
  group?: OrderGroupLink;
}): Order {
  const r = input.request;
  return {
    id: input.id,
    tenantId: input.tenantId,
    ...(r.clientOrderId ? { clientOrderId: r.clientOrderId as ClientOrderId } : {}),
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    type: r.type,
    ...(r.limitPrice ? { limitPrice: r.limitPrice } : {}),
    ...(r.stopPrice ? { stopPrice: r.stopPrice } : {}),
    ...(r.trailAmount ? { trailAmount: r.trailAmount } : {}),
    ...(r.trailPercent ? { trailPercent: r.trailPercent } : {}),
    timeInForce: r.timeInForce,
    ...(r.expireAt ? { expireAt: new Date(r.expireAt).toISOString() } : {}),
    ...(r.account ? { account: r.account } : {}),
    outsideRth: r.outsideRth,
    status: input.status,
    filledQuantity: ZERO,
    ...(input.reject ? { rejectCode: input.reject.code, rejectReason: input.reject.reason } : {}),
    ...(input.reservation ? { reservation: input.reservation } : {}),
    ...(input.source ? { source: input.source } : {}),
    ...(input.correlationId ? { correlationId: input.correlationId } : {}),
    ...(input.group ? { group: input.group } : {}),
    createdAt: input.now,
    updatedAt: input.now,
    version: 1,
  };
}

/** The order in a new status, or IllegalTransitionError if the table forbids it. */
export function transition(order: Order, to: OrderStatus, now: string, changes: Partial<Order> = {}): Order {
  if (!canTransition(order.status, to)) throw new IllegalTransitionError(order.status, to);
  return { ...order, ...changes, status: to, updatedAt: now, version: order.version + 1 };
}

/** A change that keeps the status (the bridge's routing claim, broker ids): a new version all the same. */
export function amend(order: Order, now: string, changes: Partial<Omit<Order, 'status'>>): Order {
  return { ...order, ...changes, status: order.status, updatedAt: now, version: order.version + 1 };
}

/** The order as the HTTP contract shows it. */
export function orderView(order: Order) {
  const d = (v: Dec | undefined) => (v === undefined ? null : formatDecimal(v));
  return {
    id: order.id,
    clientOrderId: order.clientOrderId ?? null,
    symbol: order.symbol,
    side: order.side,
    quantity: formatDecimal(order.quantity),
    type: order.type,
    limitPrice: d(order.limitPrice),
    stopPrice: d(order.stopPrice),
    ...(order.trailAmount ? { trailAmount: formatDecimal(order.trailAmount) } : {}),
    ...(order.trailPercent ? { trailPercent: formatDecimal(order.trailPercent) } : {}),
    timeInForce: order.timeInForce,
    ...(order.expireAt ? { expireAt: order.expireAt } : {}),
    account: order.account ?? null,
    ...(order.connectionId ? { connectionId: order.connectionId } : {}),
    ...(order.instrument ? { instrument: order.instrument } : {}),
    outsideRth: order.outsideRth,
    status: order.status,
    filledQuantity: formatDecimal(order.filledQuantity),
    remainingQuantity: formatDecimal(remainingQuantity(order)),
    averageFillPrice: d(order.averageFillPrice),
    ...(order.rejectReason ? { rejectReason: order.rejectReason, rejectCode: order.rejectCode ?? null } : {}),
    ...(order.brokerOrderId !== undefined ? { brokerOrderId: order.brokerOrderId } : {}),
    ...(order.brokerPermId !== undefined ? { brokerPermId: order.brokerPermId } : {}),
    ...(order.pendingChange
      ? {
          pendingChange: {
            quantity: formatDecimal(order.pendingChange.quantity),
            limitPrice: d(order.pendingChange.limitPrice),
            stopPrice: d(order.pendingChange.stopPrice),
          },
        }
      : {}),
    ...(order.source
      ? { source: { strategyId: order.source.strategyId, version: order.source.version } }
      : {}),
    ...(order.group
      ? {
          orderClass: order.group.orderClass,
          groupId: order.group.groupId,
          parentId: order.group.parentId ?? null,
          groupRole: order.group.role,
          legIds: [...order.group.legIds],
        }
      : {}),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
  };
}
export type OrderView = ReturnType<typeof orderView>;
