import { describe, expect, it } from '@jest/globals';
import { marketDataConfig } from '../../../core/marketdata/config.ts';
import {
  isStale,
  marketDataTypeId,
  quoteView,
  referencePrice,
  type Quote,
} from '../../../core/marketdata/quote.ts';

const quote: Quote = {
  symbol: 'AAPL',
  bid: '100',
  ask: '100.1',
  last: '100.05',
  bidSize: '300',
  at: new Date(10_000).toISOString(),
  marketDataType: 3,
  source: 'stream',
};

describe('quote', () => {
  it('is stale after the configured quiet time, or once nobody streams it', () => {
    expect(isStale(quote, { nowMs: 12_000, staleAfterMs: 5000, subscribed: true })).toBe(false);
    expect(isStale(quote, { nowMs: 16_000, staleAfterMs: 5000, subscribed: true })).toBe(true);
    expect(isStale(quote, { nowMs: 10_000, staleAfterMs: 5000, subscribed: false })).toBe(true);
    // A snapshot is fresh for a while though nobody streams the symbol.
    expect(
      isStale({ ...quote, source: 'snapshot' }, { nowMs: 12_000, staleAfterMs: 5000, subscribed: false }),
    ).toBe(false);
  });

  it('is served with nulls for missing values and the market data type by name', () => {
    expect(quoteView(quote, { nowMs: 10_000, staleAfterMs: 5000, subscribed: true })).toEqual({
      symbol: 'AAPL',
      bid: '100',
      ask: '100.1',
      last: '100.05',
      bidSize: '300',
      askSize: null,
      lastSize: null,
      at: quote.at,
      stale: false,
      marketDataType: 'delayed',
      source: 'stream',
    });
  });

  it('prices at the mid, else the last trade', () => {
    expect(referencePrice(quote)?.toFixed()).toBe('100.05');
    expect(referencePrice({ last: '7' })?.toFixed()).toBe('7');
    expect(referencePrice({ bid: '0', ask: '1' })).toBeUndefined();
  });

  it('reads market data types by number or name', () => {
    expect(marketDataTypeId('delayed-frozen')).toBe(4);
    expect(marketDataTypeId(2)).toBe(2);
    expect(marketDataTypeId('5')).toBeUndefined();
    expect(marketDataTypeId('bogus')).toBeUndefined();
  });

  it('configuration comes from the environment and refuses nonsense', () => {
    const config = marketDataConfig({ OMS_MARKET_DATA_LINES: '3', OMS_MARKET_DATA_TYPE: 'delayed' });
    expect(config.lineLimit).toBe(3);
    expect(config.marketDataType).toBe(3);
    expect(config.maxWritesPerSecond).toBe(4);
    expect(() => marketDataConfig({ OMS_MARKET_DATA_LINES: 'many' })).toThrow(/OMS_MARKET_DATA_LINES/);
    expect(() => marketDataConfig({ OMS_MARKET_DATA_TYPE: '9' })).toThrow(/OMS_MARKET_DATA_TYPE/);
  });
});
