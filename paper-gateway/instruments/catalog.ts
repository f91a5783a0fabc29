/**
 * The gateway's derivatives and currency pairs: futures and forex sit in the price book from the
 * start; options join it when a request first names one (the chains hold thousands of contracts,
 * and an option nobody asked for needs no price path). Answers IB's contract look-ups: a partial
 * contract (secType and symbol, optionally expiry, strike, right, exchange, currency) matches
 * every contract it describes; a conId matches one.
 */
import type { ContractFields } from '../codec/reader.ts';
import type { PriceBook, SymbolSpec } from '../prices.ts';
import { forexSpecs } from './forex.ts';
import type { DerivativeTerms } from './terms.ts';
import { futureSpecs } from './futures.ts';
import { expirations, optionDerivation, optionSpec, strikeIncrement, strikesAround } from './options.ts';

/** The fields of a contract look-up (the rest default to "any"). */
export type ContractQuery = Pick<ContractFields, 'conId' | 'symbol' | 'secType'> & Partial<ContractFields>;

const upper = (text: string | undefined): string => (text ?? '').trim().toUpperCase();

/** The universe's derivatives and currency pairs. */
export class DerivativeCatalog {
  readonly #prices: PriceBook;
  readonly #now: () => number;

  constructor(prices: PriceBook, now: () => number) {
    this.#prices = prices;
    this.#now = now;
    for (const spec of [...futureSpecs(now()), ...forexSpecs()]) prices.add(spec);
  }

  /** Every contract the query describes, stocks excluded. */
  match(query: ContractQuery): SymbolSpec[] {
    const secType = upper(query.secType);
    if (query.conId) {
      const spec = this.#byConId(query.conId);
      return spec && (secType === '' || secType === spec.derivative?.secType) ? [spec] : [];
    }
    if (secType === 'OPT') return this.#options(query);
    if (secType !== 'FUT' && secType !== 'CASH') return [];
    return this.#listed().filter((s) => {
      const d = s.derivative!;
      return (
        d.secType === secType &&
        d.underlying === upper(query.symbol) &&
        (!query.lastTradeDateOrContractMonth ||
          (d.lastTradeDate ?? '').startsWith(query.lastTradeDateOrContractMonth)) &&
        (!query.currency || s.currency === upper(query.currency)) &&
        (!query.exchange || upper(query.exchange) === 'SMART' || d.exchange === upper(query.exchange)) &&
        (!query.localSymbol || s.symbol === upper(query.localSymbol)) &&
        (!query.multiplier || Number(query.multiplier) === d.multiplier)
      );
    });
  }

  /** The book key of the one contract the query names (joining the book if new), else undefined. */
  resolve(query: ContractQuery): string | undefined {
    const found = this.match(query);
    if (found.length !== 1) return undefined;
    const spec = found[0]!;
    if (!this.#prices.has(spec.symbol)) {
      const underlying = spec.derivative!.underlying;
      this.#prices.add(
        spec,
        optionDerivation(spec, () => this.#prices.quote(underlying).last, this.#now),
      );
    }
    return this.#prices.spec(spec.symbol).symbol;
  }

  /**
   * Brings back the options a restored book traded (orders and executions carry their terms), so
   * that a restart on a state file keeps their positions and working orders.
   */
  readmit(records: ReadonlyArray<{ symbol: string; conId: number; derivative?: DerivativeTerms }>): void {
    for (const r of records) {
      const d = r.derivative;
      if (!d || d.secType !== 'OPT' || this.#prices.has(r.symbol)) continue;
      const spec = optionSpec(
        { symbol: d.underlying, conId: d.underlyingConId ?? 0, primaryExch: 'SMART' },
        d.lastTradeDate!,
        d.strike!,
        d.right!,
        this.#prices.quote(d.underlying).last,
        this.#now(),
      );
      this.#prices.add(
        spec,
        optionDerivation(spec, () => this.#prices.quote(d.underlying).last, this.#now),
      );
    }
  }

  /** Futures and currency pairs, and the options already in the book. */
  #listed(): SymbolSpec[] {
    return this.#prices
      .symbols()
      .map((s) => this.#prices.spec(s))
      .filter((s) => s.derivative !== undefined);
  }

  #byConId(conId: number): SymbolSpec | undefined {
    const key = this.#prices.symbolForConId(conId);
    if (key !== undefined) {
      const spec = this.#prices.spec(key);
      return spec.derivative ? spec : undefined;
    }
    // An option nobody named yet: search the chains listed now.
    for (const stock of this.#stocks()) {
      const hit = this.#chain(stock).find((o) => o.conId === conId);
      if (hit) return hit;
    }
    return undefined;
  }

  #stocks(): SymbolSpec[] {
    return this.#prices
      .symbols()
      .map((s) => this.#prices.spec(s))
      .filter((s) => s.derivative === undefined);
  }

  /** The chain reqSecDefOptParams lists for a stock now. */
  #chain(
    stock: SymbolSpec,
    only?: { expiry?: string; strikes?: number[]; rights?: Array<'C' | 'P'> },
  ): SymbolSpec[] {
    const now = this.#now();
    const last = this.#prices.quote(stock.symbol).last;
    const out: SymbolSpec[] = [];
    for (const expiry of expirations(now)) {
      if (only?.expiry && !expiry.startsWith(only.expiry)) continue;
      for (const strike of only?.strikes ?? strikesAround(last))
        for (const right of only?.rights ?? (['C', 'P'] as const))
          out.push(optionSpec(stock, expiry, strike, right, last, now));
    }
    return out;
  }

  #options(query: ContractQuery): SymbolSpec[] {
    const symbol = upper(query.symbol);
    if (!this.#prices.has(symbol) || this.#prices.spec(symbol).derivative) return [];
    const stock = this.#prices.spec(symbol);
    if (query.multiplier && Number(query.multiplier) !== 100) return [];
    if (query.currency && upper(query.currency) !== 'USD') return [];
    const right = upper(query.right);
    const rights: Array<'C' | 'P'> | undefined =
      right === 'C' || right === 'CALL' ? ['C'] : right === 'P' || right === 'PUT' ? ['P'] : undefined;
    if (right !== '' && rights === undefined) return [];
    const strike = query.strike;
    let strikes: number[] | undefined;
    if (strike !== undefined && strike > 0) {
      // Any strike on the listing grid at the underlying's price trades, not only the 21 listed.
      const increment = strikeIncrement(this.#prices.quote(symbol).last);
      if (Math.abs(strike / increment - Math.round(strike / increment)) > 1e-9) return [];
      strikes = [strike];
    }
    const chain = this.#chain(stock, {
      ...(query.lastTradeDateOrContractMonth ? { expiry: query.lastTradeDateOrContractMonth } : {}),
      ...(strikes ? { strikes } : {}),
      ...(rights ? { rights } : {}),
    });
    const local = query.localSymbol?.trim();
    return local ? chain.filter((o) => o.symbol.replace(/\s+/g, ' ') === local.replace(/\s+/g, ' ')) : chain;
  }
}
