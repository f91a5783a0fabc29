/**
 * US equity trading sessions in exchange time (US/Eastern): pre-market 04:00–09:30, regular
 * 09:30–16:00, after-hours 16:00–20:00, nothing on weekends and exchange holidays, and a 13:00
 * close (after-hours to 17:00) on the early-close days. The holiday table is NYSE's.
 */

/** Where the market stands at an instant. */
export type SessionState = 'pre-market' | 'regular' | 'after-hours' | 'closed';

/** NYSE full closures and early closes, by Eastern date. */
export const EXCHANGE_HOLIDAYS: Readonly<Record<string, 'closed' | 'early-close'>> = {
  '2025-01-01': 'closed',
  '2025-01-09': 'closed',
  '2025-01-20': 'closed',
  '2025-02-17': 'closed',
  '2025-04-18': 'closed',
  '2025-05-26': 'closed',
  '2025-06-19': 'closed',
  '2025-07-03': 'early-close',
  '2025-07-04': 'closed',
  '2025-09-01': 'closed',
  '2025-11-27': 'closed',
  '2025-11-28': 'early-close',
  '2025-12-24': 'early-close',
  '2025-12-25': 'closed',
  '2026-01-01': 'closed',
  '2026-01-19': 'closed',
  '2026-02-16': 'closed',
  '2026-04-03': 'closed',
  '2026-05-25': 'closed',
  '2026-06-19': 'closed',
  '2026-07-03': 'closed',
  '2026-09-07': 'closed',
  '2026-11-26': 'closed',
  '2026-11-27': 'early-close',
  '2026-12-24': 'early-close',
  '2026-12-25': 'closed',
  '2027-01-01': 'closed',
  '2027-01-18': 'closed',
  '2027-02-15': 'closed',
  '2027-03-26': 'closed',
  '2027-05-31': 'closed',
  '2027-06-18': 'closed',
  '2027-07-05': 'closed',
  '2027-09-06': 'closed',
  '2027-11-25': 'closed',
  '2027-11-26': 'early-close',
  '2027-12-24': 'closed',
};

/** The exchange's time zone, as IB names it in contract details. */
export const EXCHANGE_TIME_ZONE = 'US/Eastern';

const HOUR = 3_600_000;

/** Per year: when summer time starts and ends, in epoch milliseconds. */
const SUMMER_TIME = new Map<number, [number, number]>();

/** The n-th Sunday (1-based) of a UTC month, as a day of the month. */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
}

/**
 * US/Eastern's offset from UTC at an instant, in hours: -4 from the second Sunday of March at
 * 02:00 EST to the first Sunday of November at 02:00 EDT, else -5. Plain arithmetic, because
 * bar building asks for every sample.
 */
function easternOffsetHours(epochMs: number): number {
  const year = new Date(epochMs).getUTCFullYear();
  let summer = SUMMER_TIME.get(year);
  if (!summer) {
    summer = [Date.UTC(year, 2, nthSunday(year, 2, 2), 7), Date.UTC(year, 10, nthSunday(year, 10, 1), 6)];
    SUMMER_TIME.set(year, summer);
  }
  return epochMs >= summer[0] && epochMs < summer[1] ? -4 : -5;
}

/** An instant seen in exchange time. */
export interface EasternTime {
  /** yyyy-mm-dd */
  date: string;
  /** Minutes since midnight. */
  minutes: number;
  seconds: number;
  weekend: boolean;
}

/** The instant in exchange time. */
export function eastern(epochMs: number): EasternTime {
  const local = new Date(epochMs + easternOffsetHours(epochMs) * HOUR);
  const weekday = local.getUTCDay();
  return {
    date: local.toISOString().slice(0, 10),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    seconds: local.getUTCSeconds(),
    weekend: weekday === 0 || weekday === 6,
  };
}

/** One day's sessions in minutes since Eastern midnight, or null when the market is shut. */
interface DaySessions {
  open: number;
  regularOpen: number;
  regularClose: number;
  close: number;
}

function sessionsOf(date: string, weekend: boolean): DaySessions | null {
  const holiday = EXCHANGE_HOLIDAYS[date];
  if (weekend || holiday === 'closed') return null;
  const early = holiday === 'early-close';
  return {
    open: 4 * 60,
    regularOpen: 9 * 60 + 30,
    regularClose: early ? 13 * 60 : 16 * 60,
    close: early ? 17 * 60 : 20 * 60,
  };
}

/** The session state at an instant. */
export function sessionAt(epochMs: number): SessionState {
  const t = eastern(epochMs);
  const day = sessionsOf(t.date, t.weekend);
  if (!day || t.minutes < day.open || t.minutes >= day.close) return 'closed';
  if (t.minutes < day.regularOpen) return 'pre-market';
  if (t.minutes < day.regularClose) return 'regular';
  return 'after-hours';
}

/** IB's trading-hours strings for the days starting at the instant's exchange date. */
export interface TradingHours {
  timeZoneId: string;
  /** Extended hours (pre-market to after-hours), e.g. `20260302:0400-20260302:2000;20260307:CLOSED`. */
  tradingHours: string;
  /** Regular hours. */
  liquidHours: string;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
}

/** The trading and liquid hours of `days` consecutive exchange days, from the instant's date. */
export function tradingHoursFrom(epochMs: number, days = 7): TradingHours {
  const trading: string[] = [];
  const liquid: string[] = [];
  const first = eastern(epochMs).date;
  // Noon UTC of each calendar day lies on that same date in New York.
  const noon = Date.UTC(
    Number(first.slice(0, 4)),
    Number(first.slice(5, 7)) - 1,
    Number(first.slice(8, 10)),
    16,
  );
  for (let i = 0; i < days; i++) {
    const t = eastern(noon + i * 86_400_000);
    const ib = t.date.replaceAll('-', '');
    const day = sessionsOf(t.date, t.weekend);
    if (!day) {
      trading.push(`${ib}:CLOSED`);
      liquid.push(`${ib}:CLOSED`);
      continue;
    }
    trading.push(`${ib}:${hhmm(day.open)}-${ib}:${hhmm(day.close)}`);
    liquid.push(`${ib}:${hhmm(day.regularOpen)}-${ib}:${hhmm(day.regularClose)}`);
  }
  return { timeZoneId: EXCHANGE_TIME_ZONE, tradingHours: trading.join(';'), liquidHours: liquid.join(';') };
}

/** The instant's exchange date and time as IB writes them: `yyyyMMdd HH:mm:ss`. */
export function easternStamp(epochMs: number): string {
  const t = eastern(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${t.date.replaceAll('-', '')} ${pad(Math.floor(t.minutes / 60))}:${pad(t.minutes % 60)}:${pad(t.seconds)}`;
}

/** Epoch milliseconds of the exchange-time midnight starting the instant's exchange date. */
export function easternMidnight(epochMs: number): number {
  const offset = easternOffsetHours(epochMs) * HOUR;
  const midnightLocal = Math.floor((epochMs + offset) / 86_400_000) * 86_400_000;
  // The offset at midnight may differ from the instant's on a daylight-saving day.
  return midnightLocal - easternOffsetHours(midnightLocal - offset) * HOUR;
}
