/**
 * Index futures on CME Globex: E-mini S&P 500 (ES, $50 per point) and E-mini Nasdaq-100 (NQ, $20
 * per point), the next four quarterly contracts (March, June, September, December), each expiring
 * on the third Friday of its month, quoted in quarter points.
 */
import { hashString, type SymbolSpec } from '../prices.ts';

/** IB's market rule for CME equity index futures (0.25 at every price). */
export const FUTURE_MARKET_RULE_ID = 67;
const MONTH_CODES = 'FGHJKMNQUVXZ';
const QUARTER_MONTHS = [2, 5, 8, 11];

interface Product {
  root: string;
  longName: string;
  multiplier: number;
  price: number;
}

const PRODUCTS: readonly Product[] = [
  { root: 'ES', longName: 'E-mini S&P 500', multiplier: 50, price: 5500 },
  { root: 'NQ', longName: 'E-mini Nasdaq-100', multiplier: 20, price: 19500 },
];

function thirdFriday(year: number, month: number): Date {
  const first = new Date(Date.UTC(year, month, 1));
  return new Date(Date.UTC(year, month, 1 + ((5 - first.getUTCDay() + 7) % 7) + 14));
}

/** The next four quarterly expirations (YYYYMMDD) on or after `now`. */
export function quarterlyExpirations(now: number): string[] {
  const d = new Date(now);
  const out: string[] = [];
  for (let year = d.getUTCFullYear(); out.length < 4; year++) {
    for (const month of QUARTER_MONTHS) {
      const expiry = thirdFriday(year, month);
      if (expiry.getTime() + 86_400_000 <= now || out.length >= 4) continue;
      out.push(expiry.toISOString().slice(0, 10).replaceAll('-', ''));
    }
  }
  return out;
}

/** Every future of the universe at `now`: each product's next four quarterly contracts. */
export function futureSpecs(now: number): SymbolSpec[] {
  const expiries = quarterlyExpirations(now);
  return PRODUCTS.flatMap((p) =>
    expiries.map((expiry, i) => {
      const month = Number(expiry.slice(4, 6)) - 1;
      const localSymbol = `${p.root}${MONTH_CODES[month]}${expiry.slice(3, 4)}`;
      // Later contracts trade at a small premium (carry), a point per quarter per thousand.
      const price = Math.round((p.price * (1 + 0.004 * i)) / 0.25) * 0.25;
      return {
        symbol: localSymbol,
        conId: 600_000_000 + (hashString(`${localSymbol}${expiry}`) % 100_000_000),
        price,
        primaryExch: 'CME',
        currency: 'USD',
        longName: `${p.longName} ${expiry.slice(0, 6)}`,
        tick: 0.25,
        maxSpreadTicks: 2,
        volatility: 0.0006,
        lotSize: 10,
        derivative: {
          secType: 'FUT' as const,
          underlying: p.root,
          exchange: 'CME',
          lastTradeDate: expiry,
          multiplier: p.multiplier,
          tradingClass: p.root,
          minSize: 1,
          hours: 'globex' as const,
          marketRuleId: FUTURE_MARKET_RULE_ID,
        },
      };
    }),
  );
}
