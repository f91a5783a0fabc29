/**
 * The cached quote of one symbol and how it is served. Decimals travel as strings (what the
 * broker sent, formatted once by the bridge); sizes likewise.
 */
import { Dec } from '../money.ts';

/** IB's market data types (reqMarketDataType): what kind of prices a quote holds. */
export const MARKET_DATA_TYPES = { 1: 'live', 2: 'frozen', 3: 'delayed', 4: 'delayed-frozen' } as const;
export type MarketDataTypeId = keyof typeof MARKET_DATA_TYPES;
export type MarketDataTypeName = (typeof MARKET_DATA_TYPES)[MarketDataTypeId];
export const MARKET_DATA_TYPE_NAMES = Object.values(MARKET_DATA_TYPES) as MarketDataTypeName[];

/** The id of a market data type given by number (1-4) or name; undefined for anything else. */
export function marketDataTypeId(value: string | number): MarketDataTypeId | undefined {
  const n = typeof value === 'number' ? value : /^\d$/.test(value) ? Number(value) : undefined;
  if (n !== undefined) return n in MARKET_DATA_TYPES ? (n as MarketDataTypeId) : undefined;
  const found = Object.entries(MARKET_DATA_TYPES).find(([, name]) => name === value);
  return found ? (Number(found[0]) as MarketDataTypeId) : undefined;
}

/** What the bridge stores per symbol. */
export interface Quote {
  symbol: string;
  bid?: string;
  ask?: string;
  last?: string;
  bidSize?: string;
  askSize?: string;
  lastSize?: string;
  /** When the latest tick arrived (ISO-8601 UTC). */
  at: string;
  marketDataType: MarketDataTypeId;
  /** `stream` while subscribed; `snapshot` for a one-off reqMktData snapshot. */
  source: 'stream' | 'snapshot';
}

/** The quote as GET /marketdata/{symbol} serves it. */
export interface QuoteView {
  symbol: string;
  bid: string | null;
  ask: string | null;
  last: string | null;
  bidSize: string | null;
  askSize: string | null;
  lastSize: string | null;
  at: string;
  stale: boolean;
  marketDataType: MarketDataTypeName;
  source: 'stream' | 'snapshot';
}

/**
 * A quote is stale when nothing moved it for `staleAfterMs`, or when it came from the stream and
 * nobody subscribes to the symbol any more (the bridge has cancelled it: no update will come).
 */
export function isStale(
  quote: Quote,
  context: { nowMs: number; staleAfterMs: number; subscribed: boolean },
): boolean {
  if (quote.source === 'stream' && !context.subscribed) return true;
  const at = Date.parse(quote.at);
  return !Number.isFinite(at) || context.nowMs - at > context.staleAfterMs;
}

/** The API view of a cached quote. */
export function quoteView(
  quote: Quote,
  context: { nowMs: number; staleAfterMs: number; subscribed: boolean },
): QuoteView {
  return {
    symbol: quote.symbol,
    bid: quote.bid ?? null,
    ask: quote.ask ?? null,
    last: quote.last ?? null,
    bidSize: quote.bidSize ?? null,
    askSize: quote.askSize ?? null,
    lastSize: quote.lastSize ?? null,
    at: quote.at,
    stale: isStale(quote, context),
    marketDataType: MARKET_DATA_TYPES[quote.marketDataType],
    source: quote.source,
  };
}

/** The reference price of a quote: the mid of a two-sided market, else the last trade. */
export function referencePrice(quote: Pick<Quote, 'bid' | 'ask' | 'last'>): Dec | undefined {
  const num = (v: string | undefined) => (v !== undefined && v !== '' ? new Dec(v) : undefined);
  const bid = num(quote.bid);
  const ask = num(quote.ask);
  if (bid && ask && bid.gt(0) && ask.gt(0)) return bid.plus(ask).div(2);
  const last = num(quote.last);
  return last && last.gt(0) ? last : undefined;
}
