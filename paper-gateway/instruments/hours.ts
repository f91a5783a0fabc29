/**
 * Trading hours of the derivative products as IB's contract details state them: CME Globex
 * equity index futures trade Sunday to Friday 17:00–16:00 Chicago time, IDEALPRO Sunday to Friday
 * 17:15–17:00 New York time; options trade in their underlying's regular session.
 */
import { tradingHoursFrom, type TradingHours } from '../sessions.ts';
import type { DerivativeTerms } from './terms.ts';

const DAY_MS = 86_400_000;

function ymd(t: number): string {
  return new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
}

/** Sessions of the week ahead that open the evening before each weekday. */
function overnight(now: number, open: string, close: string, timeZoneId: string): TradingHours {
  const parts: string[] = [];
  const start = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    new Date(now).getUTCDate(),
  );
  for (let i = 0; i < 7; i++) {
    const day = start + i * DAY_MS;
    const weekday = new Date(day).getUTCDay();
    parts.push(
      weekday === 0 || weekday === 6
        ? `${ymd(day)}:CLOSED`
        : `${ymd(day - DAY_MS)}:${open}-${ymd(day)}:${close}`,
    );
  }
  const hours = parts.join(';');
  return { timeZoneId, tradingHours: hours, liquidHours: hours };
}

/** The week's sessions of a derivative product. */
export function derivativeHours(kind: DerivativeTerms['hours'], now: number): TradingHours {
  if (kind === 'globex') return overnight(now, '1700', '1600', 'US/Central');
  if (kind === 'idealpro') return overnight(now, '1715', '1700', 'US/Eastern');
  const stock = tradingHoursFrom(now);
  // Options trade in the regular session only.
  return { ...stock, tradingHours: stock.liquidHours };
}
