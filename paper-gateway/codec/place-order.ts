/**
 * Decodes placeOrder at the negotiated server version, reading every field in the order IB's
 * server does (optional sections included), so that a client sending one field too many or too
 * few is told so instead of being silently misread.
 */
import { DecodeError } from '../errors.ts';
import { UNSET_DOUBLE } from '../framing.ts';
import { inRfqWindow, MAX_SUPPORTED_VERSION, MIN } from '../versions.ts';
import type { PlaceOrderRequest } from './order-request.ts';
import { FieldReader, readContract, readTagValues, type DecodedCondition } from './reader.ts';

const CONDITION = { PRICE: 1, TIME: 3, MARGIN: 4, EXECUTION: 5, VOLUME: 6, PERCENT_CHANGE: 7 } as const;

const isPegBench = (t: string): boolean => t === 'PEG BENCH' || t === 'PEGBENCH';
const isPegBest = (t: string): boolean => t === 'PEG BEST' || t === 'PEGBEST';
const isPegMid = (t: string): boolean => t === 'PEG MID' || t === 'PEGMID';

function readCondition(r: FieldReader): DecodedCondition {
  const type = r.int('condition type');
  const conjunction = r.str('condition conjunction');
  const fields: DecodedCondition['fields'] = {};
  const common = (): void => {
    fields.isMore = r.bool('condition isMore');
    fields.value = r.str('condition value');
  };
  switch (type) {
    case CONDITION.EXECUTION:
      fields.secType = r.str('execution condition secType');
      fields.exchange = r.str('execution condition exchange');
      fields.symbol = r.str('execution condition symbol');
      break;
    case CONDITION.MARGIN:
    case CONDITION.TIME:
      common();
      break;
    case CONDITION.PERCENT_CHANGE:
    case CONDITION.VOLUME:
      common();
      fields.conId = r.int('condition conId');
      fields.exchange = r.str('condition exchange');
      break;
    case CONDITION.PRICE:
      common();
      fields.conId = r.int('condition conId');
      fields.exchange = r.str('condition exchange');
      fields.triggerMethod = r.int('condition triggerMethod');
      break;
    default:
      throw new DecodeError(`unknown order condition type ${type}`);
  }
  return { type, conjunction, fields };
}

function counted(r: FieldReader, what: string): number {
  const count = r.int(what);
  if (count < 0 || count > 1000) throw new DecodeError(`bad ${what} ${count}`);
  return count;
}

/** Decodes a whole placeOrder message (fields[0] is the message id 3) sent at server version `v`. */
export function decodePlaceOrder(fields: readonly string[], v = MAX_SUPPORTED_VERSION): PlaceOrderRequest {
  const r = new FieldReader(fields, 1);
  if (v < MIN.ORDER_CONTAINER) r.int('version');
  const o = {} as PlaceOrderRequest;
  o.orderId = r.int('orderId');
  o.contract = { ...readContract(r), secIdType: r.str('secIdType'), secId: r.str('secId') };
  o.action = r.str('action');
  o.totalQuantity = r.doubleMax('totalQuantity');
  o.orderType = r.str('orderType');
  o.lmtPrice = r.doubleMax('lmtPrice');
  o.auxPrice = r.doubleMax('auxPrice');
  o.tif = r.str('tif');
  o.ocaGroup = r.str('ocaGroup');
  o.account = r.str('account');
  o.openClose = r.str('openClose');
  o.origin = r.int('origin');
  o.orderRef = r.str('orderRef');
  // An empty transmit flag means the client left it at its default, which is true.
  const transmitRaw = r.str('transmit');
  o.transmit = transmitRaw === '' ? true : transmitRaw !== '0' && transmitRaw !== 'false';
  o.parentId = r.int('parentId');
  o.blockOrder = r.bool('blockOrder');
  o.sweepToFill = r.bool('sweepToFill');
  o.displaySize = r.intMax('displaySize');
  o.triggerMethod = r.int('triggerMethod');
  o.outsideRth = r.bool('outsideRth');
  o.hidden = r.bool('hidden');

  o.comboLegs = [];
  o.orderComboLegPrices = [];
  o.smartComboRoutingParams = [];
  if (o.contract.secType.toUpperCase() === 'BAG') {
    const legs = counted(r, 'comboLegs count');
    for (let i = 0; i < legs; i++) {
      o.comboLegs.push({
        conId: r.int('comboLeg conId'),
        ratio: r.int('comboLeg ratio'),
        action: r.str('comboLeg action'),
        exchange: r.str('comboLeg exchange'),
        openClose: r.int('comboLeg openClose'),
        shortSaleSlot: r.int('comboLeg shortSaleSlot'),
        designatedLocation: r.str('comboLeg designatedLocation'),
        exemptCode: r.int('comboLeg exemptCode'),
      });
    }
    const prices = counted(r, 'orderComboLegs count');
    for (let i = 0; i < prices; i++) o.orderComboLegPrices.push(r.doubleMax('orderComboLeg price'));
    o.smartComboRoutingParams = readTagValues(r, 'smartComboRoutingParams');
  }
  r.str('sharesAllocation (deprecated)');
  o.discretionaryAmt = r.doubleMax('discretionaryAmt');
  o.goodAfterTime = r.str('goodAfterTime');
  o.goodTillDate = r.str('goodTillDate');
  o.faGroup = r.str('faGroup');
  o.faMethod = r.str('faMethod');
  o.faPercentage = r.str('faPercentage');
  if (v < MIN.FA_PROFILE_DESUPPORT) r.str('faProfile (deprecated)');
  o.modelCode = v >= MIN.MODELS_SUPPORT ? r.str('modelCode') : '';
  o.shortSaleSlot = r.int('shortSaleSlot');
  o.designatedLocation = r.str('designatedLocation');
  o.exemptCode = r.int('exemptCode');
  o.ocaType = r.int('ocaType');
  o.rule80A = r.str('rule80A');
  o.settlingFirm = r.str('settlingFirm');
  o.allOrNone = r.bool('allOrNone');
  o.minQty = r.intMax('minQty');
  o.percentOffset = r.doubleMax('percentOffset');
  o.eTradeOnly = r.bool('eTradeOnly');
  o.firmQuoteOnly = r.bool('firmQuoteOnly');
  o.nbboPriceCap = r.doubleMax('nbboPriceCap');
  o.auctionStrategy = r.intMax('auctionStrategy');
  o.startingPrice = r.doubleMax('startingPrice');
  o.stockRefPrice = r.doubleMax('stockRefPrice');
  o.delta = r.doubleMax('delta');
  o.stockRangeLower = r.doubleMax('stockRangeLower');
  o.stockRangeUpper = r.doubleMax('stockRangeUpper');
  o.overridePercentageConstraints = r.bool('overridePercentageConstraints');
  o.volatility = r.doubleMax('volatility');
  o.volatilityType = r.intMax('volatilityType');
  o.deltaNeutralOrderType = r.str('deltaNeutralOrderType');
  o.deltaNeutralAuxPrice = r.doubleMax('deltaNeutralAuxPrice');
  o.deltaNeutral = null;
  if (o.deltaNeutralOrderType !== '') {
    o.deltaNeutral = {
      conId: r.int('deltaNeutralConId'),
      settlingFirm: r.str('deltaNeutralSettlingFirm'),
      clearingAccount: r.str('deltaNeutralClearingAccount'),
      clearingIntent: r.str('deltaNeutralClearingIntent'),
      openClose: r.str('deltaNeutralOpenClose'),
      shortSale: r.bool('deltaNeutralShortSale'),
      shortSaleSlot: r.int('deltaNeutralShortSaleSlot'),
      designatedLocation: r.str('deltaNeutralDesignatedLocation'),
    };
  }
  o.continuousUpdate = r.bool('continuousUpdate');
  o.referencePriceType = r.intMax('referencePriceType');
  o.trailStopPrice = r.doubleMax('trailStopPrice');
  o.trailingPercent = r.doubleMax('trailingPercent');
  o.scaleInitLevelSize = r.intMax('scaleInitLevelSize');
  o.scaleSubsLevelSize = r.intMax('scaleSubsLevelSize');
  o.scalePriceIncrement = r.doubleMax('scalePriceIncrement');
  o.scale = null;
  // IB's server reads the extended scale fields only for a positive increment.
  if (o.scalePriceIncrement !== undefined && o.scalePriceIncrement > 0) {
    o.scale = {
      priceAdjustValue: r.doubleMax('scalePriceAdjustValue'),
      priceAdjustInterval: r.intMax('scalePriceAdjustInterval'),
      profitOffset: r.doubleMax('scaleProfitOffset'),
      autoReset: r.bool('scaleAutoReset'),
      initPosition: r.intMax('scaleInitPosition'),
      initFillQty: r.intMax('scaleInitFillQty'),
      randomPercent: r.bool('scaleRandomPercent'),
    };
  }
  o.scaleTable = r.str('scaleTable');
  o.activeStartTime = r.str('activeStartTime');
  o.activeStopTime = r.str('activeStopTime');
  o.hedgeType = r.str('hedgeType');
  o.hedgeParam = o.hedgeType !== '' ? r.str('hedgeParam') : '';
  o.optOutSmartRouting = r.bool('optOutSmartRouting');
  o.clearingAccount = r.str('clearingAccount');
  o.clearingIntent = r.str('clearingIntent');
  o.notHeld = r.bool('notHeld');
  o.deltaNeutralContract = null;
  if (r.bool('deltaNeutralContract present')) {
    o.deltaNeutralContract = {
      conId: r.int('deltaNeutralContract conId'),
      delta: r.doubleMax('deltaNeutralContract delta'),
      price: r.doubleMax('deltaNeutralContract price'),
    };
  }
  o.algoStrategy = r.str('algoStrategy');
  o.algoParams = o.algoStrategy !== '' ? readTagValues(r, 'algoParams') : [];
  o.algoId = r.str('algoId');
  o.whatIf = r.bool('whatIf');
  o.orderMiscOptions = r.str('orderMiscOptions');
  o.solicited = r.bool('solicited');
  o.randomizeSize = r.bool('randomizeSize');
  o.randomizePrice = r.bool('randomizePrice');
  readPeggedAndAdjusted(r, o, v);
  readTail(r, o, v);
  r.end('placeOrder');
  return o;
}

/** Pegged-to-benchmark, conditions and adjusted-order fields (server version 102 on). */
function readPeggedAndAdjusted(r: FieldReader, o: PlaceOrderRequest, v: number): void {
  o.pegBench = null;
  o.conditions = [];
  o.conditionsIgnoreRth = false;
  o.conditionsCancelOrder = false;
  o.adjustedOrderType = '';
  o.adjustableTrailingUnit = 0;
  if (v < MIN.PEGGED_TO_BENCHMARK) return;
  if (isPegBench(o.orderType)) {
    o.pegBench = {
      referenceContractId: r.int('referenceContractId'),
      isPeggedChangeAmountDecrease: r.bool('isPeggedChangeAmountDecrease'),
      peggedChangeAmount: r.doubleMax('peggedChangeAmount'),
      referenceChangeAmount: r.doubleMax('referenceChangeAmount'),
      referenceExchangeId: r.str('referenceExchangeId'),
    };
  }
  const conditionCount = counted(r, 'conditions count');
  for (let i = 0; i < conditionCount; i++) o.conditions.push(readCondition(r));
  if (conditionCount > 0) {
    o.conditionsIgnoreRth = r.bool('conditionsIgnoreRth');
    o.conditionsCancelOrder = r.bool('conditionsCancelOrder');
  }
  o.adjustedOrderType = r.str('adjustedOrderType');
  o.triggerPrice = r.doubleMax('triggerPrice');
  o.lmtPriceOffset = r.doubleMax('lmtPriceOffset');
  o.adjustedStopPrice = r.doubleMax('adjustedStopPrice');
  o.adjustedStopLimitPrice = r.doubleMax('adjustedStopLimitPrice');
  o.adjustedTrailingAmount = r.doubleMax('adjustedTrailingAmount');
  o.adjustableTrailingUnit = r.int('adjustableTrailingUnit');
}

/** Everything IB appended after the adjusted-order fields, each from its own version. */
function readTail(r: FieldReader, o: PlaceOrderRequest, v: number): void {
  const str = (min: number, what: string): string => (v >= min ? r.str(what) : '');
  const bool = (min: number, what: string): boolean => (v >= min ? r.bool(what) : false);
  const intMax = (min: number, what: string): number | undefined => (v >= min ? r.intMax(what) : undefined);
  o.extOperator = str(MIN.EXT_OPERATOR, 'extOperator');
  o.softDollarTierName = str(MIN.SOFT_DOLLAR_TIER, 'softDollarTier name');
  o.softDollarTierValue = str(MIN.SOFT_DOLLAR_TIER, 'softDollarTier value');
  o.cashQty = v >= MIN.CASH_QTY ? r.doubleMax('cashQty') : undefined;
  o.mifid2DecisionMaker = str(MIN.DECISION_MAKER, 'mifid2DecisionMaker');
  o.mifid2DecisionAlgo = str(MIN.DECISION_MAKER, 'mifid2DecisionAlgo');
  o.mifid2ExecutionTrader = str(MIN.MIFID_EXECUTION, 'mifid2ExecutionTrader');
  o.mifid2ExecutionAlgo = str(MIN.MIFID_EXECUTION, 'mifid2ExecutionAlgo');
  o.dontUseAutoPriceForHedge = bool(MIN.AUTO_PRICE_FOR_HEDGE, 'dontUseAutoPriceForHedge');
  o.isOmsContainer = bool(MIN.ORDER_CONTAINER, 'isOmsContainer');
  o.discretionaryUpToLimitPrice = bool(MIN.D_PEG_ORDERS, 'discretionaryUpToLimitPrice');
  o.usePriceMgmtAlgo = bool(MIN.PRICE_MGMT_ALGO, 'usePriceMgmtAlgo');
  o.duration = intMax(MIN.DURATION, 'duration');
  o.postToAts = intMax(MIN.POST_TO_ATS, 'postToAts');
  o.autoCancelParent = bool(MIN.AUTO_CANCEL_PARENT, 'autoCancelParent');
  o.advancedErrorOverride = str(MIN.ADVANCED_ORDER_REJECT, 'advancedErrorOverride');
  o.manualOrderTime = str(MIN.MANUAL_ORDER_TIME, 'manualOrderTime');
  if (v >= MIN.PEGBEST_PEGMID_OFFSETS) readPegBestMid(r, o);
  o.customerAccount = str(MIN.CUSTOMER_ACCOUNT, 'customerAccount');
  o.professionalCustomer = bool(MIN.PROFESSIONAL_CUSTOMER, 'professionalCustomer');
  if (inRfqWindow(v)) {
    r.str('externalUserId (RFQ)');
    r.intMax('manualOrderIndicator (RFQ)');
  }
  o.includeOvernight = bool(MIN.INCLUDE_OVERNIGHT, 'includeOvernight');
  o.manualOrderIndicator = intMax(MIN.CME_TAGGING_FIELDS, 'manualOrderIndicator');
}

function readPegBestMid(r: FieldReader, o: PlaceOrderRequest): void {
  o.minTradeQty = o.contract.exchange === 'IBKRATS' ? r.intMax('minTradeQty') : undefined;
  let sendMidOffsets = false;
  if (isPegBest(o.orderType)) {
    o.minCompeteSize = r.intMax('minCompeteSize');
    const raw = r.str('competeAgainstBestOffset');
    // "Up to mid" travels as Infinity; only then do the mid offsets follow.
    if (raw === 'Infinity' || raw === UNSET_DOUBLE) {
      o.competeAgainstBestOffset = Infinity;
      sendMidOffsets = true;
    } else {
      o.competeAgainstBestOffset = raw === '' ? undefined : Number(raw);
    }
  } else if (isPegMid(o.orderType)) {
    sendMidOffsets = true;
  }
  if (sendMidOffsets) {
    o.midOffsetAtWhole = r.doubleMax('midOffsetAtWhole');
    o.midOffsetAtHalf = r.doubleMax('midOffsetAtHalf');
  }
}
