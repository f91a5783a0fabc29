/**
 * Server → client order messages (orderStatus, openOrder, completedOrder) at the negotiated
 * server version, field for field as IB's EDecoder / OrderDecoder read them.
 */
import type { Field } from '../framing.ts';
import type { OrderRecord } from '../matching.ts';
import { before, MAX_SUPPORTED_VERSION, MIN, since } from '../versions.ts';
import { IN, ibTime, stockContract } from './out-basic.ts';
import { contractFields } from '../instruments/terms.ts';

const UNSET = Number.MAX_VALUE;

/** The client's order id of an attached child's parent (0 when not attached). */
function parentIdOf(o: OrderRecord): number {
  return o.parentKey ? Number(o.parentKey.split(':')[1]) : 0;
}
/** The orderStatus message version servers before MARKET_CAP_PRICE send. */
const ORDER_STATUS_MESSAGE_VERSION = 6;

/** orderStatus. */
export function orderStatus(o: OrderRecord, v = MAX_SUPPORTED_VERSION): Field[] {
  return [
    IN.ORDER_STATUS,
    ...before(v, MIN.MARKET_CAP_PRICE, ORDER_STATUS_MESSAGE_VERSION),
    o.orderId,
    o.status,
    o.filled,
    o.totalQuantity - o.filled,
    o.avgFillPrice,
    o.permId,
    parentIdOf(o), // parentId
    o.lastFillPrice,
    o.clientId,
    o.whyHeld,
    ...since(v, MIN.MARKET_CAP_PRICE, 0), // mktCapPrice
  ];
}

function orderContract(o: OrderRecord): Field[] {
  return o.derivative
    ? contractFields(o, o.exchange)
    : stockContract(o.conId, o.symbol, o.exchange, o.currency);
}

function orderCore(o: OrderRecord): Field[] {
  return [
    o.action,
    o.totalQuantity,
    o.orderType,
    o.lmtPrice ?? UNSET,
    o.auxPrice ?? UNSET,
    o.tif,
    o.ocaGroup ?? '', // ocaGroup
    o.account,
    '', // openClose
    0, // origin: customer
    o.orderRef,
  ];
}

/** faGroup, faMethod, faPercentage, the faProfile older versions carry, and modelCode. */
function faAndModel(v: number): Field[] {
  return ['', '', '', ...before(v, MIN.FA_PROFILE_DESUPPORT, ''), ...since(v, MIN.MODELS_SUPPORT, '')];
}

/** The attributes after the adjusted-order section common to openOrder's tail. */
function openOrderTail(v: number): Field[] {
  return [
    ...since(v, MIN.SOFT_DOLLAR_TIER, '', '', ''), // softDollarTier name, value, displayName
    ...since(v, MIN.CASH_QTY, UNSET),
    ...since(v, MIN.AUTO_PRICE_FOR_HEDGE, false),
    ...since(v, MIN.ORDER_CONTAINER, false), // isOmsContainer
    ...since(v, MIN.D_PEG_ORDERS, false), // discretionaryUpToLimitPrice
    ...since(v, MIN.PRICE_MGMT_ALGO, false),
    ...since(v, MIN.DURATION, ''),
    ...since(v, MIN.POST_TO_ATS, ''),
    ...since(v, MIN.AUTO_CANCEL_PARENT, false),
    // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    ...since(v, MIN.PEGBEST_PEGMID_OFFSETS, '', '', UNSET, UNSET, UNSET),
    ...since(v, MIN.CUSTOMER_ACCOUNT, ''),
    ...since(v, MIN.PROFESSIONAL_CUSTOMER, false),
    ...since(v, MIN.BOND_ACCRUED_INTEREST, ''),
    ...since(v, MIN.INCLUDE_OVERNIGHT, false),
    ...since(v, MIN.CME_TAGGING_FIELDS_IN_OPEN_ORDER, '', ''), // extOperator, manualOrderIndicator
  ];
}

/** A what-if order's preview: margin and equity before and their change, and the commission. */
export interface WhatIfFigures {
  initMarginBefore: number;
  maintMarginBefore: number;
  equityWithLoanBefore: number;
  initMarginChange: number;
  maintMarginChange: number;
  equityWithLoanChange: number;
  commission: number;
}

/** The order state's margin fields: unset for a real order, the preview for a what-if one. */
function marginState(v: number, w: WhatIfFigures | undefined): Field[] {
  if (!w)
    return [
      ...since(v, MIN.WHAT_IF_EXT_FIELDS, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET),
      UNSET,
      UNSET,
      UNSET,
    ];
  const text = (n: number): string => n.toFixed(2);
  return [
    ...since(
      v,
      MIN.WHAT_IF_EXT_FIELDS,
      text(w.initMarginBefore),
      text(w.maintMarginBefore),
      text(w.equityWithLoanBefore),
      text(w.initMarginChange),
      text(w.maintMarginChange),
      text(w.equityWithLoanChange),
    ),
    text(w.initMarginBefore + w.initMarginChange),
    text(w.maintMarginBefore + w.maintMarginChange),
    text(w.equityWithLoanBefore + w.equityWithLoanChange),
  ];
}

/**
 * openOrder with its order state; `status` overrides the order's own status; `whatIf` makes it
 * the answer to a what-if order (margin, equity and commission preview, nothing placed).
 */
export function openOrder(
  o: OrderRecord,
  status: string = o.status,
  v = MAX_SUPPORTED_VERSION,
  whatIf?: WhatIfFigures,
): Field[] {
  return [
    IN.OPEN_ORDER,
    // Older servers send a message version first; the server version itself satisfies every
    // check clients make on it (IB's decoder compares the server version, @stoqey/ib's this one).
    ...before(v, MIN.ORDER_CONTAINER, v),
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
    ...faAndModel(v),
    o.goodTillDate === undefined ? '' : ibTime(o.goodTillDate), // goodTillDate
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
    o.ocaGroup ? (o.ocaType ?? 1) : 0, // ocaType
    false,
    false, // eTradeOnly, firmQuoteOnly
    UNSET, // nbboPriceCap
    parentIdOf(o), // parentId
    0, // triggerMethod
    UNSET,
    0,
    '',
    UNSET, // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
    false,
    0, // continuousUpdate, referencePriceType
    o.trailStopPrice ?? UNSET,
    o.trailingPercent ?? UNSET, // trailStopPrice, trailingPercent
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
    whatIf !== undefined,
    status,
    ...marginState(v, whatIf), // margin before and change (server version 142 on), after
    whatIf ? whatIf.commission : Number(o.commission) > 0 ? Number(o.commission) : UNSET, // commission
    whatIf ? whatIf.commission : UNSET, // minCommission
    whatIf ? whatIf.commission : UNSET, // maxCommission
    'USD', // commissionCurrency
    '', // warningText
    false,
    false, // randomizeSize, randomizePrice
    // conditions count, adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset,
    // adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
    ...since(v, MIN.PEGGED_TO_BENCHMARK, 0, '', UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, 0),
    ...openOrderTail(v),
  ];
}

/** openOrderEnd. */
export function openOrderEnd(): Field[] {
  return [IN.OPEN_ORDER_END, 1];
}

/** completedOrder: a finished order, without order id or client id (server version 150 on). */
export function completedOrder(o: OrderRecord, v = MAX_SUPPORTED_VERSION): Field[] {
  return [
    IN.COMPLETED_ORDER,
    ...orderContract(o),
    ...orderCore(o),
    o.permId,
    o.outsideRth,
    false, // hidden
    0, // discretionaryAmt
    '', // goodAfterTime
    ...faAndModel(v),
    o.goodTillDate === undefined ? '' : ibTime(o.goodTillDate), // goodTillDate
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
    o.ocaGroup ? (o.ocaType ?? 1) : 0, // ocaType
    0, // triggerMethod
    UNSET,
    0,
    '',
    UNSET, // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
    false,
    0, // continuousUpdate, referencePriceType
    o.trailStopPrice ?? UNSET,
    o.trailingPercent ?? UNSET, // trailStopPrice, trailingPercent
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
    ...since(v, MIN.PEGGED_TO_BENCHMARK, 0), // conditions count
    o.trailStopPrice ?? UNSET,
    UNSET, // trailStopPrice, lmtPriceOffset
    ...since(v, MIN.CASH_QTY, UNSET),
    ...since(v, MIN.AUTO_PRICE_FOR_HEDGE, false),
    ...since(v, MIN.ORDER_CONTAINER, false), // isOmsContainer
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
    ...since(v, MIN.PEGBEST_PEGMID_OFFSETS, '', '', UNSET, UNSET, UNSET),
    ...since(v, MIN.CUSTOMER_ACCOUNT, ''),
    ...since(v, MIN.PROFESSIONAL_CUSTOMER, false),
  ];
}

/** completedOrdersEnd (no version field). */
export function completedOrdersEnd(): Field[] {
  return [IN.COMPLETED_ORDERS_END];
}
