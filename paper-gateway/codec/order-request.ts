/**
 * What a placeOrder carries, and which of it the matching engine simulates.
 */
import { UnsupportedFeatureError } from '../errors.ts';
import type { ContractFields, DecodedCondition, TagValue } from './reader.ts';

/** Every field of a placeOrder message (fields a lower version lacks read as their defaults). */
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

/** Order types and times in force the matching engine simulates. */
export const SIMULATED_ORDER_TYPES = ['MKT', 'LMT', 'STP', 'STP LMT', 'TRAIL'] as const;
export const SIMULATED_TIFS = ['DAY', 'GTC', 'IOC', 'FOK', 'GTD'] as const;
const SIMULATED_SEC_TYPES: readonly string[] = ['', 'STK', 'OPT', 'FUT', 'CASH'];
export type SimulatedOrderType = (typeof SIMULATED_ORDER_TYPES)[number];
export type SimulatedTif = (typeof SIMULATED_TIFS)[number];

/** Throws UnsupportedFeatureError naming the first feature of the order the gateway does not simulate. */
export function assertSimulated(order: PlaceOrderRequest): void {
  const refuse = (what: string): never => {
    throw new UnsupportedFeatureError(`the paper gateway does not simulate ${what}`);
  };
  // An empty secType is a contract named by conId alone, resolved before this check.
  if (!SIMULATED_SEC_TYPES.includes(order.contract.secType.toUpperCase()))
    refuse(
      `security type ${order.contract.secType} (only ${SIMULATED_SEC_TYPES.filter(Boolean).join(', ')})`,
    );
  if (!(SIMULATED_ORDER_TYPES as readonly string[]).includes(order.orderType.toUpperCase())) {
    refuse(`order type ${order.orderType || '(empty)'} (only ${SIMULATED_ORDER_TYPES.join(', ')})`);
  }
  const tif = order.tif === '' ? 'DAY' : order.tif.toUpperCase();
  if (!(SIMULATED_TIFS as readonly string[]).includes(tif)) {
    refuse(`time in force ${order.tif} (only ${SIMULATED_TIFS.join(', ')})`);
  }
  if (order.ocaGroup !== '' && ![1, 2, 3].includes(order.ocaType))
    refuse(`OCA type ${order.ocaType} (only 1, 2, 3)`);
  if (order.algoStrategy !== '') refuse(`algo strategy ${order.algoStrategy}`);
  if (order.conditions.length > 0) refuse('order conditions');
  if (order.scale !== null || order.scaleInitLevelSize !== undefined || order.scaleTable !== '')
    refuse('scale orders');
  if (order.hedgeType !== '') refuse('hedge orders');
  if (order.deltaNeutral !== null || order.deltaNeutralContract !== null) refuse('delta-neutral orders');
  if (order.volatility !== undefined) refuse('volatility orders');
  const trail = order.orderType.toUpperCase() === 'TRAIL';
  if (!trail && (order.trailStopPrice !== undefined || order.trailingPercent !== undefined))
    refuse(`trailing fields on a ${order.orderType} order (only TRAIL)`);
  if (order.goodAfterTime !== '') refuse('goodAfterTime');
  if (order.goodTillDate !== '' && tif !== 'GTD') refuse(`goodTillDate with time in force ${tif} (only GTD)`);
  if (order.cashQty !== undefined) refuse('cash quantity orders');
  if (order.allOrNone) refuse('all-or-none orders');
  if (order.minQty !== undefined) refuse('minimum quantity');
  if (order.faGroup !== '' || order.faMethod !== '' || order.faPercentage !== '') refuse('FA allocations');
  if (order.adjustedOrderType !== '' && order.adjustedOrderType !== 'None')
    refuse('adjusted (attached) orders');
  if (order.discretionaryAmt !== undefined && order.discretionaryAmt !== 0) refuse('discretionary amounts');
}
