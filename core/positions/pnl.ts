import type { Dec } from '../money.ts';
import { formatDecimal, ZERO } from '../money.ts';
import { markToMarket, type Position } from './position.ts';

/** The stored day figures GET /pnl/today starts from. */
export interface DayFigures {
  day: string;
  realizedPnl: Dec;
  commissions: Dec;
  fills: number;
  bySymbol: Array<{
    symbol: string;
    realizedPnl: Dec;
    commissions: Dec;
    fills: number;
    boughtQuantity: Dec;
    soldQuantity: Dec;
  }>;
}

/**
 * The day's P&L as the API shows it: realized (net of commissions) from the store, unrealized of
 * every open position marked to its price; a position without a price is left out of the
 * unrealized total and says so (`marked: false`).
 */
export function dailyPnlView(day: DayFigures, positions: Position[], prices: Map<string, Dec | undefined>) {
  const symbols = new Set([
    ...day.bySymbol.map((s) => s.symbol),
    ...positions.filter((p) => !p.quantity.isZero()).map((p) => p.symbol),
  ]);
  let unrealized = ZERO;
  const bySymbol = [...symbols].sort().map((symbol) => {
    const figures = day.bySymbol.find((s) => s.symbol === symbol);
    const open = positions.filter((p) => p.symbol === symbol && !p.quantity.isZero());
    const price = prices.get(symbol);
    let u = ZERO;
    let marked = true;
    for (const p of open) {
      const m = markToMarket(p, price);
      if (m.unrealizedPnl === undefined) marked = false;
      else u = u.plus(m.unrealizedPnl);
    }
    unrealized = unrealized.plus(u);
    const realized = figures?.realizedPnl ?? ZERO;
    return {
      symbol,
      realizedPnl: formatDecimal(realized),
      unrealizedPnl: formatDecimal(u),
      totalPnl: formatDecimal(realized.plus(u)),
      commissions: formatDecimal(figures?.commissions ?? ZERO),
      fills: figures?.fills ?? 0,
      boughtQuantity: formatDecimal(figures?.boughtQuantity ?? ZERO),
      soldQuantity: formatDecimal(figures?.soldQuantity ?? ZERO),
      position: formatDecimal(open.reduce((q, p) => q.plus(p.quantity), ZERO)),
      marketPrice: price === undefined ? null : formatDecimal(price),
      marked: open.length === 0 || marked,
    };
  });
  return {
    date: day.day,
    realizedPnl: formatDecimal(day.realizedPnl),
    unrealizedPnl: formatDecimal(unrealized),
    totalPnl: formatDecimal(day.realizedPnl.plus(unrealized)),
    commissions: formatDecimal(day.commissions),
    fills: day.fills,
    bySymbol,
  };
}
