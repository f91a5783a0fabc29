/**
 * Reports over the tenant's fills: the fills list, the trade blotter (one row per fill with its
 * order's fields, JSON or CSV) and the P&L history (a day per row). Pure: the adapters read the
 * fills and orders, this decides what the rows say.
 */
import * as z from 'zod';
import type { Dec } from '../money.ts';
import { ZERO, formatDecimal } from '../money.ts';
import type { Order } from '../orders/order.ts';
import type { Instrument } from '../instruments/model.ts';
import { multiplierOf } from '../instruments/identity.ts';
import { applyFill, emptyPosition, type Position } from '../positions/position.ts';

/** A fill as the bridge stored it, with the gross P&L it realized. */
export interface FillRecord {
  tenantId: string;
  execId: string;
  orderId: string;
  account: string;
  symbol: string;
  /** The instrument when it is not a plain US stock. */
  instrument?: Instrument;
  side: 'buy' | 'sell';
  quantity: Dec;
  price: Dec;
  at: string;
  /** Trading day (UTC) `YYYY-MM-DD`. */
  day: string;
  commission?: Dec;
  /** Gross: before commission. */
  realizedPnl: Dec;
}

const isoTime = z.iso.datetime({ offset: true });

/** `?from=&to=` as ISO times; `to` is exclusive. */
export const TimeRange = z.object({
  from: isoTime
    .optional()
    .meta({ description: 'Fills at or after this time', example: '2026-01-05T00:00:00Z' }),
  to: isoTime.optional().meta({ description: 'Fills before this time', example: '2026-01-06T00:00:00Z' }),
});

export const FillsQuery = TimeRange.extend({
  symbol: z.string().min(1).max(32).optional(),
  account: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(2048).optional(),
});
export type FillsQuery = z.output<typeof FillsQuery>;

export const TradesQuery = TimeRange.extend({
  format: z.enum(['json', 'csv']).default('json'),
  account: z.string().min(1).max(64).optional(),
});

export const PnlHistoryQuery = TimeRange.extend({ account: z.string().min(1).max(64).optional() });

/** Which fills a filter keeps (time range, symbol, account). */
export function fillMatches(
  fill: Pick<FillRecord, 'at' | 'symbol' | 'account'>,
  q: { from?: string; to?: string; symbol?: string; account?: string },
): boolean {
  const t = Date.parse(fill.at);
  if (q.from && t < Date.parse(q.from)) return false;
  if (q.to && t >= Date.parse(q.to)) return false;
  if (q.symbol && fill.symbol !== q.symbol) return false;
  if (q.account && fill.account !== q.account) return false;
  return true;
}

/** GET /fills item. */
export function fillView(f: FillRecord) {
  return {
    id: f.execId,
    orderId: f.orderId,
    symbol: f.symbol,
    instrument: f.instrument ?? { secType: 'STK', symbol: f.symbol },
    side: f.side,
    quantity: formatDecimal(f.quantity),
    price: formatDecimal(f.price),
    commission: f.commission === undefined ? null : formatDecimal(f.commission),
    account: f.account,
    at: f.at,
  };
}

/** The blotter's columns, in order (the CSV header). */
export const TRADE_COLUMNS = [
  'at',
  'execId',
  'orderId',
  'clientOrderId',
  'account',
  'symbol',
  'side',
  'quantity',
  'price',
  'notional',
  'commission',
  'realizedPnl',
  'orderType',
  'limitPrice',
  'timeInForce',
  'orderQuantity',
  'orderStatus',
] as const;
export type TradeRow = Record<(typeof TRADE_COLUMNS)[number], string>;

/** One blotter row: the fill with its order's fields (empty where the order is unknown). */
export function tradeRow(f: FillRecord, order: Order | undefined): TradeRow {
  return {
    at: f.at,
    execId: f.execId,
    orderId: f.orderId,
    clientOrderId: order?.clientOrderId ?? '',
    account: f.account,
    symbol: f.symbol,
    side: f.side,
    quantity: formatDecimal(f.quantity),
    price: formatDecimal(f.price),
    notional: formatDecimal(f.quantity.mul(f.price).mul(multiplierOf(f))),
    commission: f.commission === undefined ? '' : formatDecimal(f.commission),
    realizedPnl: formatDecimal(f.realizedPnl),
    orderType: order?.type ?? '',
    limitPrice: order?.limitPrice ? formatDecimal(order.limitPrice) : '',
    timeInForce: order?.timeInForce ?? '',
    orderQuantity: order ? formatDecimal(order.quantity) : '',
    orderStatus: order?.status ?? '',
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
function csvField(value: string): string {
  const safe = /^[=+@]/.test(value) || (/^-/.test(value) && !/^-\d/.test(value)) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The blotter as CSV with a header row, CRLF line ends (RFC 4180). */
export function tradesCsv(rows: TradeRow[]): string {
  const lines = [TRADE_COLUMNS.join(',')];
  for (const row of rows) lines.push(TRADE_COLUMNS.map((c) => csvField(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** One day of the P&L history. */
export interface PnlDay {
  date: string;
  /** Net of commissions, as GET /pnl/today. */
  realizedPnl: string;
  /** Open positions at the day's end marked to the last fill price of each symbol so far. */
  unrealizedPnl: string;
  commissions: string;
  fills: number;
}

/**
 * A day per row for the days with fills in range. Positions are replayed from every fill (the
 * fills before `from` included), so the day's unrealized P&L matches what the fills built.
 */
export function pnlHistory(allFills: FillRecord[], range: { from?: string; to?: string }): PnlDay[] {
  const fills = [...allFills].sort((a, b) => a.at.localeCompare(b.at) || a.execId.localeCompare(b.execId));
  const positions = new Map<string, Position>();
  const lastPrice = new Map<string, Dec>();
  const days = new Map<string, { gross: Dec; commissions: Dec; fills: number }>();
  const closes = new Map<string, Dec>();
  const unrealized = () => {
    let total = ZERO;
    for (const p of positions.values()) {
      const mark = lastPrice.get(p.symbol);
      if (mark && !p.quantity.isZero()) total = total.plus(mark.minus(p.averageCost).mul(p.quantity));
    }
    return total;
  };
  for (let i = 0; i < fills.length; i++) {
    const f = fills[i] as FillRecord;
    const key = `${f.account}|${f.symbol}`;
    const before = positions.get(key) ?? emptyPosition(f.tenantId, f.account, f.symbol, f.at, f.instrument);
    positions.set(key, applyFill(before, { ...f, commission: undefined }).position);
    lastPrice.set(f.symbol, f.price);
    if (fillMatches(f, { ...range })) {
      const day = days.get(f.day) ?? { gross: ZERO, commissions: ZERO, fills: 0 };
      day.gross = day.gross.plus(f.realizedPnl);
      day.commissions = day.commissions.plus(f.commission ?? ZERO);
      day.fills++;
      days.set(f.day, day);
    }
    const next = fills[i + 1];
    if (!next || next.day !== f.day) closes.set(f.day, unrealized());
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, d]) => ({
      date,
      realizedPnl: formatDecimal(d.gross.minus(d.commissions)),
      unrealizedPnl: formatDecimal(closes.get(date) ?? ZERO),
      commissions: formatDecimal(d.commissions),
      fills: d.fills,
    }));
}
