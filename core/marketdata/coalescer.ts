/**
 * Turns a fast stream of ticks into at most N cache writes per second per symbol. Ticks only
 * update the latest values in memory; `due(now)` hands out the symbols whose values changed and
 * whose last write is at least 1/N s old, so a burst collapses into one write of its final state.
 * Pure: time is passed in, the caller owns the timer.
 */
import type { MarketDataTypeId, Quote } from './quote.ts';

/** The tick fields; `null` clears a value (IB sends -1 when a side has no quote). */
export type QuoteFields = Partial<
  Record<'bid' | 'ask' | 'last' | 'bidSize' | 'askSize' | 'lastSize', string | null>
>;

const FIELDS = ['bid', 'ask', 'last', 'bidSize', 'askSize', 'lastSize'] as const;

interface SymbolState {
  quote: Quote;
  dirty: boolean;
  lastWriteMs: number | undefined;
}

export class TickCoalescer {
  /** Least time between two writes of one symbol; whole milliseconds, rounded up, so N per second holds. */
  readonly minIntervalMs: number;
  readonly #symbols = new Map<string, SymbolState>();
  // Outlives forget(), so unsubscribing and subscribing again cannot buy an extra write.
  readonly #lastWrite = new Map<string, number>();

  constructor(options: { maxWritesPerSecond: number }) {
    if (!(options.maxWritesPerSecond > 0)) throw new Error('maxWritesPerSecond must be above 0');
    this.minIntervalMs = Math.ceil(1000 / options.maxWritesPerSecond);
  }

  /** Merges one tick into the symbol's latest values; returns whether anything changed. */
  apply(
    symbol: string,
    fields: QuoteFields,
    context: { nowMs: number; marketDataType: MarketDataTypeId; source: Quote['source'] },
  ): boolean {
    let state = this.#symbols.get(symbol);
    if (!state) {
      state = {
        quote: {
          symbol,
          at: new Date(context.nowMs).toISOString(),
          marketDataType: context.marketDataType,
          source: context.source,
        },
        dirty: false,
        lastWriteMs: this.#lastWrite.get(symbol),
      };
      this.#symbols.set(symbol, state);
    }
    const quote = state.quote;
    let changed = quote.marketDataType !== context.marketDataType || quote.source !== context.source;
    quote.marketDataType = context.marketDataType;
    quote.source = context.source;
    for (const field of FIELDS) {
      const value = fields[field];
      if (value === undefined) continue;
      if (value === null) {
        if (quote[field] !== undefined) {
          delete quote[field];
          changed = true;
        }
      } else if (quote[field] !== value) {
        quote[field] = value;
        changed = true;
      }
    }
    if (changed) {
      quote.at = new Date(context.nowMs).toISOString();
      state.dirty = true;
    }
    return changed;
  }

  /** The quotes to write now, each marked written at `nowMs`. */
  due(nowMs: number): Quote[] {
    const out: Quote[] = [];
    for (const state of this.#symbols.values()) {
      if (!state.dirty) continue;
      if (state.lastWriteMs !== undefined && nowMs - state.lastWriteMs < this.minIntervalMs) continue;
      state.dirty = false;
      state.lastWriteMs = nowMs;
      this.#lastWrite.set(state.quote.symbol, nowMs);
      out.push({ ...state.quote });
    }
    return out;
  }

  /** Milliseconds until the next write falls due; undefined when nothing waits. */
  nextDueInMs(nowMs: number): number | undefined {
    let next: number | undefined;
    for (const state of this.#symbols.values()) {
      if (!state.dirty) continue;
      const wait =
        state.lastWriteMs === undefined ? 0 : Math.max(0, state.lastWriteMs + this.minIntervalMs - nowMs);
      next = next === undefined ? wait : Math.min(next, wait);
    }
    return next;
  }

  /** The latest values of a symbol, written or not. */
  latest(symbol: string): Quote | undefined {
    const state = this.#symbols.get(symbol);
    return state ? { ...state.quote } : undefined;
  }

  /** Drops a symbol (unsubscribed); a pending write is discarded. */
  forget(symbol: string): void {
    this.#symbols.delete(symbol);
  }
}
