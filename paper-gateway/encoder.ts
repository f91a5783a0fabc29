/**
 * Server → client message layouts at server version 193, field for field as @stoqey/ib 1.6.10's
 * decoder (and IB's EDecoder) read them. Every builder returns the field list of one message.
 */
import type { Field } from './framing.ts';
import type { ExecutionRecord, OrderRecord } from './matching.ts';
import type { Quote, SymbolSpec } from './prices.ts';

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
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

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
  advancedOrderRejectJson = '',
): Field[] {
  return [IN.ERR_MSG, 2, id, code, message, advancedOrderRejectJson];
}

/** orderStatus. */
export function orderStatus(o: OrderRecord): Field[] {
  return [
    IN.ORDER_STATUS,
    o.orderId,
    o.status,
    o.filled,
    o.totalQuantity - o.filled,
    o.avgFillPrice,
    o.permId,
    0, // parentId
    o.lastFillPrice,
    o.clientId,
    o.whyHeld,
    0, // mktCapPrice
  ];
}

/**
 * A US stock as openOrder, execDetails, position and portfolioValue carry it: conId, symbol,
 * secType, lastTradeDate, strike, right, multiplier, exchange, currency, localSymbol, tradingClass.
 */
function stockContract(conId: number, symbol: string, exchange: string, currency: string): Field[] {
  return [conId, symbol, 'STK', '', 0, '', '', exchange, currency, symbol, 'NMS'];
}

function orderContract(o: OrderRecord): Field[] {
  return stockContract(o.conId, o.symbol, o.exchange, o.currency);
}

function orderCore(o: OrderRecord): Field[] {
  return [
    o.action,
    o.totalQuantity,
    o.orderType,
    o.lmtPrice ?? Number.MAX_VALUE,
    o.auxPrice ?? Number.MAX_VALUE,
    o.tif,
    '', // ocaGroup
    o.account,
    '', // openClose
    0, // origin: customer
    o.orderRef,
  ];
}

const UNSET = Number.MAX_VALUE;

/** openOrder with its order state; `status` overrides the order's own status. */
export function openOrder(o: OrderRecord, status: string = o.status): Field[] {
  return [
    IN.OPEN_ORDER,
    o.orderId,
    ...orderContract(o),
    ...orderCore(o),
    o.clientId,
    o.permId,
    o.outsideRth,
    false, // hidden
    0, // discretionaryAmt
    '', // goodAfterTime
    '', // sharesAllocation (deprecated)
    '',
    '',
    '', // faGroup, faMethod, faPercentage
    '', // modelCode
    '', // goodTillDate
    '', // rule80A
    UNSET, // percentOffset
    '', // settlingFirm
    0,
    '',
    -1, // shortSaleSlot, designatedLocation, exemptCode
    0, // auctionStrategy
    UNSET,
    UNSET,
    UNSET, // startingPrice, stockRefPrice, delta
    UNSET,
    UNSET, // stockRangeLower, stockRangeUpper
    '', // displaySize (unset)
    false,
    false,
    false, // blockOrder, sweepToFill, allOrNone
    '', // minQty
    0, // ocaType
    false,
    false, // eTradeOnly, firmQuoteOnly
    UNSET, // nbboPriceCap
    0, // parentId
    0, // triggerMethod
    UNSET,
    0,
    '',
    UNSET, // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
    false,
    0, // continuousUpdate, referencePriceType
    UNSET,
    UNSET, // trailStopPrice, trailingPercent
    UNSET,
    '', // basisPoints, basisPointsType
    '',
    0,
    0, // comboLegsDescription, comboLegs count, orderComboLegs count
    0, // smartComboRoutingParams count
    '',
    '',
    UNSET, // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
    '', // hedgeType
    false, // optOutSmartRouting
    '',
    '', // clearingAccount, clearingIntent
    false, // notHeld
    false, // deltaNeutralContract present
    '', // algoStrategy
    false, // solicited
    false, // whatIf
    status,
    UNSET,
    UNSET,
    UNSET,
    UNSET,
    UNSET,
    UNSET, // margin before / change
    UNSET,
    UNSET,
    UNSET, // initMarginAfter, maintMarginAfter, equityWithLoanAfter
    Number(o.commission) > 0 ? Number(o.commission) : UNSET, // commission
    UNSET,
    UNSET, // minCommission, maxCommission
    'USD', // commissionCurrency
    '', // warningText
    false,
    false, // randomizeSize, randomizePrice
    0, // conditions count
    '',
    UNSET, // adjustedOrderType, triggerPrice
    UNSET,
    UNSET, // trailStopPrice, lmtPriceOffset
    UNSET,
    UNSET,
    UNSET, // adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount
    0, // adjustableTrailingUnit
    '',
    '',
    '', // softDollarTier name, value, displayName
    UNSET, // cashQty
    false, // dontUseAutoPriceForHedge
    false, // isOmsContainer
    false, // discretionaryUpToLimitPrice
    false, // usePriceMgmtAlgo
    '', // duration
    '', // postToAts
    false, // autoCancelParent
    '',
    '',
    UNSET,
    UNSET,
    UNSET, // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    '', // customerAccount
    false, // professionalCustomer
    '', // bondAccruedInterest
    false, // includeOvernight
    '',
    '', // extOperator, manualOrderIndicator
  ];
}

/** openOrderEnd. */
export function openOrderEnd(): Field[] {
  return [IN.OPEN_ORDER_END, 1];
}

/** completedOrder: a finished order, without order id or client id, as reqCompletedOrders returns it. */
export function completedOrder(o: OrderRecord): Field[] {
  return [
    IN.COMPLETED_ORDER,
    ...orderContract(o),
    ...orderCore(o),
    o.permId,
    o.outsideRth,
    false, // hidden
    0, // discretionaryAmt
    '', // goodAfterTime
    '',
    '',
    '', // faGroup, faMethod, faPercentage
    '', // modelCode
    '', // goodTillDate
    '', // rule80A
    UNSET, // percentOffset
    '', // settlingFirm
    0,
    '',
    -1, // shortSaleSlot, designatedLocation, exemptCode
    UNSET,
    UNSET,
    UNSET, // startingPrice, stockRefPrice, delta
    UNSET,
    UNSET, // stockRangeLower, stockRangeUpper
    '', // displaySize
    false,
    false, // sweepToFill, allOrNone
    '', // minQty
    0, // ocaType
    0, // triggerMethod
    UNSET,
    0,
    '',
    UNSET, // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
    false,
    0, // continuousUpdate, referencePriceType
    UNSET,
    UNSET, // trailStopPrice, trailingPercent
    '',
    0,
    0, // comboLegsDescription, comboLegs count, orderComboLegs count
    0, // smartComboRoutingParams count
    '',
    '',
    UNSET, // scale
    '', // hedgeType
    '',
    '', // clearingAccount, clearingIntent
    false, // notHeld
    false, // deltaNeutralContract present
    '', // algoStrategy
    false, // solicited
    o.status,
    false,
    false, // randomizeSize, randomizePrice
    0, // conditions count
    UNSET,
    UNSET, // trailStopPrice, lmtPriceOffset
    UNSET, // cashQty
    false, // dontUseAutoPriceForHedge
    false, // isOmsContainer
    '', // autoCancelDate
    o.filled, // filledQuantity
    0, // refFuturesConId
    false, // autoCancelParent
    '', // shareholder
    false, // imbalanceOnly
    false, // routeMarketableToBbo
    0, // parentPermId
    o.completedAt === null ? '' : ibTime(o.completedAt),
    o.completedStatus,
    '',
    '',
    UNSET,
    UNSET,
    UNSET, // peg best / peg mid attributes
    '', // customerAccount
    false, // professionalCustomer
  ];
}

/** completedOrdersEnd (no version field). */
export function completedOrdersEnd(): Field[] {
  return [IN.COMPLETED_ORDERS_END];
}

/** execDetails; reqId is -1 for live executions. */
export function execDetails(reqId: number, e: ExecutionRecord): Field[] {
  return [
    IN.EXECUTION_DATA,
    reqId,
    e.orderId,
    ...stockContract(e.conId, e.symbol, e.exchange, e.currency),
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
    '', // modelCode
    2, // lastLiquidity: removed (every simulated fill takes the displayed quote)
    false, // pendingPriceRevision
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
  spec: Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch'>>,
  quantity: number,
  avgCost: number,
): Field[] {
  return [
    IN.POSITION,
    3,
    account,
    ...stockContract(spec.conId, spec.symbol, spec.primaryExch, spec.currency),
    quantity,
    avgCost,
  ];
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
  spec: Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch'>>,
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
    ...stockContract(spec.conId, spec.symbol, spec.primaryExch, spec.currency),
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

/** contractData (reqContractDetails) for a stock of the universe. */
export function contractData(
  reqId: number,
  spec: Required<Pick<SymbolSpec, 'conId' | 'symbol' | 'currency' | 'primaryExch' | 'tick'>> &
    Pick<SymbolSpec, 'longName' | 'industry'>,
): Field[] {
  const hours = '20260101:0930-20260101:1600;20260102:0930-20260102:1600';
  return [
    IN.CONTRACT_DATA,
    reqId,
    spec.symbol,
    'STK',
    '', // lastTradeDateOrContractMonth
    '', // lastTradeDate
    0, // strike
    '', // right
    'SMART',
    spec.currency,
    spec.symbol, // localSymbol
    'NMS', // marketName
    'NMS', // tradingClass
    spec.conId,
    spec.tick, // minTick
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
    'US/Eastern',
    hours,
    hours,
    '', // evRule
    '', // evMultiplier
    0, // secIdList count
    1, // aggGroup
    '', // underSymbol
    '', // underSecType
    '26,26,26,26,26,26,26', // marketRuleIds
    '', // realExpirationDate
    'COMMON', // stockType
    1, // minSize
    1, // sizeIncrement
    100, // suggestedSizeIncrement
    0, // ineligibilityReasons count
  ];
}

/** contractDataEnd. */
export function contractDataEnd(reqId: number): Field[] {
  return [IN.CONTRACT_DATA_END, 1, reqId];
}
