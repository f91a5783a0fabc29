/**
 * Server → client market data and contract details at the negotiated server version.
 */
import type { Field } from '../framing.ts';
import type { Quote, SymbolSpec } from '../prices.ts';
import { tradingHoursFrom, type TradingHours } from '../sessions.ts';
import { before, MAX_SUPPORTED_VERSION, MIN, since } from '../versions.ts';
import { IN } from './out-basic.ts';

/** The contractData message version servers before SIZE_RULES send. */
const CONTRACT_DATA_MESSAGE_VERSION = 8;

/** Tick type ids used by market data. */
export const TICK = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  HIGH: 6,
  LOW: 7,
  VOLUME: 8,
  CLOSE: 9,
  OPEN: 14,
  /** Delayed ids are the live ones shifted into IB's 66.. range. */
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68,
  DELAYED_BID_SIZE: 69,
  DELAYED_ASK_SIZE: 70,
  DELAYED_LAST_SIZE: 71,
  DELAYED_HIGH: 72,
  DELAYED_LOW: 73,
  DELAYED_VOLUME: 74,
  DELAYED_CLOSE: 75,
  DELAYED_OPEN: 76,
} as const;

/** tickPrice; the attribute mask's bit 0 is canAutoExecute. */
export function tickPrice(
  reqId: number,
  tickType: number,
  price: number,
  size: number | undefined,
  canAutoExecute: boolean,
): Field[] {
  return [IN.TICK_PRICE, 6, reqId, tickType, price, size ?? '', canAutoExecute ? 1 : 0];
}

/** tickSize. */
export function tickSize(reqId: number, tickType: number, size: number): Field[] {
  return [IN.TICK_SIZE, 6, reqId, tickType, size];
}

/** tickSnapshotEnd. */
export function tickSnapshotEnd(reqId: number): Field[] {
  return [IN.TICK_SNAPSHOT_END, 1, reqId];
}

/** marketDataType: 1 live, 2 frozen, 3 delayed, 4 delayed frozen. */
export function marketDataType(reqId: number, type: number): Field[] {
  return [IN.MARKET_DATA_TYPE, 1, reqId, type];
}

/** The ticks describing a full quote, live or delayed ids. */
export function quoteTicks(reqId: number, q: Quote, delayed: boolean): Field[][] {
  const t = delayed
    ? {
        bid: TICK.DELAYED_BID,
        ask: TICK.DELAYED_ASK,
        last: TICK.DELAYED_LAST,
        bidSize: TICK.DELAYED_BID_SIZE,
        askSize: TICK.DELAYED_ASK_SIZE,
        lastSize: TICK.DELAYED_LAST_SIZE,
        high: TICK.DELAYED_HIGH,
        low: TICK.DELAYED_LOW,
        volume: TICK.DELAYED_VOLUME,
        close: TICK.DELAYED_CLOSE,
        open: TICK.DELAYED_OPEN,
      }
    : {
        bid: TICK.BID,
        ask: TICK.ASK,
        last: TICK.LAST,
        bidSize: TICK.BID_SIZE,
        askSize: TICK.ASK_SIZE,
        lastSize: TICK.LAST_SIZE,
        high: TICK.HIGH,
        low: TICK.LOW,
        volume: TICK.VOLUME,
        close: TICK.CLOSE,
        open: TICK.OPEN,
      };
  const live = !delayed;
  return [
    tickPrice(reqId, t.bid, q.bid, q.bidSize, live),
    // The client drops the bid size carried inside tickPrice (its tick type is 0), so send it alone.
    tickSize(reqId, t.bidSize, q.bidSize),
    tickPrice(reqId, t.ask, q.ask, q.askSize, live),
    tickPrice(reqId, t.last, q.last, q.lastSize, false),
    tickSize(reqId, t.volume, q.volume),
    tickPrice(reqId, t.high, q.high, 0, false),
    tickPrice(reqId, t.low, q.low, 0, false),
    tickPrice(reqId, t.open, q.open, 0, false),
    tickPrice(reqId, t.close, q.close, 0, false),
  ];
}

/** The stock fields contractData needs. */
export type ContractSpec = Required<
  Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch' | 'tick'>
> &
  Pick<SymbolSpec, 'longName' | 'industry'>;

/** IB's market rule for US stocks quoted in cents (rule 26: 0.01 at every price). */
export const STOCK_MARKET_RULE_ID = 26;

/** contractData (reqContractDetails) for a stock of the universe, with the sessions of the coming week. */
export function contractData(
  reqId: number,
  spec: ContractSpec,
  v = MAX_SUPPORTED_VERSION,
  hours: TradingHours = tradingHoursFrom(Date.now()),
): Field[] {
  const rule = String(STOCK_MARKET_RULE_ID);
  return [
    IN.CONTRACT_DATA,
    ...before(v, MIN.SIZE_RULES, CONTRACT_DATA_MESSAGE_VERSION),
    reqId,
    spec.symbol,
    'STK',
    '', // lastTradeDateOrContractMonth
    ...since(v, MIN.LAST_TRADE_DATE, ''), // lastTradeDate
    0, // strike
    '', // right
    'SMART',
    spec.currency,
    spec.symbol, // localSymbol
    'NMS', // marketName
    'NMS', // tradingClass
    spec.conId,
    spec.tick, // minTick
    ...(v >= MIN.MD_SIZE_MULTIPLIER && v < MIN.SIZE_RULES ? [1] : []), // mdSizeMultiplier
    '', // multiplier
    'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NONALGO,OCA,PEGBENCH,REL,RTH,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF',
    `SMART,${spec.primaryExch},ISLAND,ARCA,NYSE,BATS,IEX`,
    1, // priceMagnifier
    0, // underConId
    spec.longName ?? spec.symbol,
    spec.primaryExch,
    '', // contractMonth
    spec.industry ?? '',
    '', // category
    '', // subcategory
    hours.timeZoneId,
    hours.tradingHours,
    hours.liquidHours,
    '', // evRule
    '', // evMultiplier
    0, // secIdList count
    ...since(v, MIN.AGG_GROUP, 1),
    ...since(v, MIN.UNDERLYING_INFO, '', ''), // underSymbol, underSecType
    ...since(v, MIN.MARKET_RULES, [rule, rule, rule, rule, rule, rule, rule].join(',')),
    ...since(v, MIN.REAL_EXPIRATION_DATE, ''),
    ...since(v, MIN.STOCK_TYPE, 'COMMON'),
    ...(v >= MIN.FRACTIONAL_SIZE_SUPPORT && v < MIN.SIZE_RULES ? [1] : []), // sizeMinTick
    ...since(v, MIN.SIZE_RULES, 1, 1, 100), // minSize, sizeIncrement, suggestedSizeIncrement
    ...since(v, MIN.INELIGIBILITY_REASONS, 0),
  ];
}

/** contractDataEnd. */
export function contractDataEnd(reqId: number): Field[] {
  return [IN.CONTRACT_DATA_END, 1, reqId];
}
