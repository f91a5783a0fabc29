/**
 * contractData for derivatives and currency pairs, field for field as IB's EDecoder reads it, at
 * the negotiated server version: the stock layout's fields with the contract's own secType,
 * expiry, strike, right, multiplier, exchanges, market rules and size rules.
 */
import type { Field } from '../framing.ts';
import type { DerivativeTerms } from '../instruments/terms.ts';
import type { TradingHours } from '../sessions.ts';
import { before, MAX_SUPPORTED_VERSION, MIN, since } from '../versions.ts';
import { IN } from './out-basic.ts';

const CONTRACT_DATA_MESSAGE_VERSION = 8;

const ORDER_TYPES =
  'ACTIVETIM,AD,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF';

/** The entry contractData describes. */
export interface DerivativeContractSpec {
  symbol: string;
  conId: number;
  currency: string;
  tick: number;
  longName?: string;
  derivative: DerivativeTerms;
}

const VALID_EXCHANGES: Record<DerivativeTerms['secType'], string> = {
  OPT: 'SMART,AMEX,CBOE,ISE,PHLX,BOX,NASDAQOM,MIAX,EMERALD,PEARL,MEMX',
  FUT: 'CME,QBALGO',
  CASH: 'IDEALPRO',
};

const UNDER_SEC_TYPE: Record<DerivativeTerms['secType'], string> = { OPT: 'STK', FUT: 'IND', CASH: '' };

/** contractData (reqContractDetails) for a derivative or currency pair of the universe. */
export function derivativeContractData(
  reqId: number,
  spec: DerivativeContractSpec,
  hours: TradingHours,
  v = MAX_SUPPORTED_VERSION,
): Field[] {
  const d = spec.derivative;
  const exchanges = VALID_EXCHANGES[d.secType];
  const rules = exchanges
    .split(',')
    .map(() => String(d.marketRuleId))
    .join(',');
  return [
    IN.CONTRACT_DATA,
    ...before(v, MIN.SIZE_RULES, CONTRACT_DATA_MESSAGE_VERSION),
    reqId,
    d.underlying,
    d.secType,
    d.lastTradeDate ?? '', // lastTradeDateOrContractMonth
    ...since(v, MIN.LAST_TRADE_DATE, d.lastTradeDate ?? ''),
    d.strike ?? 0,
    d.right ?? '',
    d.exchange,
    spec.currency,
    spec.symbol, // localSymbol
    d.tradingClass, // marketName
    d.tradingClass,
    spec.conId,
    spec.tick, // minTick
    ...(v >= MIN.MD_SIZE_MULTIPLIER && v < MIN.SIZE_RULES ? [1] : []), // mdSizeMultiplier
    d.secType === 'CASH' ? '' : String(d.multiplier),
    ORDER_TYPES,
    exchanges,
    1, // priceMagnifier
    d.underlyingConId ?? 0,
    spec.longName ?? spec.symbol,
    '', // primaryExch
    d.lastTradeDate ? d.lastTradeDate.slice(0, 6) : '', // contractMonth
    '', // industry
    '', // category
    '', // subcategory
    hours.timeZoneId,
    hours.tradingHours,
    hours.liquidHours,
    '', // evRule
    '', // evMultiplier
    0, // secIdList count
    ...since(v, MIN.AGG_GROUP, d.secType === 'CASH' ? 4 : 2),
    ...since(v, MIN.UNDERLYING_INFO, d.secType === 'CASH' ? '' : d.underlying, UNDER_SEC_TYPE[d.secType]),
    ...since(v, MIN.MARKET_RULES, rules),
    ...since(v, MIN.REAL_EXPIRATION_DATE, d.lastTradeDate ?? ''),
    ...since(v, MIN.STOCK_TYPE, ''),
    ...(v >= MIN.FRACTIONAL_SIZE_SUPPORT && v < MIN.SIZE_RULES ? [1] : []), // sizeMinTick
    ...since(v, MIN.SIZE_RULES, d.minSize, 1, d.minSize), // minSize, sizeIncrement, suggestedSizeIncrement
    ...since(v, MIN.INELIGIBILITY_REASONS, 0),
  ];
}
