/**
 * A deterministic, seeded price path per symbol. Each symbol draws from its own generator
 * (seeded from the gateway seed and the symbol), so stepping one symbol never changes another's
 * path and a test that steps AAPL five times sees the same quotes on every run.
 */
import { ControlError } from './errors.ts';
import type { DerivativeTerms } from './instruments/terms.ts';

/** One tradable symbol of the universe. */
export interface SymbolSpec {
  symbol: string;
  /** IB's contract id. */
  conId: number;
  /** Starting last price. */
  price: number;
  primaryExch?: string;
  currency?: string;
  longName?: string;
  industry?: string;
  /** Minimum price increment; default 0.01. */
  tick?: number;
  /** Widest spread drawn, in ticks; default 3. */
  maxSpreadTicks?: number;
  /** Standard deviation of one step's move, as a fraction of the price; default 0.0008. */
  volatility?: number;
  /** Displayed sizes are drawn in lots of this many shares, 1 to 5 lots; default 100. */
  lotSize?: number;
  /** A derivative or currency pair: IB's contract terms; `symbol` is then its localSymbol. */
  derivative?: DerivativeTerms;
}

/** The default universe: large US stocks with their real IB contract ids. */
export const DEFAULT_UNIVERSE: readonly SymbolSpec[] = [
  {
    symbol: 'AAPL',
    conId: 265598,
    price: 190,
    primaryExch: 'NASDAQ',
    longName: 'APPLE INC',
    industry: 'Technology',
  },
  {
    symbol: 'MSFT',
    conId: 272093,
    price: 410,
    primaryExch: 'NASDAQ',
    longName: 'MICROSOFT CORP',
    industry: 'Technology',
  },
  {
    symbol: 'AMZN',
    conId: 3691937,
    price: 180,
    primaryExch: 'NASDAQ',
    longName: 'AMAZON.COM INC',
    industry: 'Communications',
  },
  {
    symbol: 'GOOGL',
    conId: 208813719,
    price: 170,
    primaryExch: 'NASDAQ',
    longName: 'ALPHABET INC-CL A',
    industry: 'Communications',
  },
  {
    symbol: 'NVDA',
    conId: 4815747,
    price: 120,
    primaryExch: 'NASDAQ',
    longName: 'NVIDIA CORP',
    industry: 'Technology',
  },
  {
    symbol: 'TSLA',
    conId: 76792991,
    price: 250,
    primaryExch: 'NASDAQ',
    longName: 'TESLA INC',
    industry: 'Consumer, Cyclical',
    volatility: 0.002,
  },
  {
    symbol: 'IBM',
    conId: 8314,
    price: 200,
    primaryExch: 'NYSE',
    longName: 'INTL BUSINESS MACHINES CORP',
    industry: 'Technology',
  },
  {
    symbol: 'SPY',
    conId: 756733,
    price: 550,
    primaryExch: 'ARCA',
    longName: 'SPDR S&P 500 ETF TRUST',
    industry: 'Funds',
  },
];

/** The market for one symbol at one moment. */
export interface Quote {
  symbol: string;
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Number of steps or sets applied so far. */
  version: number;
}

/** Quote fields a test or the control interface may set directly. */
export type QuoteUpdate = Partial<Pick<Quote, 'bid' | 'ask' | 'last' | 'bidSize' | 'askSize' | 'lastSize'>>;

/** Small fast seeded generator (mulberry32); uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to derive a per-symbol seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function decimalsOf(tick: number): number {
  const text = String(tick);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

interface SymbolState {
  spec: Required<Omit<SymbolSpec, 'longName' | 'industry' | 'derivative'>> &
    Pick<SymbolSpec, 'longName' | 'industry' | 'derivative'>;
  /** Where a derived price (an option's) comes from on every step. */
  derive?: () => number;
  rng: () => number;
  decimals: number;
  /** Prices are kept in whole ticks so that steps never accumulate binary rounding error. */
  lastTicks: number;
  quote: Quote;
}

/** The universe's quotes and their seeded evolution. */
export class PriceBook {
  readonly #symbols = new Map<string, SymbolState>();

  readonly #seed: number;

  constructor(universe: readonly SymbolSpec[], seed: number) {
    this.#seed = seed;
    for (const raw of universe) this.add(raw);
  }

  /**
   * Adds an entry to the universe (derivatives join when first named); `derive` gives a price the
   * path follows on every step instead of its own random walk (an option follows its underlying).
   */
  add(raw: SymbolSpec, derive?: () => number): void {
    if (this.#symbols.has(raw.symbol.toUpperCase())) return;
    const spec = {
      primaryExch: 'NASDAQ',
      currency: 'USD',
      tick: 0.01,
      maxSpreadTicks: 3,
      volatility: 0.0008,
      lotSize: 100,
      ...raw,
    };
    const decimals = decimalsOf(spec.tick);
    const lastTicks = Math.max(1, Math.round((derive ? derive() : spec.price) / spec.tick));
    const price = this.#fromTicks(lastTicks, spec.tick, decimals);
    const state: SymbolState = {
      spec,
      ...(derive ? { derive } : {}),
      rng: mulberry32((this.#seed ^ hashString(spec.symbol)) >>> 0),
      decimals,
      lastTicks,
      quote: {
        symbol: spec.symbol,
        bid: this.#fromTicks(Math.max(1, lastTicks - 1), spec.tick, decimals),
        ask: this.#fromTicks(lastTicks + 1, spec.tick, decimals),
        last: price,
        bidSize: 3 * spec.lotSize,
        askSize: 3 * spec.lotSize,
        lastSize: spec.lotSize,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: 0,
        version: 0,
      },
    };
    this.#symbols.set(spec.symbol.toUpperCase(), state);
  }

  #fromTicks(ticks: number, tick: number, decimals: number): number {
    return Number((ticks * tick).toFixed(decimals));
  }

  #state(symbol: string): SymbolState {
    const state = this.#symbols.get(symbol.toUpperCase());
    if (!state) throw new ControlError(`unknown symbol ${symbol}`);
    return state;
  }

  /** Whether the symbol is in the universe. */
  has(symbol: string): boolean {
    return this.#symbols.has(symbol.toUpperCase());
  }

  /** Every symbol of the universe. */
  symbols(): string[] {
    return [...this.#symbols.values()].map((s) => s.spec.symbol);
  }

  /** The symbol's specification with defaults filled in. */
  spec(symbol: string): SymbolState['spec'] {
    return this.#state(symbol).spec;
  }

  /** The symbol whose contract id this is, if any. */
  symbolForConId(conId: number): string | undefined {
    for (const state of this.#symbols.values()) if (state.spec.conId === conId) return state.spec.symbol;
    return undefined;
  }

  /** A copy of the current quote. */
  quote(symbol: string): Quote {
    return { ...this.#state(symbol).quote };
  }

  /** Whether a price lies on the symbol's tick grid. */
  onTick(symbol: string, price: number): boolean {
    const { tick } = this.#state(symbol).spec;
    const ticks = price / tick;
    return Math.abs(ticks - Math.round(ticks)) < 1e-6;
  }

  /** Advances one symbol's path by one step and returns the new quote. */
  step(symbol: string): Quote {
    const s = this.#state(symbol);
    const { tick, volatility, maxSpreadTicks, lotSize } = s.spec;
    // Box-Muller: a normal draw from two uniforms.
    const u1 = Math.max(s.rng(), 1e-12);
    const u2 = s.rng();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    const moveTicks = Math.round((normal * volatility * s.lastTicks * tick) / tick);
    s.lastTicks = s.derive
      ? Math.max(1, Math.round(s.derive() / tick))
      : Math.max(2, s.lastTicks + moveTicks);
    const spread = 1 + Math.floor(s.rng() * maxSpreadTicks);
    const bidTicks = Math.max(1, s.lastTicks - Math.floor(spread / 2));
    const q = s.quote;
    q.last = this.#fromTicks(s.lastTicks, tick, s.decimals);
    q.bid = this.#fromTicks(bidTicks, tick, s.decimals);
    q.ask = this.#fromTicks(bidTicks + spread, tick, s.decimals);
    q.bidSize = lotSize * (1 + Math.floor(s.rng() * 5));
    q.askSize = lotSize * (1 + Math.floor(s.rng() * 5));
    q.lastSize = lotSize * (1 + Math.floor(s.rng() * 3));
    q.volume += q.lastSize;
    q.high = Math.max(q.high, q.last);
    q.low = Math.min(q.low, q.last);
    q.version += 1;
    return { ...q };
  }

  /** Sets quote fields directly; the path continues from the new last price. */
  set(symbol: string, update: QuoteUpdate): Quote {
    const s = this.#state(symbol);
    const q = s.quote;
    for (const key of ['bid', 'ask', 'last', 'bidSize', 'askSize', 'lastSize'] as const) {
      const value = update[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ControlError(`bad ${key} for ${symbol}: ${String(value)}`);
      }
    }
    if (update.last !== undefined) {
      s.lastTicks = Math.max(1, Math.round(update.last / s.spec.tick));
      q.last = this.#fromTicks(s.lastTicks, s.spec.tick, s.decimals);
      q.high = Math.max(q.high, q.last);
      q.low = Math.min(q.low, q.last);
    }
    if (update.bid !== undefined) q.bid = update.bid;
    if (update.ask !== undefined) q.ask = update.ask;
    // Setting only a last price moves the book with it, one tick either side.
    if (update.last !== undefined && update.bid === undefined && update.ask === undefined) {
      q.bid = this.#fromTicks(s.lastTicks - 1, s.spec.tick, s.decimals);
      q.ask = this.#fromTicks(s.lastTicks + 1, s.spec.tick, s.decimals);
    }
    if (update.bidSize !== undefined) q.bidSize = update.bidSize;
    if (update.askSize !== undefined) q.askSize = update.askSize;
    if (update.lastSize !== undefined) q.lastSize = update.lastSize;
    q.version += 1;
    return { ...q };
  }

  /** Every quote, for persistence. */
  snapshot(): Quote[] {
    return [...this.#symbols.values()].map((s) => ({ ...s.quote }));
  }

  /** Restores quotes saved by snapshot(); unknown symbols are ignored. */
  restore(quotes: readonly Quote[]): void {
    for (const saved of quotes) {
      const s = this.#symbols.get(saved.symbol.toUpperCase());
      if (!s) continue;
      s.quote = { ...saved };
      s.lastTicks = Math.max(1, Math.round(saved.last / s.spec.tick));
      // Re-seed from the version so the path continues deterministically after a restart.
      s.rng = mulberry32((hashString(s.spec.symbol) ^ Math.imul(saved.version + 1, 0x9e3779b1)) >>> 0);
    }
  }
}
