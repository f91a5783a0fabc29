/**
 * The trading calendar (sessions, weekends, holidays, early closes, daylight saving) and the
 * historical path: anchored at the starting price, deterministic for a seed.
 */
import { describe, it, expect } from '@jest/globals';
import { PriceHistory, parseDuration, parseEndDateTime } from '../../../paper-gateway/history.ts';
import { DEFAULT_UNIVERSE, PriceBook } from '../../../paper-gateway/prices.ts';
import { sessionAt, tradingHoursFrom } from '../../../paper-gateway/sessions.ts';

const at = (iso: string): number => Date.parse(iso);

describe('sessions (US/Eastern)', () => {
  it.each([
    ['2026-03-04T08:59:00Z', 'closed'], // 03:59 EST, a Wednesday
    ['2026-03-04T09:00:00Z', 'pre-market'], // 04:00
    ['2026-03-04T14:29:00Z', 'pre-market'], // 09:29
    ['2026-03-04T14:30:00Z', 'regular'], // 09:30
    ['2026-03-04T20:59:00Z', 'regular'], // 15:59
    ['2026-03-04T21:00:00Z', 'after-hours'], // 16:00
    ['2026-03-05T00:59:00Z', 'after-hours'], // 19:59
    ['2026-03-05T01:00:00Z', 'closed'], // 20:00
    ['2026-03-07T16:00:00Z', 'closed'], // Saturday
    ['2026-03-08T16:00:00Z', 'closed'], // Sunday
    ['2026-04-03T15:00:00Z', 'closed'], // Good Friday
    ['2026-12-25T15:00:00Z', 'closed'], // Christmas
    ['2026-11-27T17:59:00Z', 'regular'], // day after Thanksgiving, 12:59 EST
    ['2026-11-27T18:00:00Z', 'after-hours'], // its 13:00 early close
    ['2026-11-27T22:00:00Z', 'closed'], // 17:00: after-hours end early too
    ['2026-07-06T13:30:00Z', 'regular'], // 09:30 EDT (summer time: UTC-4)
    ['2026-07-06T13:29:00Z', 'pre-market'],
  ])('%s is %s', (iso, state) => {
    expect(sessionAt(at(iso))).toBe(state);
  });

  it('gives trading and liquid hours for the week from the clock date, holidays and weekends closed', () => {
    const hours = tradingHoursFrom(at('2026-04-01T15:00:00Z'), 5);
    expect(hours.timeZoneId).toBe('US/Eastern');
    expect(hours.liquidHours).toBe(
      '20260401:0930-20260401:1600;20260402:0930-20260402:1600;20260403:CLOSED;20260404:CLOSED;20260405:CLOSED',
    );
    expect(hours.tradingHours.split(';')[0]).toBe('20260401:0400-20260401:2000');
    const later = tradingHoursFrom(at('2027-11-26T15:00:00Z'), 1);
    expect(later.liquidHours).toBe('20271126:0930-20271126:1300');
  });
});

describe('historical path', () => {
  const t0 = at('2026-03-04T15:00:00Z');
  const history = (seed: number): PriceHistory =>
    new PriceHistory(new PriceBook(DEFAULT_UNIVERSE, seed), seed, t0);
  const always = (): boolean => true;

  it('meets the starting price at the start and is deterministic for a seed', () => {
    const a = history(5);
    expect(a.pastPrice('AAPL', t0)).toBe(190);
    const barsA = a.bars('AAPL', t0 - 5 * 86_400_000, t0, '1 hour', always);
    const barsB = history(5).bars('AAPL', t0 - 5 * 86_400_000, t0, '1 hour', always);
    const barsC = history(6).bars('AAPL', t0 - 5 * 86_400_000, t0, '1 hour', always);
    expect(barsA).toEqual(barsB);
    expect(barsA).toHaveLength(120);
    expect(barsA.map((b) => b.close)).not.toEqual(barsC.map((b) => b.close));
    for (const b of barsA) {
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
    }
  });

  it('builds the bars after the start from the recorded quotes, and keeps bar sizes consistent', () => {
    const h = history(5);
    h.record('AAPL', t0 + 10_000, 191, 100);
    h.record('AAPL', t0 + 70_000, 189.5, 200);
    const minutes = h.bars('AAPL', t0, t0 + 120_000, '1 min', always);
    expect(minutes.map((b) => [b.open, b.close, b.volume])).toEqual([
      [191, 191, 100],
      [189.5, 189.5, 200],
    ]);
    const day = h.bars('AAPL', t0 - 86_400_000, t0 + 120_000, '1 day', always);
    expect(day.at(-1)?.close).toBe(189.5);
  });

  it('only counts instants the session filter accepts (no weekend bars for RTH)', () => {
    const h = history(5);
    const rth = (t: number): boolean => sessionAt(t) === 'regular';
    const days = h.bars('AAPL', at('2026-02-23T05:00:00Z'), at('2026-03-02T05:00:00Z'), '1 day', rth);
    expect(days).toHaveLength(5);
  });

  it("reads IB's duration and end date-time formats", () => {
    expect(parseDuration('3600 S')).toBe(3_600_000);
    expect(parseDuration('2 W')).toBe(14 * 86_400_000);
    expect(parseDuration('1 Y')).toBe(365 * 86_400_000);
    expect(parseDuration('forever')).toBeUndefined();
    expect(parseEndDateTime('20260304-15:00:00')).toBe(t0);
    expect(parseEndDateTime('20260304 10:00:00 US/Eastern')).toBe(t0);
    expect(parseEndDateTime('20260706 09:30:00 US/Eastern')).toBe(at('2026-07-06T13:30:00Z'));
    expect(parseEndDateTime('yesterday')).toBeUndefined();
  });
});
