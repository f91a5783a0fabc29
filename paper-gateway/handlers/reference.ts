/**
 * Historical and reference data: reqHistoricalData (with keepUpToDate), reqHeadTimestamp,
 * reqMatchingSymbols, reqSecDefOptParams, reqMarketRule, and the answer to every request the
 * gateway recognises but does not serve.
 */
import type { UnservedRequest } from '../codec/unserved.ts';
import type { Connection } from '../connection.ts';
import type { ContractFields, HistoricalDataRequest } from '../decoder.ts';
import * as enc from '../encoder.ts';
import { BAR_SIZES, barTime, MAX_BARS, parseDuration, parseEndDateTime } from '../history.ts';
import type { GatewayContext } from '../context.ts';
import { easternStamp } from '../sessions.ts';
import { expirations, strikesAround } from '../instruments/options.ts';
import { productSamples } from '../instruments/samples.ts';
import { NO_SECURITY, resolveSymbol } from './contracts.ts';

const SHOWABLE = new Set(['TRADES', 'MIDPOINT', 'BID', 'ASK', 'ADJUSTED_LAST']);
/** The earliest data the simulated history offers, as IB's head timestamp. */
const HEAD_TIMESTAMP = Date.UTC(2004, 0, 2, 14, 30);

function invalid(conn: Connection, reqId: number, cause: string): void {
  conn.send(enc.errorMessage(reqId, 321, `Error validating request.-'bP' : cause - ${cause}`, conn.v));
}

/** reqHistoricalData: bars of the seeded path; with keepUpToDate, the forming bar on every tick. */
export function historicalData(gw: GatewayContext, conn: Connection, r: HistoricalDataRequest): void {
  const symbol = resolveSymbol(gw, r.contract);
  if (symbol === undefined) {
    conn.send(enc.errorMessage(r.reqId, 200, NO_SECURITY, conn.v));
    return;
  }
  const sizeMs = BAR_SIZES[r.barSize.trim()];
  if (sizeMs === undefined)
    return invalid(conn, r.reqId, `Historical data bar size setting is invalid: ${r.barSize}`);
  const duration = parseDuration(r.duration);
  if (duration === undefined)
    return invalid(conn, r.reqId, `Historical data duration format is invalid: ${r.duration}`);
  if (!SHOWABLE.has(r.whatToShow.toUpperCase())) {
    const text = `Historical Market Data Service error message:No data of type ${r.whatToShow} is available for ${symbol}`;
    conn.send(enc.errorMessage(r.reqId, 162, text, conn.v));
    return;
  }
  if (r.keepUpToDate && r.endDateTime.trim() !== '')
    return invalid(conn, r.reqId, 'End date not supported with live updates');
  const now = gw.clock.now();
  const end = r.endDateTime.trim() === '' ? now : parseEndDateTime(r.endDateTime);
  if (end === undefined) return invalid(conn, r.reqId, `End date/time format is invalid: ${r.endDateTime}`);
  if (duration / sizeMs > MAX_BARS) {
    const text = `Historical Market Data Service error message:Historical data request for duration ${r.duration} and bar size ${r.barSize} exceeds ${MAX_BARS} bars`;
    conn.send(enc.errorMessage(r.reqId, 162, text, conn.v));
    return;
  }
  const barSize = r.barSize.trim();
  const start = end - duration;
  const bars = gw.history.bars(symbol, start, end >= now ? now + 1 : end, barSize, gw.inSession(r.useRth));
  const offset = adjustment(r.whatToShow.toUpperCase(), gw.prices.spec(symbol).tick);
  const fields = bars.map((b) => ({
    ...b,
    open: b.open + offset,
    high: b.high + offset,
    low: b.low + offset,
    close: b.close + offset,
    time: barTime(b.start, barSize, r.formatDate),
  }));
  const stamp = (t: number): string => (r.formatDate === 2 ? String(Math.floor(t / 1000)) : easternStamp(t));
  conn.send(enc.historicalData(r.reqId, stamp(start), stamp(end), fields, conn.v));
  if (r.keepUpToDate) conn.bars.set(r.reqId, { symbol, barSize, useRth: r.useRth, formatDate: r.formatDate });
}

/** BID and ASK bars are the trade path a tick either side; the rest are the path itself. */
function adjustment(whatToShow: string, tick: number): number {
  if (whatToShow === 'BID') return -tick;
  if (whatToShow === 'ASK') return tick;
  return 0;
}

/** reqHeadTimestamp. */
export function headTimestamp(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  contract: ContractFields,
): void {
  if (resolveSymbol(gw, contract) === undefined) {
    conn.send(enc.errorMessage(reqId, 200, NO_SECURITY, conn.v));
    return;
  }
  const d = new Date(HEAD_TIMESTAMP).toISOString();
  conn.send(enc.headTimestamp(reqId, `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${d.slice(11, 19)}`));
}

/** reqMatchingSymbols: stocks, futures products and currencies starting with, or named like, the pattern. */
export function matchingSymbols(gw: GatewayContext, conn: Connection, reqId: number, pattern: string): void {
  const p = pattern.trim().toUpperCase();
  const stocks = gw.prices
    .symbols()
    .map((s) => gw.prices.spec(s))
    .filter((s) => s.derivative === undefined)
    .map((s) => ({ ...s, samples: undefined }));
  const samples = [...stocks, ...productSamples(gw)]
    .filter((s) => p !== '' && (s.symbol.startsWith(p) || (s.longName ?? '').toUpperCase().includes(p)))
    .sort(
      (a, b) =>
        Number(!a.symbol.startsWith(p)) - Number(!b.symbol.startsWith(p)) || a.symbol.localeCompare(b.symbol),
    )
    .slice(0, 16)
    .map((s) => ({
      conId: s.conId,
      symbol: s.symbol,
      primaryExch: s.primaryExch,
      currency: s.currency,
      description: s.longName ?? s.symbol,
      ...(s.samples ?? {}),
    }));
  conn.send(enc.symbolSamples(reqId, samples, conn.v));
}

/** reqSecDefOptParams: the option chain of a stock of the universe, on SMART. */
export function secDefOptParams(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  underlyingSymbol: string,
  underlyingConId: number,
): void {
  const symbol = resolveSymbol(gw, { conId: underlyingConId, symbol: underlyingSymbol, secType: 'STK' });
  if (symbol === undefined) {
    conn.send(enc.errorMessage(reqId, 200, NO_SECURITY, conn.v));
    return;
  }
  const spec = gw.prices.spec(symbol);
  const strikes = strikesAround(gw.prices.quote(symbol).last);
  conn.send(
    enc.secDefOptParameter(
      reqId,
      'SMART',
      spec.conId,
      spec.symbol,
      '100',
      expirations(gw.clock.now()),
      strikes,
    ),
  );
  conn.send(enc.secDefOptParameterEnd(reqId));
}

/** IB's market rules the universe uses: 26 (US stocks: a cent at every price). */
const MARKET_RULES: Readonly<Record<number, ReadonlyArray<{ lowEdge: number; increment: number }>>> = {
  26: [{ lowEdge: 0, increment: 0.01 }],
};

/** reqMarketRule. */
export function marketRule(conn: Connection, marketRuleId: number): void {
  const increments = MARKET_RULES[marketRuleId];
  if (!increments) {
    invalid(
      conn,
      -1,
      `Market rule ${marketRuleId} is not known to the paper gateway (it knows ${Object.keys(MARKET_RULES).join(', ')})`,
    );
    return;
  }
  conn.send(enc.marketRule(marketRuleId, increments));
}

/** A recognised request the gateway does not simulate: a clear error on its own id, at once. */
export function unserved(conn: Connection, request: UnservedRequest): void {
  if (request.silent) return;
  const text = `Error validating request.-'${request.name}' : cause - The paper gateway does not serve ${request.name}; see docs/paper-gateway.md for what it simulates.`;
  conn.send(enc.errorMessage(request.reqId, 321, text, conn.v));
}
