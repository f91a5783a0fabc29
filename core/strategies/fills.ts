/**
 * The backtest fill model (docs/strategies.md, "Fill model"): an order placed while bar t is
 * handled can fill from bar t+1 on, entirely, at a price decided by that bar's open, high and low.
 *
 * - market: the next bar's open, moved against the order by `slippageTicks` ticks;
 * - limit: the open if it is already at or better than the limit, else the limit if the bar
 *   reaches it; never slipped;
 * - stop: the open if it is already through the stop, else the stop if the bar reaches it; then
 *   slipped like a market order;
 * - stop_limit: triggered like a stop, then works as a limit order from the following bar.
 */
import { Dec } from '../money.ts';
import { tickSize } from '../orders/order.ts';

export interface Bar {
  symbol: string;
  /** ISO-8601 UTC start of the bar. */
  time: string;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  volume: Dec;
}

export interface SimOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: Dec;
  type: 'market' | 'limit' | 'stop' | 'stop_limit';
  limitPrice?: Dec;
  stopPrice?: Dec;
  timeInForce: string;
  /** Index of the time step the order was placed in; it may fill from the next one on. */
  placedAt: number;
  /** A stop_limit whose stop was reached. */
  triggered?: boolean;
}

export interface FillTerms {
  slippageTicks: number;
}

/** `price` moved `ticks` ticks against a buyer (up) or a seller (down). */
export function slipped(price: Dec, side: 'buy' | 'sell', ticks: number): Dec {
  if (ticks === 0) return price;
  const move = tickSize(price).mul(ticks);
  return side === 'buy' ? price.plus(move) : Dec.max(price.minus(move), tickSize(price));
}

function limitFill(order: SimOrder, bar: Bar, limit: Dec): Dec | undefined {
  if (order.side === 'buy') {
    if (bar.open.lte(limit)) return bar.open;
    return bar.low.lte(limit) ? limit : undefined;
  }
  if (bar.open.gte(limit)) return bar.open;
  return bar.high.gte(limit) ? limit : undefined;
}

function stopReached(order: SimOrder, bar: Bar, stop: Dec): Dec | undefined {
  if (order.side === 'buy') {
    if (bar.open.gte(stop)) return bar.open;
    return bar.high.gte(stop) ? stop : undefined;
  }
  if (bar.open.lte(stop)) return bar.open;
  return bar.low.lte(stop) ? stop : undefined;
}

/**
 * The fill price of a working order in this bar, or undefined when it does not fill. A stop_limit
 * that triggers is marked (`triggered`) and fills no earlier than the next bar.
 */
export function fillPrice(order: SimOrder, bar: Bar, terms: FillTerms): Dec | undefined {
  switch (order.type) {
    case 'market':
      return slipped(bar.open, order.side, terms.slippageTicks);
    case 'limit':
      return limitFill(order, bar, order.limitPrice as Dec);
    case 'stop': {
      const at = stopReached(order, bar, order.stopPrice as Dec);
      return at === undefined ? undefined : slipped(at, order.side, terms.slippageTicks);
    }
    case 'stop_limit':
      if (order.triggered) return limitFill(order, bar, order.limitPrice as Dec);
      if (stopReached(order, bar, order.stopPrice as Dec) !== undefined) order.triggered = true;
      return undefined;
  }
}
