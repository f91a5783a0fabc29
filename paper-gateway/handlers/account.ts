/**
 * Account requests: reqAccountSummary, reqAccountUpdates, reqPositions, their per-account
 * "multi" forms, reqPnL and reqPnLSingle, and the pushes that follow every fill and price step.
 */
import { LEDGER_TAGS, SUMMARY_TAGS } from '../accounts.ts';
import type { Connection } from '../connection.ts';
import * as enc from '../encoder.ts';
import type { GatewayContext } from '../context.ts';
import { multiplied } from '../instruments/terms.ts';

const LEDGER_AND_NLV = new Set(['NetLiquidation', ...LEDGER_TAGS]);

function values(gw: GatewayContext): Record<string, string> {
  return gw.mainAccount.summary((s) => contractMark(gw, s));
}

const currencyOf = (key: string): string => (key === 'AccountType' ? '' : 'USD');

/** reqAccountSummary: the asked tags, then the end marker. */
export function accountSummary(gw: GatewayContext, conn: Connection, reqId: number, tags: string): void {
  const all = values(gw);
  const wanted = new Set<string>();
  for (const raw of tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    if (raw.startsWith('$LEDGER')) for (const t of LEDGER_TAGS) wanted.add(t);
    else if (raw === 'All') for (const t of SUMMARY_TAGS) wanted.add(t);
    else wanted.add(raw);
  }
  for (const tag of wanted) {
    const value = all[tag];
    if (value !== undefined) conn.send(enc.accountSummary(reqId, gw.account, tag, value, currencyOf(tag)));
  }
  conn.send(enc.accountSummaryEnd(reqId));
}

/** reqAccountUpdates: every value, the portfolio, the time, then the end marker. */
export function sendAccountUpdates(gw: GatewayContext, conn: Connection): void {
  for (const [key, value] of Object.entries(values(gw))) {
    conn.send(enc.accountValue(key, value, currencyOf(key), gw.account));
  }
  for (const p of gw.mainAccount.positions()) sendPortfolio(gw, conn, p.symbol);
  conn.send(enc.accountUpdateTime(gw.clock.now()));
  conn.send(enc.accountDownloadEnd(gw.account));
}

function sendPortfolio(gw: GatewayContext, conn: Connection, symbol: string): void {
  const p = gw.mainAccount.position(symbol);
  if (!p) return;
  const last = contractMark(gw, symbol);
  const qty = p.quantity.toNumber();
  const avg = p.avgCost.toNumber();
  const value = Number((qty * last).toFixed(2));
  const unrealized = Number(((last - avg) * qty).toFixed(2));
  const spec = gw.prices.spec(symbol);
  conn.send(
    enc.portfolioValue(spec, qty, last, value, avg, unrealized, p.realizedPnl.toNumber(), gw.account),
  );
}

/** A contract's last and opening prices as contract values (× the multiplier), as IB's portfolio shows them. */
function contractQuote(gw: GatewayContext, symbol: string): { last: number; open: number } {
  const q = gw.prices.quote(symbol);
  const { derivative } = gw.prices.spec(symbol);
  return { last: multiplied(q.last, derivative), open: multiplied(q.open, derivative) };
}

/** A contract's last price as contract value (× the multiplier). */
export function contractMark(gw: GatewayContext, symbol: string): number {
  return contractQuote(gw, symbol).last;
}

/** reqPositions: every position, then the end marker; updates follow every fill. */
export function sendPositions(gw: GatewayContext, conn: Connection): void {
  conn.positionsSubscribed = true;
  for (const p of gw.mainAccount.positions()) {
    const spec = gw.prices.spec(p.symbol);
    conn.send(enc.position(gw.account, spec, p.quantity.toNumber(), p.avgCost.toNumber()));
  }
  conn.send(enc.positionEnd());
}

/** Whether a multi request's account names the gateway's account (empty means all). */
function ownAccount(gw: GatewayContext, account: string): boolean {
  return account === '' || account.toUpperCase() === 'ALL' || account === gw.account;
}

/** reqPositionsMulti. */
export function positionsMulti(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  account: string,
  modelCode: string,
): void {
  if (ownAccount(gw, account)) {
    for (const p of gw.mainAccount.positions()) {
      const spec = gw.prices.spec(p.symbol);
      conn.send(
        enc.positionMulti(reqId, gw.account, spec, p.quantity.toNumber(), p.avgCost.toNumber(), modelCode),
      );
    }
  }
  conn.send(enc.positionMultiEnd(reqId));
  conn.positionsMulti.set(reqId, modelCode);
}

/** reqAccountUpdatesMulti: the values (only NLV and the cash ledger when asked), then the end marker. */
export function accountUpdatesMulti(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  account: string,
  modelCode: string,
  ledgerAndNlv: boolean,
): void {
  if (ownAccount(gw, account)) sendAccountMultiValues(gw, conn, reqId, modelCode, ledgerAndNlv);
  conn.send(enc.accountUpdateMultiEnd(reqId));
  conn.accountMulti.set(reqId, { modelCode, ledgerAndNlv });
}

function sendAccountMultiValues(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  modelCode: string,
  ledgerAndNlv: boolean,
): void {
  for (const [key, value] of Object.entries(values(gw))) {
    if (ledgerAndNlv && !LEDGER_AND_NLV.has(key)) continue;
    conn.send(enc.accountUpdateMulti(reqId, gw.account, modelCode, key, value, currencyOf(key)));
  }
}

/** Daily, unrealized and realized P&L of the account (daily: against the day's opening prices). */
function accountPnl(gw: GatewayContext): { daily: number; unrealized: number; realized: number } {
  let daily = 0;
  let unrealized = 0;
  let realized = 0;
  for (const p of gw.mainAccount.positions()) {
    const q = contractQuote(gw, p.symbol);
    const qty = p.quantity.toNumber();
    daily += (q.last - q.open) * qty;
    unrealized += (q.last - p.avgCost.toNumber()) * qty;
    realized += p.realizedPnl.toNumber();
  }
  const round = (n: number): number => Number(n.toFixed(2));
  return { daily: round(daily + realized), unrealized: round(unrealized), realized: round(realized) };
}

/** reqPnL: the account's P&L now and after every fill and price step. */
export function sendPnl(gw: GatewayContext, conn: Connection, reqId: number): void {
  const p = accountPnl(gw);
  conn.send(enc.pnl(reqId, p.daily, p.unrealized, p.realized, conn.v));
}

/** reqPnLSingle: one position's P&L (zeros for a contract without a position). */
export function sendPnlSingle(gw: GatewayContext, conn: Connection, reqId: number, conId: number): void {
  const symbol = gw.prices.symbolForConId(conId);
  const p = symbol ? gw.mainAccount.position(symbol) : undefined;
  if (!symbol || !p) {
    conn.send(enc.pnlSingle(reqId, 0, 0, 0, 0, 0, conn.v));
    return;
  }
  const q = contractQuote(gw, symbol);
  const qty = p.quantity.toNumber();
  const round = (n: number): number => Number(n.toFixed(2));
  const realized = p.realizedPnl.toNumber();
  conn.send(
    enc.pnlSingle(
      reqId,
      qty,
      round((q.last - q.open) * qty + realized),
      round((q.last - p.avgCost.toNumber()) * qty),
      round(realized),
      round(q.last * qty),
      conn.v,
    ),
  );
}

/** After a fill: position, portfolio and multi subscribers hear of the changed position. */
export function pushPosition(gw: GatewayContext, symbol: string): void {
  const p = gw.mainAccount.position(symbol);
  if (!p) return;
  const spec = gw.prices.spec(symbol);
  for (const c of gw.connections) {
    if (c.closed) continue;
    if (c.positionsSubscribed)
      c.send(enc.position(gw.account, spec, p.quantity.toNumber(), p.avgCost.toNumber()));
    if (c.accountUpdates) sendPortfolio(gw, c, symbol);
    for (const [reqId, modelCode] of c.positionsMulti) {
      c.send(
        enc.positionMulti(reqId, gw.account, spec, p.quantity.toNumber(), p.avgCost.toNumber(), modelCode),
      );
    }
    for (const [reqId, sub] of c.accountMulti)
      sendAccountMultiValues(gw, c, reqId, sub.modelCode, sub.ledgerAndNlv);
  }
}

/** After a price step or fill: P&L subscribers get fresh figures, as IB sends them about once a second. */
export function pushPnl(gw: GatewayContext): void {
  for (const c of gw.connections) {
    if (c.closed) continue;
    for (const reqId of c.pnl) sendPnl(gw, c, reqId);
    for (const [reqId, conId] of c.pnlSingle) sendPnlSingle(gw, c, reqId, conId);
  }
}
