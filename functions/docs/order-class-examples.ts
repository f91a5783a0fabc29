/**
 * Worked examples of order classes on POST /orders, next to the route's simple example: the
 * reference shows them and test/integration/docs/examples.test.ts sends them to the local stack.
 */
import { AT, order, type RouteExample } from './example-fixtures.ts';

const ENTRY_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9S';
const TAKE_PROFIT_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9T';
const STOP_LOSS_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9V';
const legIds = [ENTRY_ID, TAKE_PROFIT_ID, STOP_LOSS_ID];
const link = { orderClass: 'bracket', groupId: ENTRY_ID, legIds };

const entry = {
  ...order,
  clientOrderId: 'my-bracket-0001',
  timeInForce: 'gtc',
  ...link,
  parentId: null,
  groupRole: 'entry',
};
const exit = {
  ...order,
  clientOrderId: null,
  side: 'sell',
  timeInForce: 'gtc',
  ...link,
  parentId: ENTRY_ID,
  createdAt: AT,
  updatedAt: AT,
};

/** A bracket: buy 10 AAPL at 187.25, take profit at 195, stop out at 180. */
export const bracketExample: RouteExample = {
  body: {
    orderClass: 'bracket',
    symbol: 'AAPL',
    side: 'buy',
    quantity: '10',
    type: 'limit',
    limitPrice: '187.25',
    timeInForce: 'gtc',
    clientOrderId: 'my-bracket-0001',
    takeProfit: { limitPrice: '195' },
    stopLoss: { stopPrice: '180' },
  },
  response: {
    ...entry,
    legs: [
      entry,
      { ...exit, id: TAKE_PROFIT_ID, type: 'limit', limitPrice: '195', groupRole: 'take_profit' },
      { ...exit, id: STOP_LOSS_ID, type: 'stop', limitPrice: null, stopPrice: '180', groupRole: 'stop_loss' },
    ],
  },
};

/** An OCO group: two exits of a long position, the first to fill cancels the other. */
export const ocoExample: RouteExample = {
  body: {
    orderClass: 'oco',
    legs: [
      { symbol: 'AAPL', side: 'sell', quantity: '10', type: 'limit', limitPrice: '195', timeInForce: 'gtc' },
      { symbol: 'AAPL', side: 'sell', quantity: '10', type: 'stop', stopPrice: '180', timeInForce: 'gtc' },
    ],
  },
};
