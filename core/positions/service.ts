/**
 * What GET /positions and GET /pnl/today answer: the stored positions and day figures, marked to
 * the latest cached quotes.
 */
import type { Dec } from '../money.ts';
import type { QuoteSource } from '../orders/ports.ts';
import { tradingDay } from '../risk/checks.ts';
import { dailyPnlView, type DayFigures } from './pnl.ts';
import { positionView, type Position } from './position.ts';

/** Port: the positions and day P&L the bridge keeps. */
export interface PositionReader {
  positions(tenantId: string): Promise<Position[]>;
  /** With `account`, only that account's share of the day. */
  dailyPnl(tenantId: string, day: string, account?: string): Promise<DayFigures>;
}

export interface PositionDeps {
  store: PositionReader;
  quotes: QuoteSource;
}

/** The tenant's positions (of one account, when given), each marked to its quote when there is one. */
export async function listPositions(deps: PositionDeps, tenantId: string, account?: string) {
  const positions = ofAccount(await deps.store.positions(tenantId), account);
  const prices = await pricesOf(
    deps.quotes,
    positions.map((p) => p.symbol),
  );
  return { items: positions.map((p) => positionView(p, prices.get(p.symbol))) };
}

/** The tenant's (or one account's) P&L for today's trading day (UTC): realized from the store, unrealized marked. */
export async function pnlToday(deps: PositionDeps, tenantId: string, now: Date, account?: string) {
  const [day, all] = await Promise.all([
    account === undefined
      ? deps.store.dailyPnl(tenantId, tradingDay(now))
      : deps.store.dailyPnl(tenantId, tradingDay(now), account),
    deps.store.positions(tenantId),
  ]);
  const positions = ofAccount(all, account);
  const prices = await pricesOf(deps.quotes, [
    ...positions.map((p) => p.symbol),
    ...day.bySymbol.map((s) => s.symbol),
  ]);
  return dailyPnlView(day, positions, prices);
}

function ofAccount(positions: Position[], account: string | undefined): Position[] {
  return account === undefined ? positions : positions.filter((p) => p.account === account);
}

/** The latest price of each symbol, read side by side. */
async function pricesOf(quotes: QuoteSource, symbols: string[]): Promise<Map<string, Dec | undefined>> {
  const unique = [...new Set(symbols)];
  return new Map(await Promise.all(unique.map(async (s) => [s, await quotes.latestPrice(s)] as const)));
}
