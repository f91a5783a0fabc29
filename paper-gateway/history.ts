/**
 * Historical bars from the same seeded price path as the quotes. Before the gateway's start
 * (t0) the path is a deterministic function of seed, symbol and time, anchored so that it meets
 * the starting price at t0; from t0 on, bars are built from the very quotes the gateway streamed.
 * So bars never contradict the quotes, and a seed (with a fixed clock start) always gives the
 * same bars.
 */
import { hashString, type PriceBook } from './prices.ts';
import { easternMidnight, easternStamp, eastern } from './sessions.ts';

/** IB's bar sizes, in milliseconds (calendar sizes are resolved by date). */
export const BAR_SIZES: Readonly<Record<string, number>> = {
  '1 secs': 1_000,
  '5 secs': 5_000,
  '10 secs': 10_000,
  '15 secs': 15_000,
  '30 secs': 30_000,
  '1 min': 60_000,
  '2 mins': 120_000,
  '3 mins': 180_000,
  '5 mins': 300_000,
  '10 mins': 600_000,
  '15 mins': 900_000,
  '20 mins': 1_200_000,
  '30 mins': 1_800_000,
  '1 hour': 3_600_000,
  '2 hours': 7_200_000,
  '3 hours': 10_800_000,
  '4 hours': 14_400_000,
  '8 hours': 28_800_000,
  '1 day': 86_400_000,
  '1 week': 7 * 86_400_000,
  '1 month': 30 * 86_400_000,
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  S: 1_000,
  D: 86_400_000,
  W: 7 * 86_400_000,
  M: 30 * 86_400_000,
  Y: 365 * 86_400_000,
};

/** Parses IB's duration (`30 D`, `3600 S`, `1 Y` ...) into milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)\s+([SDWMY])\s*$/.exec(text.toUpperCase());
  if (!m || Number(m[1]) <= 0) return undefined;
  return Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
}

/** One built bar. */
export interface Bar {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

/** The most bars one request may return, as IB bounds a request by its step size. */
export const MAX_BARS = 10_000;
const MAX_SAMPLES = 250_000;
/** Time scales of the synthetic past and the share of the path's volatility each carries. */
const SCALES: ReadonlyArray<[number, number]> = [
  [1_000, 1],
  [60_000, 4],
  [900_000, 10],
  [7_200_000, 20],
  [86_400_000, 45],
  [7 * 86_400_000, 80],
  [30 * 86_400_000, 120],
];

/** A seeded value in [-1, 1] for a (symbol key, scale, knot index): integer mixing, no strings. */
function knot(key: number, scaleIndex: number, k: number): number {
  let h = Math.imul(key ^ Math.imul(scaleIndex + 1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(k | 0, 0xc2b2ae35);
  h ^= Math.floor(k / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

interface Tick {
  t: number;
  price: number;
  size: number;
}

/** The bar-building view over the price book and the quotes it has streamed. */
export class PriceHistory {
  readonly #prices: PriceBook;
  readonly #seed: number;
  readonly #t0: number;
  readonly #ticks = new Map<string, Tick[]>();
  readonly #maxTicks: number;
  readonly #keys = new Map<string, number>();
  readonly #anchors = new Map<string, number[]>();

  constructor(prices: PriceBook, seed: number, t0: number, maxTicksPerSymbol = 200_000) {
    this.#prices = prices;
    this.#seed = seed;
    this.#t0 = t0;
    this.#maxTicks = maxTicksPerSymbol;
  }

  /** Records a streamed last price. */
  record(symbol: string, t: number, price: number, size: number): void {
    let list = this.#ticks.get(symbol);
    if (!list) this.#ticks.set(symbol, (list = []));
    list.push({ t, price, size });
    if (list.length > this.#maxTicks) list.splice(0, list.length - this.#maxTicks);
  }

  /** The synthetic path's price before t0. */
  pastPrice(symbol: string, t: number): number {
    const spec = this.#prices.spec(symbol);
    const key = this.#symbolKey(symbol);
    let anchor = this.#anchors.get(symbol);
    if (!anchor) {
      anchor = SCALES.map(([scale], i) => this.#noise(key, i, scale, this.#t0));
      this.#anchors.set(symbol, anchor);
    }
    let offset = 0;
    for (let i = 0; i < SCALES.length; i++) {
      const [scale, weight] = SCALES[i] as [number, number];
      const amplitude = Math.min(spec.volatility * weight, 0.08);
      offset += amplitude * (this.#noise(key, i, scale, t) - (anchor[i] as number));
    }
    const ticks = Math.max(1, Math.round((spec.price * Math.exp(offset)) / spec.tick));
    return Number((ticks * spec.tick).toFixed(8));
  }

  #symbolKey(symbol: string): number {
    let key = this.#keys.get(symbol);
    if (key === undefined) {
      key = hashString(`${this.#seed}:${symbol}`);
      this.#keys.set(symbol, key);
    }
    return key;
  }

  /** Smooth value noise in [-1, 1]: seeded knots every `scale` ms, linearly interpolated. */
  #noise(key: number, scaleIndex: number, scale: number, t: number): number {
    const k = Math.floor(t / scale);
    const f = t / scale - k;
    return knot(key, scaleIndex, k) * (1 - f) + knot(key, scaleIndex, k + 1) * f;
  }

  /** The bucket an instant falls in for a bar size. */
  bucketStart(t: number, barSize: string, sizeMs: number): number {
    if (barSize === '1 day') return easternMidnight(t);
    if (barSize === '1 week') {
      const midnight = easternMidnight(t);
      const weekday = (new Date(`${eastern(t).date}T12:00:00Z`).getUTCDay() + 6) % 7;
      return easternMidnight(midnight - weekday * 86_400_000 + 3_600_000 * 12);
    }
    if (barSize === '1 month') {
      const date = eastern(t).date;
      return easternMidnight(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, 1, 17));
    }
    if (sizeMs > 3_600_000) {
      const midnight = easternMidnight(t);
      return midnight + Math.floor((t - midnight) / sizeMs) * sizeMs;
    }
    return Math.floor(t / sizeMs) * sizeMs;
  }

  /**
   * Bars of `symbol` covering [start, end), counting only instants `inSession` accepts (regular
   * hours for useRTH, any open session otherwise).
   */
  bars(
    symbol: string,
    start: number,
    end: number,
    barSize: string,
    inSession: (t: number) => boolean,
  ): Bar[] {
    const sizeMs = BAR_SIZES[barSize] as number;
    const spec = this.#prices.spec(symbol);
    // Ten samples a bar (a second at least, half an hour at most) give each bar its own OHLC.
    const step = Math.max(1_000, Math.floor(Math.min(sizeMs / 10, 1_800_000) / 1_000) * 1_000);
    const pastEnd = Math.min(end, this.#t0);
    const stride = Math.max(step, Math.ceil((pastEnd - start) / MAX_SAMPLES / 1_000) * 1_000);
    const byBucket = new Map<number, Bar>();
    const add = (t: number, price: number, size: number): void => {
      if (!inSession(t)) return;
      const bucket = this.bucketStart(t, barSize, sizeMs);
      const bar = byBucket.get(bucket);
      if (!bar) {
        byBucket.set(bucket, {
          start: bucket,
          open: price,
          high: price,
          low: price,
          close: price,
          volume: size,
          wap: price * size,
          count: 1,
        });
        return;
      }
      bar.high = Math.max(bar.high, price);
      bar.low = Math.min(bar.low, price);
      bar.close = price;
      bar.volume += size;
      bar.wap += price * size;
      bar.count += 1;
    };
    const key = this.#symbolKey(symbol);
    for (let t = Math.ceil(start / stride) * stride; t < pastEnd; t += stride) {
      const lots = 1 + Math.floor(((knot(key, 99, t / 1000) + 1) / 2) * 4.999);
      add(t, this.pastPrice(symbol, t), lots * spec.lotSize);
    }
    for (const tick of this.#ticks.get(symbol) ?? []) {
      if (tick.t >= Math.max(start, this.#t0) && tick.t < end) add(tick.t, tick.price, tick.size);
    }
    return [...byBucket.values()]
      .sort((a, b) => a.start - b.start)
      .map((b) => ({ ...b, wap: b.volume > 0 ? Number((b.wap / b.volume).toFixed(4)) : b.close }));
  }

  /** The bar now being formed (keepUpToDate), if the bucket has any price yet. */
  currentBar(
    symbol: string,
    now: number,
    barSize: string,
    inSession: (t: number) => boolean,
  ): Bar | undefined {
    const sizeMs = BAR_SIZES[barSize] as number;
    const start = this.bucketStart(now, barSize, sizeMs);
    return this.bars(symbol, start, now + 1, barSize, inSession).at(-1);
  }
}

/** A bar's time as the request's formatDate asks: 1 → exchange time text, 2 → epoch seconds. */
export function barTime(start: number, barSize: string, formatDate: number): string {
  if (formatDate === 2) return String(Math.floor(start / 1000));
  const stamp = easternStamp(start);
  const daily = barSize === '1 day' || barSize === '1 week' || barSize === '1 month';
  return daily ? stamp.slice(0, 8) : `${stamp} US/Eastern`;
}

/** Parses reqHistoricalData's endDateTime (`yyyyMMdd HH:mm:ss [zone]` or `yyyyMMdd-HH:mm:ss` in UTC). */
export function parseEndDateTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})([ -])(\d{2}):(\d{2}):(\d{2})\s*(\S*)$/.exec(text.trim());
  if (!m) return undefined;
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[5]),
    Number(m[6]),
    Number(m[7]),
  );
  const zone = m[8] ?? '';
  if (m[4] === '-' || zone === '' || zone === 'UTC' || zone === 'GMT') return utc;
  if (zone === 'US/Eastern' || zone === 'America/New_York') {
    // The zone's offset at that wall time: compare the stamp the instant would have there.
    const guess = utc + 5 * 3_600_000;
    const shown = easternStamp(guess);
    const shownUtc = Date.UTC(
      Number(shown.slice(0, 4)),
      Number(shown.slice(4, 6)) - 1,
      Number(shown.slice(6, 8)),
      Number(shown.slice(9, 11)),
      Number(shown.slice(12, 14)),
      Number(shown.slice(15, 17)),
    );
    return guess + (utc - shownUtc);
  }
  return undefined;
}
