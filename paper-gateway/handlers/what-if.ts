/**
 * What-if orders: IB answers them with an openOrder whose order state previews the margin,
 * equity and commission the order would bring, and places nothing.
 */
import { commissionFor, usdPerUnit } from '../instruments/commissions.ts';
import type { GatewayContext } from '../context.ts';
import { contractMark } from './account.ts';
import type { WhatIfFigures } from '../encoder.ts';
import type { NewOrder, OrderRecord } from '../matching.ts';

/** The margin rate the paper account applies to gross position value (as its account values do). */
const MARGIN_RATE = 0.25;

/** The price the order would most likely trade at now. */
function expectedPrice(gw: GatewayContext, input: NewOrder): number {
  const q = gw.prices.quote(input.symbol);
  const market = input.action === 'BUY' ? q.ask : q.bid;
  if (input.orderType === 'LMT' || input.orderType === 'STP LMT') return input.lmtPrice ?? market;
  if (input.orderType === 'STP') return input.auxPrice ?? market;
  return market;
}

/** The preview of an order: account margin and equity now, and how the order would change them. */
export function whatIfFigures(gw: GatewayContext, input: NewOrder): WhatIfFigures {
  const values = gw.mainAccount.summary((s) => contractMark(gw, s));
  const price = expectedPrice(gw, input);
  const held = gw.mainAccount.position(input.symbol)?.quantity.toNumber() ?? 0;
  const after = held + (input.action === 'BUY' ? input.totalQuantity : -input.totalQuantity);
  const { derivative, currency } = gw.prices.spec(input.symbol);
  const last = contractMark(gw, input.symbol) * usdPerUnit(gw.prices, currency);
  const marginChange = MARGIN_RATE * (Math.abs(after) - Math.abs(held)) * last;
  const rate = usdPerUnit(gw.prices, currency);
  const commission = commissionFor(
    derivative,
    input.totalQuantity,
    input.totalQuantity * price,
    rate,
  ).toNumber();
  return {
    initMarginBefore: Number(values.InitMarginReq ?? 0),
    maintMarginBefore: Number(values.MaintMarginReq ?? 0),
    equityWithLoanBefore: Number(values.EquityWithLoanValue ?? 0),
    initMarginChange: marginChange,
    maintMarginChange: marginChange,
    equityWithLoanChange: -commission,
    commission,
  };
}

/** The order as openOrder shows it, without entering it in the book. */
export function previewRecord(gw: GatewayContext, input: NewOrder): OrderRecord {
  const spec = gw.prices.spec(input.symbol);
  return {
    ...input,
    key: `${input.clientId}:${input.orderId}`,
    permId: 0,
    conId: spec.conId,
    primaryExch: spec.primaryExch,
    currency: spec.currency,
    exchange: spec.derivative?.exchange ?? 'SMART',
    ...(spec.derivative ? { derivative: spec.derivative } : {}),
    status: 'PreSubmitted',
    filled: 0,
    avgFillPrice: 0,
    lastFillPrice: 0,
    filledValue: '0',
    commission: '0',
    triggered: false,
    manual: false,
    whyHeld: '',
    createdAt: gw.clock.now(),
    completedAt: null,
    completedStatus: '',
  };
}
