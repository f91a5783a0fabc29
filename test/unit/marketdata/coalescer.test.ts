import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { TickCoalescer } from '../../../core/marketdata/coalescer.ts';
import type { Quote } from '../../../core/marketdata/quote.ts';

const ctx = (nowMs: number) => ({ nowMs, marketDataType: 1 as const, source: 'stream' as const });

/** Drives a coalescer with a fake clock: ticks at the given times, a flush attempt every millisecond. */
function run(
  maxWritesPerSecond: number,
  ticks: Array<{ at: number; symbol: string; bid: string }>,
  endMs: number,
) {
  const c = new TickCoalescer({ maxWritesPerSecond });
  const writes: Array<{ at: number; quote: Quote }> = [];
  let next = 0;
  const sorted = [...ticks].sort((a, b) => a.at - b.at);
  for (let now = 0; now <= endMs; now++) {
    while (next < sorted.length && sorted[next]!.at <= now) {
      const t = sorted[next++]!;
      c.apply(t.symbol, { bid: t.bid }, ctx(now));
    }
    for (const quote of c.due(now)) writes.push({ at: now, quote });
  }
  return { c, writes };
}

describe('TickCoalescer', () => {
  it('writes a fast stream of one symbol at most N times per second, ending with the latest values', () => {
    // 1000 ticks per second for 5 s against a budget of 4 writes per second per symbol.
    const ticks = Array.from({ length: 5000 }, (_, i) => ({
      at: i,
      symbol: 'AAPL',
      bid: String(100 + i / 100),
    }));
    const { writes } = run(4, ticks, 6000);
    expect(writes.length).toBeLessThanOrEqual(5 * 4 + 1);
    expect(writes.length).toBeGreaterThanOrEqual(5 * 4);
    expect(writes.at(-1)!.quote.bid).toBe(String(100 + 4999 / 100));
  });

  it('keeps every symbol within the rate in any one-second window, whatever the tick pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 3000 }),
            symbol: fc.constantFrom('AAPL', 'MSFT', 'IBM'),
            bid: fc.integer({ min: 1, max: 500 }).map(String),
          }),
          { maxLength: 400 },
        ),
        (rate, ticks) => {
          const { writes } = run(rate, ticks, 4000);
          for (const symbol of ['AAPL', 'MSFT', 'IBM']) {
            const times = writes.filter((w) => w.quote.symbol === symbol).map((w) => w.at);
            for (const start of times) {
              expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(rate);
            }
            // Nothing is lost: the last write holds the symbol's last tick.
            const applied = [...ticks].sort((a, b) => a.at - b.at).filter((t) => t.symbol === symbol);
            const lastWrite = writes.filter((w) => w.quote.symbol === symbol).at(-1);
            expect(lastWrite?.quote.bid).toBe(applied.at(-1)?.bid);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not write what did not change, and clears a side IB reports empty', () => {
    const c = new TickCoalescer({ maxWritesPerSecond: 10 });
    expect(c.apply('IBM', { bid: '10', ask: '10.5' }, ctx(0))).toBe(true);
    expect(c.due(0)).toHaveLength(1);
    expect(c.apply('IBM', { bid: '10' }, ctx(500))).toBe(false);
    expect(c.due(1000)).toEqual([]);
    expect(c.nextDueInMs(1000)).toBeUndefined();
    c.apply('IBM', { bid: null }, ctx(1200));
    const [q] = c.due(1200);
    expect(q).toMatchObject({ symbol: 'IBM', ask: '10.5', at: new Date(1200).toISOString() });
    expect(q).not.toHaveProperty('bid');
  });

  it('tells when the next write is due', () => {
    const c = new TickCoalescer({ maxWritesPerSecond: 4 });
    c.apply('SPY', { last: '1' }, ctx(0));
    expect(c.nextDueInMs(0)).toBe(0);
    c.due(0);
    c.apply('SPY', { last: '2' }, ctx(10));
    expect(c.nextDueInMs(10)).toBe(240);
    expect(c.due(249)).toEqual([]);
    expect(c.due(250)).toHaveLength(1);
  });

  it('a symbol forgotten and wanted again gets no extra write', () => {
    const c = new TickCoalescer({ maxWritesPerSecond: 1 });
    c.apply('TSLA', { last: '1' }, ctx(0));
    c.due(0);
    c.forget('TSLA');
    c.apply('TSLA', { last: '2' }, ctx(100));
    expect(c.due(100)).toEqual([]);
    expect(c.due(1000)).toHaveLength(1);
  });

  it('records a change of market data type as a change', () => {
    const c = new TickCoalescer({ maxWritesPerSecond: 1 });
    c.apply('AMZN', { last: '1' }, ctx(0));
    c.due(0);
    expect(c.apply('AMZN', {}, { nowMs: 5000, marketDataType: 3, source: 'stream' })).toBe(true);
    expect(c.due(5000)[0]?.marketDataType).toBe(3);
  });
});
