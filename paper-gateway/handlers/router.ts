/**
 * Routes each decoded request (after startApi) to its handler.
 */
import type { Connection } from '../connection.ts';
import type { ClientMessage } from '../decoder.ts';
import * as enc from '../encoder.ts';
import type { GatewayContext } from '../context.ts';
import {
  accountSummary,
  accountUpdatesMulti,
  positionsMulti,
  sendAccountUpdates,
  sendPnl,
  sendPnlSingle,
  sendPositions,
} from './account.ts';
import { contractDetails, mktData } from './market.ts';
import {
  autoOpenOrders,
  cancelOrder,
  globalCancel,
  placeOrder,
  sendCompletedOrders,
  sendExecutions,
  sendOpenOrders,
} from './orders.ts';
import {
  headTimestamp,
  historicalData,
  marketRule,
  matchingSymbols,
  secDefOptParams,
  unserved,
} from './reference.ts';

/** Handles one request of a started connection. */
export function handleRequest(
  gw: GatewayContext,
  conn: Connection,
  m: Exclude<ClientMessage, { type: 'startApi' }>,
): void {
  switch (m.type) {
    case 'placeOrder':
      return placeOrder(gw, conn, m.order);
    case 'cancelOrder':
      return cancelOrder(gw, conn, m.orderId);
    case 'reqGlobalCancel':
      return globalCancel(gw);
    case 'reqOpenOrders':
      return sendOpenOrders(
        gw,
        conn,
        (o) => o.clientId === conn.clientId && (!o.manual || conn.clientId === 0),
      );
    case 'reqAllOpenOrders':
      return sendOpenOrders(gw, conn, () => true);
    case 'reqAutoOpenOrders':
      return autoOpenOrders(gw, conn, m.autoBind);
    case 'reqExecutions':
      return sendExecutions(gw, conn, m.filter);
    case 'reqCompletedOrders':
      return sendCompletedOrders(gw, conn, m.apiOnly);
    case 'reqIds':
      return conn.send(enc.nextValidId(gw.ids(conn.clientId ?? 0).next));
    case 'reqManagedAccts':
      return conn.send(enc.managedAccounts([gw.account]));
    case 'reqCurrentTime':
      return conn.send(enc.currentTime(Math.floor(gw.clock.now() / 1000)));
    case 'reqContractDetails':
      return contractDetails(gw, conn, m.reqId, m.contract);
    case 'reqMktData':
      return mktData(gw, conn, m.request.reqId, m.request.contract, m.request.snapshot);
    case 'cancelMktData':
      conn.marketData.delete(m.reqId);
      return;
    case 'reqMarketDataType':
      conn.marketDataType = m.marketDataType;
      return;
    case 'reqPositions':
      return sendPositions(gw, conn);
    case 'cancelPositions':
      conn.positionsSubscribed = false;
      return;
    case 'reqAccountSummary':
      return accountSummary(gw, conn, m.reqId, m.tags);
    case 'cancelAccountSummary':
      return;
    case 'reqAccountUpdates':
      conn.accountUpdates = m.subscribe;
      if (m.subscribe) sendAccountUpdates(gw, conn);
      return;
    case 'reqPositionsMulti':
      return positionsMulti(gw, conn, m.reqId, m.account, m.modelCode);
    case 'cancelPositionsMulti':
      conn.positionsMulti.delete(m.reqId);
      return;
    case 'reqAccountUpdatesMulti':
      return accountUpdatesMulti(gw, conn, m.reqId, m.account, m.modelCode, m.ledgerAndNlv);
    case 'cancelAccountUpdatesMulti':
      conn.accountMulti.delete(m.reqId);
      return;
    case 'reqPnL':
      conn.pnl.add(m.reqId);
      return sendPnl(gw, conn, m.reqId);
    case 'cancelPnL':
      conn.pnl.delete(m.reqId);
      return;
    case 'reqPnLSingle':
      conn.pnlSingle.set(m.reqId, m.conId);
      return sendPnlSingle(gw, conn, m.reqId, m.conId);
    case 'cancelPnLSingle':
      conn.pnlSingle.delete(m.reqId);
      return;
    case 'reqHistoricalData':
      return historicalData(gw, conn, m.request);
    case 'cancelHistoricalData':
      conn.bars.delete(m.reqId);
      return;
    case 'reqHeadTimestamp':
      return headTimestamp(gw, conn, m.reqId, m.contract);
    case 'cancelHeadTimestamp':
      return;
    case 'reqMatchingSymbols':
      return matchingSymbols(gw, conn, m.reqId, m.pattern);
    case 'reqSecDefOptParams':
      return secDefOptParams(gw, conn, m.reqId, m.underlyingSymbol, m.underlyingConId);
    case 'reqMarketRule':
      return marketRule(conn, m.marketRuleId);
    case 'unserved':
      return unserved(conn, m.request);
  }
}
