/** Generated bars for backtest tests. */
import { Dec } from '../../../core/money.ts';
import type { Bar } from '../../../core/strategies/fills.ts';

export const cents = (n: number) => Math.round(n * 100) / 100;

/** Daily bars of a wave on a trend, deterministic. */
export function waveBars(count: number, symbol = 'AAPL'): Bar[] {
  const out: Bar[] = [];
  let prevClose = 100;
  for (let i = 0; i < count; i++) {
    const close = cents(100 + 10 * Math.sin(i / 6) + i * 0.05);
    const open = cents((prevClose + close) / 2);
    const high = cents(Math.max(open, close) + 0.4 + (i % 3) * 0.1);
    const low = cents(Math.min(open, close) - 0.4 - (i % 2) * 0.1);
    const time = new Date(Date.UTC(2025, 0, 2) + i * 86_400_000).toISOString();
    out.push({
      symbol,
      time,
      open: new Dec(open),
      high: new Dec(high),
      low: new Dec(low),
      close: new Dec(close),
      volume: new Dec(1000),
    });
    prevClose = close;
  }
  return out;
}
