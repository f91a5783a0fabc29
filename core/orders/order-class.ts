/**
 * Order classes in a POST /orders body: simple, bracket (entry + take-profit + stop-loss), oto
 * (entry + one exit) and oco (two legs, one cancels the other). Every class parses to the legs it
 * places, each a plain order request, so risk, storage and the bridge see orders they know.
 */
import * as z from 'zod';
import type { Dec } from '../money.ts';
import {
  limitPriceField,
  NewOrderRequest,
  newOrderRules,
  newOrderShape,
  stopPriceField,
  type GroupRole,
  type OrderClass,
} from './order.ts';

const takeProfitField = z
  .strictObject({ limitPrice: limitPriceField })
  .meta({ id: 'TakeProfit', description: 'The exit that takes profit: a limit order' });
const stopLossField = z
  .strictObject({ stopPrice: stopPriceField, limitPrice: limitPriceField.optional() })
  .meta({ id: 'StopLoss', description: 'The protective exit: a stop order (stop_limit with limitPrice)' });

type Entry = z.output<typeof entryObject>;
const entryObject = z.strictObject({
  ...newOrderShape,
  orderClass: z.enum(['bracket', 'oto']),
  takeProfit: takeProfitField.optional(),
  stopLoss: stopLossField.optional(),
});

/** Exits sit on the profitable and the protective side of the entry, or IB would fill them at once. */
function exitRules(o: Entry, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const exits = Number(o.takeProfit !== undefined) + Number(o.stopLoss !== undefined);
  if (o.orderClass === 'bracket' && exits !== 2)
    issue('takeProfit', 'a bracket order takes both takeProfit and stopLoss');
  if (o.orderClass === 'oto' && exits !== 1)
    issue('takeProfit', 'an oto order takes exactly one of takeProfit and stopLoss');
  if (o.timeInForce === 'ioc' || o.timeInForce === 'fok')
    issue(
      'timeInForce',
      `the entry of a ${o.orderClass} order cannot be ${o.timeInForce}: its exits would never work`,
    );
  const buy = o.side === 'buy';
  const tp = o.takeProfit?.limitPrice;
  const sl = o.stopLoss?.stopPrice;
  const entry = o.limitPrice ?? o.stopPrice;
  const above = (a: Dec, b: Dec) => (buy ? a.gt(b) : a.lt(b));
  if (tp && sl && !above(tp, sl))
    issue('takeProfit', `takeProfit.limitPrice must be ${buy ? 'above' : 'below'} stopLoss.stopPrice`);
  if (entry && tp && !above(tp, entry))
    issue('takeProfit', `takeProfit.limitPrice must be ${buy ? 'above' : 'below'} the entry price`);
  if (entry && sl && !above(entry, sl))
    issue('stopLoss', `stopLoss.stopPrice must be ${buy ? 'below' : 'above'} the entry price`);
}

/** POST /orders with orderClass bracket or oto. */
export const EntryOrderRequest = entryObject
  .superRefine((o, ctx) => {
    newOrderRules(o, ctx);
    exitRules(o, ctx);
  })
  .meta({ id: 'EntryOrderRequest', description: 'An entry with its exits (bracket: both, oto: one)' });

/** POST /orders with orderClass oco: two legs, exits of one position; a fill of one cancels the other. */
export const OcoOrderRequest = z
  .strictObject({
    orderClass: z.literal('oco'),
    legs: z.tuple([NewOrderRequest, NewOrderRequest]),
  })
  .superRefine((o, ctx) => {
    const [a, b] = o.legs;
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['legs', 1, path], message });
    if (a.symbol !== b.symbol) issue('symbol', 'the legs of an oco order trade one symbol');
    if (a.side !== b.side) issue('side', 'the legs of an oco order are exits of one position: one side');
    if ((a.account ?? '') !== (b.account ?? ''))
      issue('account', 'the legs of an oco order trade one account');
    if (a.clientOrderId && a.clientOrderId === b.clientOrderId)
      issue('clientOrderId', 'each leg needs its own clientOrderId');
  })
  .meta({ id: 'OcoOrderRequest' });

/** The body of POST /orders, whatever its class (documentation: the parse picks by orderClass). */
export const PlaceOrderRequest = z
  .union([NewOrderRequest, EntryOrderRequest, OcoOrderRequest])
  .meta({ id: 'PlaceOrderRequest' });

/** One order of a request: the body of a simple order, or one leg of a group. */
export interface LegRequest {
  role: GroupRole | 'simple';
  request: NewOrderRequest;
  /** The index (in `legs`) of the order this one is attached to (IB's parentId). */
  parentIndex?: number;
}

/** What a POST /orders body places: its class and its legs, first leg first. */
export interface PlaceRequest {
  orderClass: OrderClass;
  legs: LegRequest[];
}

/** The exits of an entry: opposite side, the entry's size, account and time in force. */
function exitsOf(entry: Entry): LegRequest[] {
  const base = {
    symbol: entry.symbol,
    side: entry.side === 'buy' ? ('sell' as const) : ('buy' as const),
    quantity: entry.quantity,
    timeInForce: entry.timeInForce,
    ...(entry.expireAt ? { expireAt: entry.expireAt } : {}),
    ...(entry.account ? { account: entry.account } : {}),
    outsideRth: entry.outsideRth,
  };
  const exits: LegRequest[] = [];
  if (entry.takeProfit) {
    exits.push({
      role: 'take_profit',
      parentIndex: 0,
      request: { ...base, type: 'limit', limitPrice: entry.takeProfit.limitPrice },
    });
  }
  if (entry.stopLoss) {
    const { stopPrice, limitPrice } = entry.stopLoss;
    exits.push({
      role: 'stop_loss',
      parentIndex: 0,
      request: limitPrice
        ? { ...base, type: 'stop_limit', stopPrice, limitPrice }
        : { ...base, type: 'stop', stopPrice },
    });
  }
  return exits;
}

/**
 * Parses a POST /orders body (and a preview's): the schema is chosen by `orderClass`, so a
 * problem names the fields of the class the caller meant.
 */
export function parseOrderRequest(
  body: unknown,
): { success: true; data: PlaceRequest } | { success: false; error: z.ZodError } {
  const orderClass =
    body && typeof body === 'object' ? (body as { orderClass?: unknown }).orderClass : undefined;
  if (orderClass === 'bracket' || orderClass === 'oto') {
    const parsed = EntryOrderRequest.safeParse(body);
    if (!parsed.success) return parsed;
    const { orderClass: cls, takeProfit: _tp, stopLoss: _sl, ...entry } = parsed.data;
    return {
      success: true,
      data: { orderClass: cls, legs: [{ role: 'entry', request: entry }, ...exitsOf(parsed.data)] },
    };
  }
  if (orderClass === 'oco') {
    const parsed = OcoOrderRequest.safeParse(body);
    if (!parsed.success) return parsed;
    return {
      success: true,
      data: { orderClass: 'oco', legs: parsed.data.legs.map((request) => ({ role: 'oco_leg', request })) },
    };
  }
  const parsed = NewOrderRequest.safeParse(body);
  if (!parsed.success) return parsed;
  return { success: true, data: { orderClass: 'simple', legs: [{ role: 'simple', request: parsed.data }] } };
}
