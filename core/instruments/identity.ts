/**
 * How fills, positions, day P&L and risk counters name an instrument. A plain order (a US stock
 * on SMART in USD) keeps its symbol, so stock positions and their API output stay as they were;
 * any other instrument is named by its conId (`ES:551601561`), because an underlying's symbol is
 * shared by its stock, its options and its futures, and IB's localSymbol is only unique per exchange.
 */
import { Dec } from '../money.ts';
import type { Instrument } from './model.ts';

/** What an order, a fill or a position says about its instrument. */
export interface Instrumented {
  symbol: string;
  instrument?: Instrument;
}

/** Whether an instrument is what a plain `symbol` order means. */
export function isPlainStock(instrument: Instrument | undefined): boolean {
  return instrument === undefined || (instrument.secType === 'STK' && instrument.currency === 'USD');
}

/** The symbol under which fills, positions, day P&L and risk counters of an order are kept. */
export function positionSymbolOf(order: Instrumented): string {
  const i = order.instrument;
  if (i === undefined) return order.symbol;
  return isPlainStock(i) ? i.symbol : `${i.symbol}:${i.conId}`;
}

/** Contract value per unit of price (1 without an instrument). */
export function multiplierOf(x: { instrument?: Instrument }): Dec {
  return new Dec(String(x.instrument?.multiplier ?? 1));
}

/** The currency prices and P&L are in (USD without an instrument). */
export function currencyOf(x: { instrument?: Instrument }): string {
  return x.instrument?.currency ?? 'USD';
}

/** The position symbol of a contract the broker reports (a position, an execution). */
export function reportedPositionSymbol(contract: {
  symbol: string;
  secType?: string;
  conId?: number;
  currency?: string;
}): string {
  const stock = (contract.secType ?? 'STK') === 'STK' && (contract.currency ?? 'USD') === 'USD';
  return stock || !contract.conId ? contract.symbol : `${contract.symbol}:${contract.conId}`;
}
