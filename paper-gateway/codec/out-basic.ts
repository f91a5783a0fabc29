/**
 * Server → client message layouts for the connection, accounts, positions and executions, at
 * the negotiated server version, field for field as IB's EDecoder (and @stoqey/ib's) read them.
 */
import type { Field } from '../framing.ts';
import type { ExecutionRecord } from '../matching.ts';
import type { SymbolSpec } from '../prices.ts';
import { contractFields } from '../instruments/terms.ts';
import { before, MAX_SUPPORTED_VERSION, MIN, since } from '../versions.ts';

/** Server → client message ids. */
export const IN = {
  TICK_PRICE: 1,
  TICK_SIZE: 2,
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  ACCT_VALUE: 6,
  PORTFOLIO_VALUE: 7,
  ACCT_UPDATE_TIME: 8,
  NEXT_VALID_ID: 9,
  CONTRACT_DATA: 10,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  HISTORICAL_DATA: 17,
  CURRENT_TIME: 49,
  CONTRACT_DATA_END: 52,
  OPEN_ORDER_END: 53,
  ACCT_DOWNLOAD_END: 54,
  EXECUTION_DATA_END: 55,
  TICK_SNAPSHOT_END: 57,
  MARKET_DATA_TYPE: 58,
  COMMISSION_REPORT: 59,
  POSITION: 61,
  POSITION_END: 62,
  ACCOUNT_SUMMARY: 63,
  ACCOUNT_SUMMARY_END: 64,
  POSITION_MULTI: 71,
  POSITION_MULTI_END: 72,
  ACCOUNT_UPDATE_MULTI: 73,
  ACCOUNT_UPDATE_MULTI_END: 74,
  SECURITY_DEFINITION_OPTION_PARAMETER: 75,
  SECURITY_DEFINITION_OPTION_PARAMETER_END: 76,
  SYMBOL_SAMPLES: 79,
  HEAD_TIMESTAMP: 88,
  HISTORICAL_DATA_UPDATE: 90,
  MARKET_RULE: 93,
  PNL: 94,
  PNL_SINGLE: 95,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

const UNSET = Number.MAX_VALUE;
/** The execDetails message version servers before LAST_LIQUIDITY send. */
const EXECUTION_MESSAGE_VERSION = 10;

/** Formats epoch milliseconds as IB's `yyyyMMdd HH:mm:ss` in UTC, with a zone suffix. */
export function ibTime(epochMs: number, zone = 'UTC'): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    (zone ? ` ${zone}` : '')
  );
}

/** The server's first message: version and connection time. */
export function serverHello(version: number, now: number): Field[] {
  return [version, ibTime(now, 'Greenwich Mean Time')];
}

/** managedAccounts: a comma-separated account list. */
export function managedAccounts(accounts: readonly string[]): Field[] {
  return [IN.MANAGED_ACCTS, 1, accounts.join(',')];
}

/** nextValidId. */
export function nextValidId(orderId: number): Field[] {
  return [IN.NEXT_VALID_ID, 1, orderId];
}

/** currentTime in epoch seconds. */
export function currentTime(epochSeconds: number): Field[] {
  return [IN.CURRENT_TIME, 1, epochSeconds];
}

/** error: id -1 for connection-level notices, else the order or request id. */
export function errorMessage(
  id: number,
  code: number,
  message: string,
  v = MAX_SUPPORTED_VERSION,
  advancedOrderRejectJson = '',
): Field[] {
  return [IN.ERR_MSG, 2, id, code, message, ...since(v, MIN.ADVANCED_ORDER_REJECT, advancedOrderRejectJson)];
}

/**
 * A US stock as openOrder, execDetails, position and portfolioValue carry it: conId, symbol,
 * secType, lastTradeDate, strike, right, multiplier, exchange, currency, localSymbol, tradingClass.
 */
export function stockContract(conId: number, symbol: string, exchange: string, currency: string): Field[] {
  return [conId, symbol, 'STK', '', 0, '', '', exchange, currency, symbol, 'NMS'];
}

/** execDetails; reqId is -1 for live executions. */
export function execDetails(reqId: number, e: ExecutionRecord, v = MAX_SUPPORTED_VERSION): Field[] {
  return [
    IN.EXECUTION_DATA,
    ...before(v, MIN.LAST_LIQUIDITY, EXECUTION_MESSAGE_VERSION),
    reqId,
    e.orderId,
    ...(e.derivative
      ? contractFields(e, e.exchange)
      : stockContract(e.conId, e.symbol, e.exchange, e.currency)),
    e.execId,
    ibTime(e.time),
    e.account,
    e.exchange,
    e.side,
    e.shares,
    e.price,
    e.permId,
    e.clientId,
    0, // liquidation
    e.cumQty,
    e.avgPrice,
    e.orderRef,
    '', // evRule
    '', // evMultiplier
    ...since(v, MIN.MODELS_SUPPORT, ''), // modelCode
    ...since(v, MIN.LAST_LIQUIDITY, 2), // lastLiquidity: removed (every simulated fill takes the quote)
    ...since(v, MIN.PENDING_PRICE_REVISION, false),
  ];
}

/** execDetailsEnd. */
export function execDetailsEnd(reqId: number): Field[] {
  return [IN.EXECUTION_DATA_END, 1, reqId];
}

/** commissionReport; realized P&L is unset when the fill opened a position. */
export function commissionReport(e: ExecutionRecord): Field[] {
  return [
    IN.COMMISSION_REPORT,
    1,
    e.execId,
    Number(e.commission),
    'USD',
    e.realizedPnl === null ? UNSET : Number(e.realizedPnl),
    UNSET,
    '',
  ];
}

/** position (reqPositions). */
export function position(
  account: string,
  spec: Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch'>> &
    Pick<SymbolSpec, 'derivative'>,
  quantity: number,
  avgCost: number,
): Field[] {
  return [IN.POSITION, 3, account, ...contractFields(spec), quantity, avgCost];
}

/** positionEnd. */
export function positionEnd(): Field[] {
  return [IN.POSITION_END, 1];
}

/** accountSummary. */
export function accountSummary(
  reqId: number,
  account: string,
  tag: string,
  value: string,
  currency: string,
): Field[] {
  return [IN.ACCOUNT_SUMMARY, 1, reqId, account, tag, value, currency];
}

/** accountSummaryEnd. */
export function accountSummaryEnd(reqId: number): Field[] {
  return [IN.ACCOUNT_SUMMARY_END, 1, reqId];
}

/** accountValue (reqAccountUpdates). */
export function accountValue(key: string, value: string, currency: string, account: string): Field[] {
  return [IN.ACCT_VALUE, 2, key, value, currency, account];
}

/** portfolioValue (reqAccountUpdates). */
export function portfolioValue(
  spec: Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch'>> &
    Pick<SymbolSpec, 'derivative'>,
  quantity: number,
  marketPrice: number,
  marketValue: number,
  avgCost: number,
  unrealized: number,
  realized: number,
  account: string,
): Field[] {
  return [
    IN.PORTFOLIO_VALUE,
    8,
    ...contractFields(spec),
    quantity,
    marketPrice,
    marketValue,
    avgCost,
    unrealized,
    realized,
    account,
  ];
}

/** accountUpdateTime (HH:mm). */
export function accountUpdateTime(now: number): Field[] {
  return [IN.ACCT_UPDATE_TIME, 1, ibTime(now, '').slice(9, 14)];
}

/** accountDownloadEnd. */
export function accountDownloadEnd(account: string): Field[] {
  return [IN.ACCT_DOWNLOAD_END, 1, account];
}
