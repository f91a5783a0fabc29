/**
 * Market data and contract requests: reqMktData, reqContractDetails, and the tick fan-out.
 */
import type { Connection } from '../connection.ts';
import type { ContractFields } from '../decoder.ts';
import * as enc from '../encoder.ts';
import { barTime as barTimeOf } from '../history.ts';
import type { Quote, SymbolSpec } from '../prices.ts';
import { derivativeHours } from '../instruments/hours.ts';
import type { GatewayContext } from '../context.ts';
import { tradingHoursFrom } from '../sessions.ts';
import { NO_SECURITY, resolveSymbol } from './contracts.ts';

/** reqContractDetails: every contract the request describes, with the week's sessions from the simulated clock. */
export function contractDetails(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  contract: ContractFields,
): void {
  const derivatives = derivativeMatches(gw, contract);
  const symbol = derivatives === undefined ? resolveSymbol(gw, contract) : undefined;
  if (symbol === undefined && (derivatives === undefined || derivatives.length === 0)) {
    conn.send(enc.errorMessage(reqId, 200, NO_SECURITY, conn.v));
    return;
  }
  const now = gw.clock.now();
  if (symbol !== undefined)
    conn.send(enc.contractData(reqId, gw.prices.spec(symbol), conn.v, tradingHoursFrom(now)));
  for (const spec of derivatives ?? []) {
    const withTerms = {
      ...spec,
      currency: spec.currency ?? 'USD',
      tick: spec.tick ?? 0.01,
      derivative: spec.derivative!,
    };
    conn.send(
      enc.derivativeContractData(reqId, withTerms, derivativeHours(withTerms.derivative.hours, now), conn.v),
    );
  }
  conn.send(enc.contractDataEnd(reqId));
}

/** The derivatives a contract look-up names (every match), or undefined when it names a stock. */
function derivativeMatches(gw: GatewayContext, contract: ContractFields): SymbolSpec[] | undefined {
  const secType = contract.secType.toUpperCase();
  if (secType === 'STK') return undefined;
  if (secType === '') {
    if (!contract.conId) return undefined;
    const found = gw.derivatives.match(contract);
    return found.length > 0 ? found : undefined;
  }
  return gw.derivatives.match(contract);
}

/** reqMktData: the current quote at once, then every change (unless a snapshot). */
export function mktData(
  gw: GatewayContext,
  conn: Connection,
  reqId: number,
  contract: ContractFields,
  snapshot: boolean,
): void {
  const symbol = resolveSymbol(gw, contract);
  if (symbol === undefined) {
    conn.send(enc.errorMessage(reqId, 200, NO_SECURITY, conn.v));
    return;
  }
  const delayed = conn.marketDataType === 3 || conn.marketDataType === 4;
  conn.send(enc.marketDataType(reqId, conn.marketDataType));
  for (const t of enc.quoteTicks(reqId, gw.prices.quote(symbol), delayed)) conn.send(t);
  if (snapshot) {
    conn.send(enc.tickSnapshotEnd(reqId));
    return;
  }
  conn.marketData.set(reqId, { symbol, delayed });
}

/** Sends a new quote to its subscribers and extends their keepUpToDate bars. */
export function broadcastTicks(gw: GatewayContext, quote: Quote): void {
  if (gw.connectivityLost) return;
  for (const c of gw.connections) {
    for (const [reqId, sub] of c.marketData) {
      if (sub.symbol !== quote.symbol) continue;
      for (const t of enc.quoteTicks(reqId, quote, sub.delayed)) c.send(t);
    }
    for (const [reqId, sub] of c.bars) {
      if (sub.symbol !== quote.symbol) continue;
      const bar = gw.history.currentBar(sub.symbol, gw.clock.now(), sub.barSize, gw.inSession(sub.useRth));
      if (!bar) continue;
      const time = barTimeOf(bar.start, sub.barSize, sub.formatDate);
      c.send(enc.historicalDataUpdate(reqId, { ...bar, time }));
    }
  }
}
