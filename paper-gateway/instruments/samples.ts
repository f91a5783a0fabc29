/**
 * What reqMatchingSymbols finds besides stocks, as IB answers it: a futures product as its index
 * (secType IND on CME, derivative types FUT), a currency pair's base currency as CASH.
 */
import type { GatewayContext } from '../context.ts';

/** A search hit with the fields symbolSamples sends beyond a stock's. */
export interface ProductSample {
  symbol: string;
  conId: number;
  primaryExch: string;
  currency: string;
  longName?: string;
  samples: { secType: string; derivativeSecTypes: readonly string[] };
}

/** One hit per futures product and per currency pair of the universe. */
export function productSamples(gw: GatewayContext): ProductSample[] {
  const seen = new Set<string>();
  const out: ProductSample[] = [];
  for (const key of gw.prices.symbols()) {
    const spec = gw.prices.spec(key);
    const d = spec.derivative;
    if (!d || d.secType === 'OPT') continue;
    const id = d.secType === 'FUT' ? d.underlying : spec.symbol;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(
      d.secType === 'FUT'
        ? {
            symbol: d.underlying,
            conId: spec.conId,
            primaryExch: d.exchange,
            currency: spec.currency,
            longName: (spec.longName ?? '').replace(/ \d{6}$/, ''),
            samples: { secType: 'IND', derivativeSecTypes: ['FUT', 'FOP'] },
          }
        : {
            symbol: d.underlying,
            conId: spec.conId,
            primaryExch: d.exchange,
            currency: spec.currency,
            longName: `${spec.longName ?? ''} (${spec.symbol})`,
            samples: { secType: 'CASH', derivativeSecTypes: [] },
          },
    );
  }
  return out;
}
