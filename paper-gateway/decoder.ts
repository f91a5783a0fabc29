/**
 * Decoders for client → server messages at server version 193. The placeOrder decoder reads
 * every field in the order IB's server does, optional sections included, so that a client that
 * sends one field too many or too few is told so instead of being silently misread.
 */
import { DecodeError, UnsupportedFeatureError } from './errors.ts';
import { UNSET_DOUBLE, UNSET_INTEGER } from './framing.ts';

/** Client → server message ids. */
export const OUT = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_ACCOUNT_DATA: 6,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** Sequential reader over one message's fields; every read past the end is a DecodeError. */
export class FieldReader {
  readonly #fields: readonly string[];
  #pos = 0;

  constructor(fields: readonly string[], start = 0) {
    this.#fields = fields;
    this.#pos = start;
  }

  /** Index of the next field to read. */
  get position(): number {
    return this.#pos;
  }

  /** Number of fields left unread. */
  get remaining(): number {
    return this.#fields.length - this.#pos;
  }

  /** Reads a raw string field. */
  str(what: string): string {
    const value = this.#fields[this.#pos];
    if (value === undefined) throw new DecodeError(`message ends before field ${this.#pos} (${what})`);
    this.#pos += 1;
    return value;
  }

  /** Reads an integer; empty reads as 0. */
  int(what: string): number {
    const raw = this.str(what);
    if (raw === '') return 0;
    if (!/^-?\d+$/.test(raw))
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not an integer: ${JSON.stringify(raw)}`);
    return Number(raw);
  }

  /** Reads an integer where empty or Integer.MAX_VALUE means unset. */
  intMax(what: string): number | undefined {
    const raw = this.str(what);
    if (raw === '' || raw === UNSET_INTEGER) return undefined;
    if (!/^-?\d+$/.test(raw))
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not an integer: ${JSON.stringify(raw)}`);
    return Number(raw);
  }

  /** Reads a double where empty or Double.MAX_VALUE means unset. */
  doubleMax(what: string): number | undefined {
    const raw = this.str(what);
    if (raw === '' || raw === UNSET_DOUBLE) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value)) {
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not a number: ${JSON.stringify(raw)}`);
    }
    return value === Number.MAX_VALUE || value === Infinity ? undefined : value;
  }

  /** Reads a boolean sent as 0/1 (empty is false). */
  bool(what: string): boolean {
    const raw = this.str(what);
    if (raw === '' || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true') return true;
    if (/^-?\d+$/.test(raw)) return Number(raw) !== 0;
    throw new DecodeError(`field ${this.#pos - 1} (${what}) is not a boolean: ${JSON.stringify(raw)}`);
  }

  /** Fails when fields are left over: the client and server disagree on the layout. */
  end(message: string): void {
    if (this.remaining > 0) {
      throw new DecodeError(
        `${message}: ${this.remaining} unexpected trailing field(s) from field ${this.#pos}`,
      );
    }
  }
}

/** The contract fields of placeOrder (and reqMktData / reqContractDetails). */
export interface ContractFields {
  conId: number;
  symbol: string;
  secType: string;
  lastTradeDateOrContractMonth: string;
  strike: number | undefined;
  right: string;
  multiplier: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
}

/** A tag/value pair (algo parameters, smart combo routing parameters). */
export interface TagValue {
  tag: string;
  value: string;
}

/** One order condition, kept as read so that it can be reported. */
export interface DecodedCondition {
  type: number;
  conjunction: string;
  fields: Record<string, string | number | boolean | undefined>;
}

/** Every field of a placeOrder message at server version 193. */
export interface PlaceOrderRequest {
  orderId: number;
  contract: ContractFields & { secIdType: string; secId: string };
  action: string;
  totalQuantity: number | undefined;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  ocaGroup: string;
  account: string;
  openClose: string;
  origin: number;
  orderRef: string;
  transmit: boolean;
  parentId: number;
  blockOrder: boolean;
  sweepToFill: boolean;
  displaySize: number | undefined;
  triggerMethod: number;
  outsideRth: boolean;
  hidden: boolean;
  comboLegs: Array<{
    conId: number;
    ratio: number;
    action: string;
    exchange: string;
    openClose: number;
    shortSaleSlot: number;
    designatedLocation: string;
    exemptCode: number;
  }>;
  orderComboLegPrices: Array<number | undefined>;
  smartComboRoutingParams: TagValue[];
  discretionaryAmt: number | undefined;
  goodAfterTime: string;
  goodTillDate: string;
  faGroup: string;
  faMethod: string;
  faPercentage: string;
  modelCode: string;
  shortSaleSlot: number;
  designatedLocation: string;
  exemptCode: number;
  ocaType: number;
  rule80A: string;
  settlingFirm: string;
  allOrNone: boolean;
  minQty: number | undefined;
  percentOffset: number | undefined;
  eTradeOnly: boolean;
  firmQuoteOnly: boolean;
  nbboPriceCap: number | undefined;
  auctionStrategy: number | undefined;
  startingPrice: number | undefined;
  stockRefPrice: number | undefined;
  delta: number | undefined;
  stockRangeLower: number | undefined;
  stockRangeUpper: number | undefined;
  overridePercentageConstraints: boolean;
  volatility: number | undefined;
  volatilityType: number | undefined;
  deltaNeutralOrderType: string;
  deltaNeutralAuxPrice: number | undefined;
  deltaNeutral: {
    conId: number;
    settlingFirm: string;
    clearingAccount: string;
    clearingIntent: string;
    openClose: string;
    shortSale: boolean;
    shortSaleSlot: number;
    designatedLocation: string;
  } | null;
  continuousUpdate: boolean;
  referencePriceType: number | undefined;
  trailStopPrice: number | undefined;
  trailingPercent: number | undefined;
  scaleInitLevelSize: number | undefined;
  scaleSubsLevelSize: number | undefined;
  scalePriceIncrement: number | undefined;
  scale: {
    priceAdjustValue: number | undefined;
    priceAdjustInterval: number | undefined;
    profitOffset: number | undefined;
    autoReset: boolean;
    initPosition: number | undefined;
    initFillQty: number | undefined;
    randomPercent: boolean;
  } | null;
  scaleTable: string;
  activeStartTime: string;
  activeStopTime: string;
  hedgeType: string;
  hedgeParam: string;
  optOutSmartRouting: boolean;
  clearingAccount: string;
  clearingIntent: string;
  notHeld: boolean;
  deltaNeutralContract: { conId: number; delta: number | undefined; price: number | undefined } | null;
  algoStrategy: string;
  algoParams: TagValue[];
  algoId: string;
  whatIf: boolean;
  orderMiscOptions: string;
  solicited: boolean;
  randomizeSize: boolean;
  randomizePrice: boolean;
  pegBench: {
    referenceContractId: number;
    isPeggedChangeAmountDecrease: boolean;
    peggedChangeAmount: number | undefined;
    referenceChangeAmount: number | undefined;
    referenceExchangeId: string;
  } | null;
  conditions: DecodedCondition[];
  conditionsIgnoreRth: boolean;
  conditionsCancelOrder: boolean;
  adjustedOrderType: string;
  triggerPrice: number | undefined;
  lmtPriceOffset: number | undefined;
  adjustedStopPrice: number | undefined;
  adjustedStopLimitPrice: number | undefined;
  adjustedTrailingAmount: number | undefined;
  adjustableTrailingUnit: number;
  extOperator: string;
  softDollarTierName: string;
  softDollarTierValue: string;
  cashQty: number | undefined;
  mifid2DecisionMaker: string;
  mifid2DecisionAlgo: string;
  mifid2ExecutionTrader: string;
  mifid2ExecutionAlgo: string;
  dontUseAutoPriceForHedge: boolean;
  isOmsContainer: boolean;
  discretionaryUpToLimitPrice: boolean;
  usePriceMgmtAlgo: boolean;
  duration: number | undefined;
  postToAts: number | undefined;
  autoCancelParent: boolean;
  advancedErrorOverride: string;
  manualOrderTime: string;
  minTradeQty: number | undefined;
  minCompeteSize: number | undefined;
  competeAgainstBestOffset: number | undefined;
  midOffsetAtWhole: number | undefined;
  midOffsetAtHalf: number | undefined;
  customerAccount: string;
  professionalCustomer: boolean;
  includeOvernight: boolean;
  manualOrderIndicator: number | undefined;
}

const CONDITION = { PRICE: 1, TIME: 3, MARGIN: 4, EXECUTION: 5, VOLUME: 6, PERCENT_CHANGE: 7 } as const;

function isPegBench(orderType: string): boolean {
  return orderType === 'PEG BENCH' || orderType === 'PEGBENCH';
}
function isPegBest(orderType: string): boolean {
  return orderType === 'PEG BEST' || orderType === 'PEGBEST';
}
function isPegMid(orderType: string): boolean {
  return orderType === 'PEG MID' || orderType === 'PEGMID';
}

function readContract(r: FieldReader): ContractFields {
  return {
    conId: r.int('conId'),
    symbol: r.str('symbol'),
    secType: r.str('secType'),
    lastTradeDateOrContractMonth: r.str('lastTradeDateOrContractMonth'),
    strike: r.doubleMax('strike'),
    right: r.str('right'),
    multiplier: r.str('multiplier'),
    exchange: r.str('exchange'),
    primaryExch: r.str('primaryExch'),
    currency: r.str('currency'),
    localSymbol: r.str('localSymbol'),
    tradingClass: r.str('tradingClass'),
  };
}

function readCondition(r: FieldReader): DecodedCondition {
  const type = r.int('condition type');
  const conjunction = r.str('condition conjunction');
  const fields: DecodedCondition['fields'] = {};
  switch (type) {
    case CONDITION.EXECUTION:
      fields.secType = r.str('execution condition secType');
      fields.exchange = r.str('execution condition exchange');
      fields.symbol = r.str('execution condition symbol');
      break;
    case CONDITION.MARGIN:
    case CONDITION.TIME:
      fields.isMore = r.bool('condition isMore');
      fields.value = r.str('condition value');
      break;
    case CONDITION.PERCENT_CHANGE:
    case CONDITION.VOLUME:
      fields.isMore = r.bool('condition isMore');
      fields.value = r.str('condition value');
      fields.conId = r.int('condition conId');
      fields.exchange = r.str('condition exchange');
      break;
    case CONDITION.PRICE:
      fields.isMore = r.bool('condition isMore');
      fields.value = r.str('condition value');
      fields.conId = r.int('condition conId');
      fields.exchange = r.str('condition exchange');
      fields.triggerMethod = r.int('condition triggerMethod');
      break;
    default:
      throw new DecodeError(`unknown order condition type ${type}`);
  }
  return { type, conjunction, fields };
}

function readTagValues(r: FieldReader, what: string): TagValue[] {
  const count = r.int(`${what} count`);
  if (count < 0 || count > 1000) throw new DecodeError(`bad ${what} count ${count}`);
  const list: TagValue[] = [];
  for (let i = 0; i < count; i++) list.push({ tag: r.str(`${what} tag`), value: r.str(`${what} value`) });
  return list;
}

/** Decodes a whole placeOrder message (fields[0] is the message id 3). */
export function decodePlaceOrder(fields: readonly string[]): PlaceOrderRequest {
  const r = new FieldReader(fields, 1);
  const orderId = r.int('orderId');
  const contract = { ...readContract(r), secIdType: r.str('secIdType'), secId: r.str('secId') };
  const isBag = contract.secType.toUpperCase() === 'BAG';
  const action = r.str('action');
  const totalQuantity = r.doubleMax('totalQuantity');
  const orderType = r.str('orderType');
  const lmtPrice = r.doubleMax('lmtPrice');
  const auxPrice = r.doubleMax('auxPrice');
  const tif = r.str('tif');
  const ocaGroup = r.str('ocaGroup');
  const account = r.str('account');
  const openClose = r.str('openClose');
  const origin = r.int('origin');
  const orderRef = r.str('orderRef');
  // An empty transmit flag means the client left it at its default, which is true.
  const transmitRaw = r.str('transmit');
  const transmit = transmitRaw === '' ? true : transmitRaw !== '0' && transmitRaw !== 'false';
  const parentId = r.int('parentId');
  const blockOrder = r.bool('blockOrder');
  const sweepToFill = r.bool('sweepToFill');
  const displaySize = r.intMax('displaySize');
  const triggerMethod = r.int('triggerMethod');
  const outsideRth = r.bool('outsideRth');
  const hidden = r.bool('hidden');

  const comboLegs: PlaceOrderRequest['comboLegs'] = [];
  const orderComboLegPrices: Array<number | undefined> = [];
  let smartComboRoutingParams: TagValue[] = [];
  if (isBag) {
    const legCount = r.int('comboLegs count');
    if (legCount < 0 || legCount > 1000) throw new DecodeError(`bad comboLegs count ${legCount}`);
    for (let i = 0; i < legCount; i++) {
      comboLegs.push({
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
    const priceCount = r.int('orderComboLegs count');
    if (priceCount < 0 || priceCount > 1000) throw new DecodeError(`bad orderComboLegs count ${priceCount}`);
    for (let i = 0; i < priceCount; i++) orderComboLegPrices.push(r.doubleMax('orderComboLeg price'));
    smartComboRoutingParams = readTagValues(r, 'smartComboRoutingParams');
  }
  r.str('sharesAllocation (deprecated)');
  const discretionaryAmt = r.doubleMax('discretionaryAmt');
  const goodAfterTime = r.str('goodAfterTime');
  const goodTillDate = r.str('goodTillDate');
  const faGroup = r.str('faGroup');
  const faMethod = r.str('faMethod');
  const faPercentage = r.str('faPercentage');
  const modelCode = r.str('modelCode');
  const shortSaleSlot = r.int('shortSaleSlot');
  const designatedLocation = r.str('designatedLocation');
  const exemptCode = r.int('exemptCode');
  const ocaType = r.int('ocaType');
  const rule80A = r.str('rule80A');
  const settlingFirm = r.str('settlingFirm');
  const allOrNone = r.bool('allOrNone');
  const minQty = r.intMax('minQty');
  const percentOffset = r.doubleMax('percentOffset');
  const eTradeOnly = r.bool('eTradeOnly');
  const firmQuoteOnly = r.bool('firmQuoteOnly');
  const nbboPriceCap = r.doubleMax('nbboPriceCap');
  const auctionStrategy = r.intMax('auctionStrategy');
  const startingPrice = r.doubleMax('startingPrice');
  const stockRefPrice = r.doubleMax('stockRefPrice');
  const delta = r.doubleMax('delta');
  const stockRangeLower = r.doubleMax('stockRangeLower');
  const stockRangeUpper = r.doubleMax('stockRangeUpper');
  const overridePercentageConstraints = r.bool('overridePercentageConstraints');
  const volatility = r.doubleMax('volatility');
  const volatilityType = r.intMax('volatilityType');
  const deltaNeutralOrderType = r.str('deltaNeutralOrderType');
  const deltaNeutralAuxPrice = r.doubleMax('deltaNeutralAuxPrice');
  let deltaNeutral: PlaceOrderRequest['deltaNeutral'] = null;
  if (deltaNeutralOrderType !== '') {
    deltaNeutral = {
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
  const continuousUpdate = r.bool('continuousUpdate');
  const referencePriceType = r.intMax('referencePriceType');
  const trailStopPrice = r.doubleMax('trailStopPrice');
  const trailingPercent = r.doubleMax('trailingPercent');
  const scaleInitLevelSize = r.intMax('scaleInitLevelSize');
  const scaleSubsLevelSize = r.intMax('scaleSubsLevelSize');
  const scalePriceIncrement = r.doubleMax('scalePriceIncrement');
  let scale: PlaceOrderRequest['scale'] = null;
  // IB's server reads the extended scale fields only for a positive increment.
  if (scalePriceIncrement !== undefined && scalePriceIncrement > 0) {
    scale = {
      priceAdjustValue: r.doubleMax('scalePriceAdjustValue'),
      priceAdjustInterval: r.intMax('scalePriceAdjustInterval'),
      profitOffset: r.doubleMax('scaleProfitOffset'),
      autoReset: r.bool('scaleAutoReset'),
      initPosition: r.intMax('scaleInitPosition'),
      initFillQty: r.intMax('scaleInitFillQty'),
      randomPercent: r.bool('scaleRandomPercent'),
    };
  }
  const scaleTable = r.str('scaleTable');
  const activeStartTime = r.str('activeStartTime');
  const activeStopTime = r.str('activeStopTime');
  const hedgeType = r.str('hedgeType');
  const hedgeParam = hedgeType !== '' ? r.str('hedgeParam') : '';
  const optOutSmartRouting = r.bool('optOutSmartRouting');
  const clearingAccount = r.str('clearingAccount');
  const clearingIntent = r.str('clearingIntent');
  const notHeld = r.bool('notHeld');
  let deltaNeutralContract: PlaceOrderRequest['deltaNeutralContract'] = null;
  if (r.bool('deltaNeutralContract present')) {
    deltaNeutralContract = {
      conId: r.int('deltaNeutralContract conId'),
      delta: r.doubleMax('deltaNeutralContract delta'),
      price: r.doubleMax('deltaNeutralContract price'),
    };
  }
  const algoStrategy = r.str('algoStrategy');
  const algoParams = algoStrategy !== '' ? readTagValues(r, 'algoParams') : [];
  const algoId = r.str('algoId');
  const whatIf = r.bool('whatIf');
  const orderMiscOptions = r.str('orderMiscOptions');
  const solicited = r.bool('solicited');
  const randomizeSize = r.bool('randomizeSize');
  const randomizePrice = r.bool('randomizePrice');
  let pegBench: PlaceOrderRequest['pegBench'] = null;
  if (isPegBench(orderType)) {
    pegBench = {
      referenceContractId: r.int('referenceContractId'),
      isPeggedChangeAmountDecrease: r.bool('isPeggedChangeAmountDecrease'),
      peggedChangeAmount: r.doubleMax('peggedChangeAmount'),
      referenceChangeAmount: r.doubleMax('referenceChangeAmount'),
      referenceExchangeId: r.str('referenceExchangeId'),
    };
  }
  const conditionCount = r.int('conditions count');
  if (conditionCount < 0 || conditionCount > 1000)
    throw new DecodeError(`bad conditions count ${conditionCount}`);
  const conditions: DecodedCondition[] = [];
  for (let i = 0; i < conditionCount; i++) conditions.push(readCondition(r));
  const conditionsIgnoreRth = conditionCount > 0 ? r.bool('conditionsIgnoreRth') : false;
  const conditionsCancelOrder = conditionCount > 0 ? r.bool('conditionsCancelOrder') : false;
  const adjustedOrderType = r.str('adjustedOrderType');
  const triggerPrice = r.doubleMax('triggerPrice');
  const lmtPriceOffset = r.doubleMax('lmtPriceOffset');
  const adjustedStopPrice = r.doubleMax('adjustedStopPrice');
  const adjustedStopLimitPrice = r.doubleMax('adjustedStopLimitPrice');
  const adjustedTrailingAmount = r.doubleMax('adjustedTrailingAmount');
  const adjustableTrailingUnit = r.int('adjustableTrailingUnit');
  const extOperator = r.str('extOperator');
  const softDollarTierName = r.str('softDollarTier name');
  const softDollarTierValue = r.str('softDollarTier value');
  const cashQty = r.doubleMax('cashQty');
  const mifid2DecisionMaker = r.str('mifid2DecisionMaker');
  const mifid2DecisionAlgo = r.str('mifid2DecisionAlgo');
  const mifid2ExecutionTrader = r.str('mifid2ExecutionTrader');
  const mifid2ExecutionAlgo = r.str('mifid2ExecutionAlgo');
  const dontUseAutoPriceForHedge = r.bool('dontUseAutoPriceForHedge');
  const isOmsContainer = r.bool('isOmsContainer');
  const discretionaryUpToLimitPrice = r.bool('discretionaryUpToLimitPrice');
  const usePriceMgmtAlgo = r.bool('usePriceMgmtAlgo');
  const duration = r.intMax('duration');
  const postToAts = r.intMax('postToAts');
  const autoCancelParent = r.bool('autoCancelParent');
  const advancedErrorOverride = r.str('advancedErrorOverride');
  const manualOrderTime = r.str('manualOrderTime');
  const minTradeQty = contract.exchange === 'IBKRATS' ? r.intMax('minTradeQty') : undefined;
  let minCompeteSize: number | undefined;
  let competeAgainstBestOffset: number | undefined;
  let midOffsetAtWhole: number | undefined;
  let midOffsetAtHalf: number | undefined;
  let sendMidOffsets = false;
  if (isPegBest(orderType)) {
    minCompeteSize = r.intMax('minCompeteSize');
    const raw = r.str('competeAgainstBestOffset');
    // "Up to mid" travels as Infinity; only then do the mid offsets follow.
    if (raw === 'Infinity' || raw === UNSET_DOUBLE) {
      competeAgainstBestOffset = Infinity;
      sendMidOffsets = true;
    } else {
      competeAgainstBestOffset = raw === '' ? undefined : Number(raw);
    }
  } else if (isPegMid(orderType)) {
    sendMidOffsets = true;
  }
  if (sendMidOffsets) {
    midOffsetAtWhole = r.doubleMax('midOffsetAtWhole');
    midOffsetAtHalf = r.doubleMax('midOffsetAtHalf');
  }
  const customerAccount = r.str('customerAccount');
  const professionalCustomer = r.bool('professionalCustomer');
  const includeOvernight = r.bool('includeOvernight');
  const manualOrderIndicator = r.intMax('manualOrderIndicator');
  r.end('placeOrder');

  return {
    orderId,
    contract,
    action,
    totalQuantity,
    orderType,
    lmtPrice,
    auxPrice,
    tif,
    ocaGroup,
    account,
    openClose,
    origin,
    orderRef,
    transmit,
    parentId,
    blockOrder,
    sweepToFill,
    displaySize,
    triggerMethod,
    outsideRth,
    hidden,
    comboLegs,
    orderComboLegPrices,
    smartComboRoutingParams,
    discretionaryAmt,
    goodAfterTime,
    goodTillDate,
    faGroup,
    faMethod,
    faPercentage,
    modelCode,
    shortSaleSlot,
    designatedLocation,
    exemptCode,
    ocaType,
    rule80A,
    settlingFirm,
    allOrNone,
    minQty,
    percentOffset,
    eTradeOnly,
    firmQuoteOnly,
    nbboPriceCap,
    auctionStrategy,
    startingPrice,
    stockRefPrice,
    delta,
    stockRangeLower,
    stockRangeUpper,
    overridePercentageConstraints,
    volatility,
    volatilityType,
    deltaNeutralOrderType,
    deltaNeutralAuxPrice,
    deltaNeutral,
    continuousUpdate,
    referencePriceType,
    trailStopPrice,
    trailingPercent,
    scaleInitLevelSize,
    scaleSubsLevelSize,
    scalePriceIncrement,
    scale,
    scaleTable,
    activeStartTime,
    activeStopTime,
    hedgeType,
    hedgeParam,
    optOutSmartRouting,
    clearingAccount,
    clearingIntent,
    notHeld,
    deltaNeutralContract,
    algoStrategy,
    algoParams,
    algoId,
    whatIf,
    orderMiscOptions,
    solicited,
    randomizeSize,
    randomizePrice,
    pegBench,
    conditions,
    conditionsIgnoreRth,
    conditionsCancelOrder,
    adjustedOrderType,
    triggerPrice,
    lmtPriceOffset,
    adjustedStopPrice,
    adjustedStopLimitPrice,
    adjustedTrailingAmount,
    adjustableTrailingUnit,
    extOperator,
    softDollarTierName,
    softDollarTierValue,
    cashQty,
    mifid2DecisionMaker,
    mifid2DecisionAlgo,
    mifid2ExecutionTrader,
    mifid2ExecutionAlgo,
    dontUseAutoPriceForHedge,
    isOmsContainer,
    discretionaryUpToLimitPrice,
    usePriceMgmtAlgo,
    duration,
    postToAts,
    autoCancelParent,
    advancedErrorOverride,
    manualOrderTime,
    minTradeQty,
    minCompeteSize,
    competeAgainstBestOffset,
    midOffsetAtWhole,
    midOffsetAtHalf,
    customerAccount,
    professionalCustomer,
    includeOvernight,
    manualOrderIndicator,
  };
}

/** Order types and times in force the matching engine simulates. */
export const SIMULATED_ORDER_TYPES = ['MKT', 'LMT', 'STP', 'STP LMT'] as const;
export const SIMULATED_TIFS = ['DAY', 'GTC', 'IOC', 'FOK'] as const;
export type SimulatedOrderType = (typeof SIMULATED_ORDER_TYPES)[number];
export type SimulatedTif = (typeof SIMULATED_TIFS)[number];

/** Throws UnsupportedFeatureError naming the first feature of the order the gateway does not simulate. */
export function assertSimulated(order: PlaceOrderRequest): void {
  const refuse = (what: string): never => {
    throw new UnsupportedFeatureError(`the paper gateway does not simulate ${what}`);
  };
  if (order.contract.secType.toUpperCase() !== 'STK')
    refuse(`security type ${order.contract.secType || '(empty)'} (only STK)`);
  if (!(SIMULATED_ORDER_TYPES as readonly string[]).includes(order.orderType.toUpperCase())) {
    refuse(`order type ${order.orderType || '(empty)'} (only ${SIMULATED_ORDER_TYPES.join(', ')})`);
  }
  const tif = order.tif === '' ? 'DAY' : order.tif.toUpperCase();
  if (!(SIMULATED_TIFS as readonly string[]).includes(tif)) {
    refuse(`time in force ${order.tif} (only ${SIMULATED_TIFS.join(', ')})`);
  }
  if (!order.transmit) refuse('untransmitted orders (transmit=false)');
  if (order.parentId !== 0) refuse('attached child orders (parentId)');
  if (order.ocaGroup !== '') refuse('OCA groups');
  if (order.whatIf) refuse('what-if orders');
  if (order.algoStrategy !== '') refuse(`algo strategy ${order.algoStrategy}`);
  if (order.conditions.length > 0) refuse('order conditions');
  if (order.scale !== null || order.scaleInitLevelSize !== undefined || order.scaleTable !== '')
    refuse('scale orders');
  if (order.hedgeType !== '') refuse('hedge orders');
  if (order.deltaNeutral !== null || order.deltaNeutralContract !== null) refuse('delta-neutral orders');
  if (order.volatility !== undefined) refuse('volatility orders');
  if (order.trailStopPrice !== undefined || order.trailingPercent !== undefined) refuse('trailing orders');
  if (order.goodAfterTime !== '') refuse('goodAfterTime');
  if (order.goodTillDate !== '') refuse('goodTillDate');
  if (order.cashQty !== undefined) refuse('cash quantity orders');
  if (order.allOrNone) refuse('all-or-none orders');
  if (order.minQty !== undefined) refuse('minimum quantity');
  if (order.faGroup !== '' || order.faMethod !== '' || order.faPercentage !== '') refuse('FA allocations');
  if (order.adjustedOrderType !== '' && order.adjustedOrderType !== 'None')
    refuse('adjusted (attached) orders');
  if (order.discretionaryAmt !== undefined && order.discretionaryAmt !== 0) refuse('discretionary amounts');
}

/** Contract fields of reqMktData plus its options. */
export interface MktDataRequest {
  reqId: number;
  contract: ContractFields;
  genericTickList: string;
  snapshot: boolean;
  regulatorySnapshot: boolean;
}

/** An execution filter as sent with reqExecutions. */
export interface ExecutionFilterRequest {
  reqId: number;
  clientId: number;
  acctCode: string;
  time: string;
  symbol: string;
  secType: string;
  exchange: string;
  side: string;
}

/** Every client message the gateway understands, decoded. */
export type ClientMessage =
  | { type: 'startApi'; clientId: number; optionalCapabilities: string }
  | { type: 'placeOrder'; order: PlaceOrderRequest }
  | { type: 'cancelOrder'; orderId: number; manualOrderCancelTime: string }
  | { type: 'reqOpenOrders' }
  | { type: 'reqAllOpenOrders' }
  | { type: 'reqAutoOpenOrders'; autoBind: boolean }
  | { type: 'reqAccountUpdates'; subscribe: boolean; account: string }
  | { type: 'reqExecutions'; filter: ExecutionFilterRequest }
  | { type: 'reqIds'; numIds: number }
  | { type: 'reqContractDetails'; reqId: number; contract: ContractFields }
  | { type: 'reqMktData'; request: MktDataRequest }
  | { type: 'cancelMktData'; reqId: number }
  | { type: 'reqManagedAccts' }
  | { type: 'reqCurrentTime' }
  | { type: 'reqGlobalCancel' }
  | { type: 'reqMarketDataType'; marketDataType: number }
  | { type: 'reqPositions' }
  | { type: 'cancelPositions' }
  | { type: 'reqAccountSummary'; reqId: number; group: string; tags: string }
  | { type: 'cancelAccountSummary'; reqId: number }
  | { type: 'reqCompletedOrders'; apiOnly: boolean };

/** Decodes any client message; an unknown id or a bad layout is a DecodeError. */
export function decodeClientMessage(fields: readonly string[]): ClientMessage {
  const head = new FieldReader(fields);
  const id = head.int('message id');
  const r = new FieldReader(fields, 1);
  const done = <T extends ClientMessage>(message: T, name: string): T => {
    r.end(name);
    return message;
  };
  switch (id) {
    case OUT.START_API: {
      r.int('version');
      const clientId = r.int('clientId');
      // Older clients omit the optional capabilities field.
      const optionalCapabilities = r.remaining > 0 ? r.str('optionalCapabilities') : '';
      return done({ type: 'startApi', clientId, optionalCapabilities }, 'startApi');
    }
    case OUT.PLACE_ORDER:
      return { type: 'placeOrder', order: decodePlaceOrder(fields) };
    case OUT.CANCEL_ORDER: {
      const orderId = r.int('orderId');
      const manualOrderCancelTime = r.str('manualOrderCancelTime');
      r.str('extOperator');
      r.intMax('manualOrderIndicator');
      return done({ type: 'cancelOrder', orderId, manualOrderCancelTime }, 'cancelOrder');
    }
    case OUT.REQ_OPEN_ORDERS:
      r.int('version');
      return done({ type: 'reqOpenOrders' }, 'reqOpenOrders');
    case OUT.REQ_ALL_OPEN_ORDERS:
      r.int('version');
      return done({ type: 'reqAllOpenOrders' }, 'reqAllOpenOrders');
    case OUT.REQ_AUTO_OPEN_ORDERS:
      r.int('version');
      return done({ type: 'reqAutoOpenOrders', autoBind: r.bool('autoBind') }, 'reqAutoOpenOrders');
    case OUT.REQ_ACCOUNT_DATA:
      r.int('version');
      return done(
        { type: 'reqAccountUpdates', subscribe: r.bool('subscribe'), account: r.str('acctCode') },
        'reqAccountUpdates',
      );
    case OUT.REQ_EXECUTIONS: {
      r.int('version');
      const filter: ExecutionFilterRequest = {
        reqId: r.int('reqId'),
        clientId: r.int('filter clientId'),
        acctCode: r.str('filter acctCode'),
        time: r.str('filter time'),
        symbol: r.str('filter symbol'),
        secType: r.str('filter secType'),
        exchange: r.str('filter exchange'),
        side: r.str('filter side'),
      };
      return done({ type: 'reqExecutions', filter }, 'reqExecutions');
    }
    case OUT.REQ_IDS:
      r.int('version');
      return done({ type: 'reqIds', numIds: r.int('numIds') }, 'reqIds');
    case OUT.REQ_CONTRACT_DATA: {
      r.int('version');
      const reqId = r.int('reqId');
      const contract = readContract(r);
      r.bool('includeExpired');
      r.str('secIdType');
      r.str('secId');
      r.str('issuerId');
      return done({ type: 'reqContractDetails', reqId, contract }, 'reqContractDetails');
    }
    case OUT.REQ_MKT_DATA: {
      r.int('version');
      const reqId = r.int('reqId');
      const contract = readContract(r);
      if (contract.secType.toUpperCase() === 'BAG') {
        const legs = r.int('comboLegs count');
        for (let i = 0; i < legs; i++) {
          r.int('comboLeg conId');
          r.int('comboLeg ratio');
          r.str('comboLeg action');
          r.str('comboLeg exchange');
        }
      }
      if (r.bool('deltaNeutralContract present')) {
        r.int('deltaNeutralContract conId');
        r.doubleMax('deltaNeutralContract delta');
        r.doubleMax('deltaNeutralContract price');
      }
      const genericTickList = r.str('genericTickList');
      const snapshot = r.bool('snapshot');
      const regulatorySnapshot = r.bool('regulatorySnapshot');
      r.str('mktDataOptions');
      return done(
        { type: 'reqMktData', request: { reqId, contract, genericTickList, snapshot, regulatorySnapshot } },
        'reqMktData',
      );
    }
    case OUT.CANCEL_MKT_DATA:
      r.int('version');
      return done({ type: 'cancelMktData', reqId: r.int('reqId') }, 'cancelMktData');
    case OUT.REQ_MANAGED_ACCTS:
      r.int('version');
      return done({ type: 'reqManagedAccts' }, 'reqManagedAccts');
    case OUT.REQ_CURRENT_TIME:
      r.int('version');
      return done({ type: 'reqCurrentTime' }, 'reqCurrentTime');
    case OUT.REQ_GLOBAL_CANCEL:
      r.str('extOperator');
      r.intMax('manualOrderIndicator');
      return done({ type: 'reqGlobalCancel' }, 'reqGlobalCancel');
    case OUT.REQ_MARKET_DATA_TYPE:
      r.int('version');
      return done(
        { type: 'reqMarketDataType', marketDataType: r.int('marketDataType') },
        'reqMarketDataType',
      );
    case OUT.REQ_POSITIONS:
      r.int('version');
      return done({ type: 'reqPositions' }, 'reqPositions');
    case OUT.CANCEL_POSITIONS:
      r.int('version');
      return done({ type: 'cancelPositions' }, 'cancelPositions');
    case OUT.REQ_ACCOUNT_SUMMARY:
      r.int('version');
      return done(
        { type: 'reqAccountSummary', reqId: r.int('reqId'), group: r.str('group'), tags: r.str('tags') },
        'reqAccountSummary',
      );
    case OUT.CANCEL_ACCOUNT_SUMMARY:
      r.int('version');
      return done({ type: 'cancelAccountSummary', reqId: r.int('reqId') }, 'cancelAccountSummary');
    case OUT.REQ_COMPLETED_ORDERS:
      return done({ type: 'reqCompletedOrders', apiOnly: r.bool('apiOnly') }, 'reqCompletedOrders');
    default:
      throw new DecodeError(`unsupported message id ${id}`);
  }
}
