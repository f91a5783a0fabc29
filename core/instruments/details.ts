/**
 * IB's contract details as the API shows them. Any secType IB returns is shown (indices, bonds,
 * warrants...); only those of `SEC_TYPES` can be ordered (`tradable`).
 */
import { SEC_TYPES, type Instrument, type SecType } from './model.ts';

/** An instrument as IB describes it; `secType` is IB's own, whatever it is. */
export type InstrumentDetails = Omit<Instrument, 'secType'> & {
  secType: string;
  longName?: string;
  validExchanges?: string[];
  orderTypes?: string[];
  timeZoneId?: string;
  liquidHours?: string;
  underConId?: number;
};

/** A search hit: IB's matching symbols, or a contract found by a partial contract. */
export interface InstrumentSummary {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  currency: string;
  lastTradeDate?: string;
  strike?: number;
  right?: string;
  multiplier?: number;
  description: string;
  /** Derivatives IB lists on the symbol (OPT, FUT...), for a symbol search hit. */
  derivativeSecTypes?: string[];
}

export function isTradableSecType(secType: string): secType is SecType {
  return (SEC_TYPES as readonly string[]).includes(secType);
}

/** The order model's instrument, when the contract is of a kind the OMS trades. */
export function tradableInstrument(details: InstrumentDetails): Instrument | undefined {
  if (!isTradableSecType(details.secType)) return undefined;
  return {
    conId: details.conId,
    secType: details.secType,
    symbol: details.symbol,
    localSymbol: details.localSymbol,
    exchange: details.exchange,
    ...(details.primaryExchange ? { primaryExchange: details.primaryExchange } : {}),
    currency: details.currency,
    multiplier: details.multiplier,
    minTick: details.minTick,
    ...(details.lastTradeDate ? { lastTradeDate: details.lastTradeDate } : {}),
    ...(details.strike !== undefined ? { strike: details.strike } : {}),
    ...(details.right ? { right: details.right } : {}),
    description: details.description,
    ...(details.tradingHours ? { tradingHours: details.tradingHours } : {}),
    ...(details.marketRuleIds ? { marketRuleIds: details.marketRuleIds } : {}),
  };
}

/** A contract's details as a search hit. */
export function summaryOf(details: InstrumentDetails): InstrumentSummary {
  return {
    conId: details.conId,
    symbol: details.symbol,
    secType: details.secType,
    exchange: details.exchange,
    currency: details.currency,
    ...(details.lastTradeDate ? { lastTradeDate: details.lastTradeDate } : {}),
    ...(details.strike !== undefined ? { strike: details.strike } : {}),
    ...(details.right ? { right: details.right } : {}),
    ...(details.secType !== 'STK' && details.secType !== 'CASH' ? { multiplier: details.multiplier } : {}),
    description: details.description,
  };
}
