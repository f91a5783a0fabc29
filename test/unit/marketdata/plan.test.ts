import { describe, expect, it } from '@jest/globals';
import { planLines } from '../../../core/marketdata/plan.ts';

const w = (symbol: string, since: string, refs = 1) => ({ symbol, refs, since });

describe('planLines', () => {
  it('opens wanted symbols, closes unwanted ones, keeps the rest', () => {
    const plan = planLines([w('AAPL', '1'), w('MSFT', '2')], new Set(['MSFT', 'IBM']), { lineLimit: 10 });
    expect(plan).toEqual({ subscribe: ['AAPL'], cancel: ['IBM'], overLimit: [] });
  });

  it('stays within the line limit, oldest wanted first, counting lines freed by cancels', () => {
    const plan = planLines([w('C', '3'), w('A', '1'), w('B', '2'), w('D', '4')], new Set(['X']), {
      lineLimit: 2,
    });
    expect(plan).toEqual({ subscribe: ['A', 'B'], cancel: ['X'], overLimit: ['C', 'D'] });
  });

  it('skips symbols the broker refused and entries nobody references', () => {
    const plan = planLines([w('BAD', '1'), w('OK', '2'), w('GONE', '0', 0)], new Set(), {
      lineLimit: 5,
      skip: new Set(['BAD']),
    });
    expect(plan.subscribe).toEqual(['OK']);
  });
});
