import { describe, expect, it } from '@jest/globals';
import { ibSymbol, isDelayedTick, priceTick, sizeTick } from '../../../ib-bridge/market-data/ticks.ts';

describe('tick mapping', () => {
  it('maps live and delayed price ticks to the same fields, decimals as text', () => {
    expect(priceTick(1, 187.25)).toEqual({ bid: '187.25' });
    expect(priceTick(2, 187.3)).toEqual({ ask: '187.3' });
    expect(priceTick(4, 0.0001)).toEqual({ last: '0.0001' });
    expect(priceTick(66, 10)).toEqual({ bid: '10' });
    expect(priceTick(68, 11.5)).toEqual({ last: '11.5' });
    expect(priceTick(9, 100)).toBeUndefined(); // close: not cached
  });

  it('reads -1 and Double.MAX_VALUE as "no value"', () => {
    expect(priceTick(1, -1)).toEqual({ bid: null });
    expect(priceTick(2, 1.7976931348623157e308)).toEqual({ ask: null });
    expect(priceTick(4, Number.NaN)).toBeUndefined();
  });

  it('maps size ticks, bid size included (it arrives alone)', () => {
    expect(sizeTick(0, 300)).toEqual({ bidSize: '300' });
    expect(sizeTick(3, 200)).toEqual({ askSize: '200' });
    expect(sizeTick(71, { toString: () => '5' })).toEqual({ lastSize: '5' });
    expect(sizeTick(8, 1000)).toBeUndefined(); // volume
    expect(sizeTick(undefined, 1)).toBeUndefined();
  });

  it('knows delayed ticks and IB share-class symbols', () => {
    expect(isDelayedTick(66)).toBe(true);
    expect(isDelayedTick(1)).toBe(false);
    expect(ibSymbol('BRK.B')).toBe('BRK B');
  });
});
