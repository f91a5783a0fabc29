/**
 * Server → client historical data, reference data (symbol search, option parameters, market
 * rules, head timestamps), P&L and the per-account "multi" subscriptions, at the negotiated
 * server version.
 */
import type { Field } from '../framing.ts';
import type { SymbolSpec } from '../prices.ts';
import { before, MAX_SUPPORTED_VERSION, MIN, since } from '../versions.ts';
import { IN } from './out-basic.ts';
import { contractFields } from '../instruments/terms.ts';

/** The historicalData message version servers before SYNT_REALTIME_BARS send. */
const HISTORICAL_MESSAGE_VERSION = 3;

/** One bar as sent. */
export interface BarFields {
  /** Formatted as the request asked (formatDate 1: `yyyyMMdd HH:mm:ss` or `yyyyMMdd`; 2: epoch seconds). */
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

/** historicalData: every bar of the request with the period it covers. */
export function historicalData(
  reqId: number,
  start: string,
  end: string,
  bars: readonly BarFields[],
  v = MAX_SUPPORTED_VERSION,
): Field[] {
  const old = v < MIN.SYNT_REALTIME_BARS;
  return [
    IN.HISTORICAL_DATA,
    ...before(v, MIN.SYNT_REALTIME_BARS, HISTORICAL_MESSAGE_VERSION),
    reqId,
    start,
    end,
    bars.length,
    ...bars.flatMap((b) => [
      b.time,
      b.open,
      b.high,
      b.low,
      b.close,
      b.volume,
      b.wap,
      ...(old ? ['false'] : []), // hasGaps
      b.count,
    ]),
  ];
}

/** historicalDataUpdate (keepUpToDate): the bar in progress; note IB's close-before-high order. */
export function historicalDataUpdate(reqId: number, b: BarFields): Field[] {
  return [IN.HISTORICAL_DATA_UPDATE, reqId, b.count, b.time, b.open, b.close, b.high, b.low, b.wap, b.volume];
}

/** A search result of reqMatchingSymbols. */
export interface SymbolSample {
  conId: number;
  symbol: string;
  primaryExch: string;
  currency: string;
  description: string;
  /** Default STK. */
  secType?: string;
  /** Default ['OPT'] (a stock of the universe has options). */
  derivativeSecTypes?: readonly string[];
}

/** symbolSamples. */
export function symbolSamples(
  reqId: number,
  samples: readonly SymbolSample[],
  v = MAX_SUPPORTED_VERSION,
): Field[] {
  return [
    IN.SYMBOL_SAMPLES,
    reqId,
    samples.length,
    ...samples.flatMap((s) => [
      s.conId,
      s.symbol,
      s.secType ?? 'STK',
      s.primaryExch,
      s.currency,
      ...counted(s.derivativeSecTypes ?? ['OPT']), // derivative security types
      ...since(v, MIN.BOND_ISSUERID, s.description, ''), // description, issuerId
    ]),
  ];
}

function counted(list: readonly string[]): Field[] {
  return [list.length, ...list];
}

/** securityDefinitionOptionParameter: one exchange's option chain of an underlying. */
export function secDefOptParameter(
  reqId: number,
  exchange: string,
  underlyingConId: number,
  tradingClass: string,
  multiplier: string,
  expirations: readonly string[],
  strikes: readonly number[],
): Field[] {
  return [
    IN.SECURITY_DEFINITION_OPTION_PARAMETER,
    reqId,
    exchange,
    underlyingConId,
    tradingClass,
    multiplier,
    expirations.length,
    ...expirations,
    strikes.length,
    ...strikes,
  ];
}

/** securityDefinitionOptionParameterEnd. */
export function secDefOptParameterEnd(reqId: number): Field[] {
  return [IN.SECURITY_DEFINITION_OPTION_PARAMETER_END, reqId];
}

/** marketRule: price increments from each low edge up. */
export function marketRule(
  marketRuleId: number,
  increments: ReadonlyArray<{ lowEdge: number; increment: number }>,
): Field[] {
  return [
    IN.MARKET_RULE,
    marketRuleId,
    increments.length,
    ...increments.flatMap((i) => [i.lowEdge, i.increment]),
  ];
}

/** headTimestamp: the earliest data available. */
export function headTimestamp(reqId: number, timestamp: string): Field[] {
  return [IN.HEAD_TIMESTAMP, reqId, timestamp];
}

/** pnl (account). */
export function pnl(
  reqId: number,
  daily: number,
  unrealized: number,
  realized: number,
  v = MAX_SUPPORTED_VERSION,
): Field[] {
  return [
    IN.PNL,
    reqId,
    daily,
    ...since(v, MIN.UNREALIZED_PNL, unrealized),
    ...since(v, MIN.REALIZED_PNL, realized),
  ];
}

/** pnlSingle (one position). */
export function pnlSingle(
  reqId: number,
  position: number,
  daily: number,
  unrealized: number,
  realized: number,
  value: number,
  v = MAX_SUPPORTED_VERSION,
): Field[] {
  return [
    IN.PNL_SINGLE,
    reqId,
    position,
    daily,
    ...since(v, MIN.UNREALIZED_PNL, unrealized),
    ...since(v, MIN.REALIZED_PNL, realized),
    value,
  ];
}

type StockSpec = Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch'>> &
  Pick<SymbolSpec, 'derivative'>;

/** positionMulti. */
export function positionMulti(
  reqId: number,
  account: string,
  spec: StockSpec,
  quantity: number,
  avgCost: number,
  modelCode: string,
): Field[] {
  return [IN.POSITION_MULTI, 1, reqId, account, ...contractFields(spec), quantity, avgCost, modelCode];
}

/** positionMultiEnd. */
export function positionMultiEnd(reqId: number): Field[] {
  return [IN.POSITION_MULTI_END, 1, reqId];
}

/** accountUpdateMulti: one account value. */
export function accountUpdateMulti(
  reqId: number,
  account: string,
  modelCode: string,
  key: string,
  value: string,
  currency: string,
): Field[] {
  return [IN.ACCOUNT_UPDATE_MULTI, 1, reqId, account, modelCode, key, value, currency];
}

/** accountUpdateMultiEnd. */
export function accountUpdateMultiEnd(reqId: number): Field[] {
  return [IN.ACCOUNT_UPDATE_MULTI_END, 1, reqId];
}
