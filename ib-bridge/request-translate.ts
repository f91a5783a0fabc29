/**
 * IB translation for broker requests: partial contracts into IB's, IB's contract details, symbol
 * samples and what-if order states into the channel's results. No decisions here.
 */
import type { ContractQuery, SymbolMatch, WhatIfFigures, WhatIfOrder } from '../core/broker/model.ts';
import type { InstrumentDetails } from '../core/instruments/details.ts';
import type { Contract, IbOrder, OrderState } from './ib.ts';
import type { ContractDescription, ContractDetails } from '@stoqey/ib';
import { fromIbSymbol, ibSymbol } from './translate.ts';

const UNSET = 1e300;

/** A number IB set (1.7976931348623157E308 means unset), else undefined. */
function setNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < UNSET ? n : undefined;
}

/** A partial contract as IB's Contract; SMART routing unless an exchange is named. */
export function ibContractOf(q: ContractQuery): Contract {
  const secType = q.secType ?? (q.conId ? undefined : 'STK');
  const defaultExchange = secType === 'CASH' ? 'IDEALPRO' : secType === 'FUT' ? undefined : 'SMART';
  const exchange = q.exchange ?? defaultExchange;
  return {
    ...(q.conId ? { conId: q.conId } : {}),
    ...(q.symbol ? { symbol: ibSymbol(q.symbol) } : {}),
    ...(secType ? { secType } : {}),
    ...(exchange ? { exchange } : {}),
    ...(q.primaryExchange ? { primaryExch: q.primaryExchange } : {}),
    ...(q.currency ? { currency: q.currency } : {}),
    ...(q.localSymbol ? { localSymbol: q.localSymbol } : {}),
    ...(q.lastTradeDate ? { lastTradeDateOrContractMonth: q.lastTradeDate } : {}),
    ...(q.strike !== undefined ? { strike: q.strike } : {}),
    ...(q.right ? { right: q.right } : {}),
    ...(q.multiplier !== undefined ? { multiplier: q.multiplier } : {}),
  } as Contract;
}

const list = (text: string | undefined): string[] | undefined =>
  text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** IB's contract details as the OMS keeps them. */
export function instrumentDetailsOf(d: ContractDetails): InstrumentDetails {
  const c = d.contract;
  const secType = String(c.secType ?? '');
  // IB leaves the multiplier empty for stocks and forex: one unit per unit of price.
  const given = setNumber(c.multiplier);
  const multiplier = given !== undefined && given > 0 ? given : 1;
  const strike = setNumber(c.strike);
  const ruleIds = list(d.marketRuleIds)
    ?.map(Number)
    .filter((n) => Number.isInteger(n));
  const lastTradeDate = c.lastTradeDateOrContractMonth || c.lastTradeDate || undefined;
  const right = String(c.right ?? '').toUpperCase();
  return {
    conId: Number(c.conId ?? 0),
    secType,
    symbol: fromIbSymbol(String(c.symbol ?? '')),
    localSymbol: String(c.localSymbol ?? c.symbol ?? ''),
    exchange: String(c.exchange ?? ''),
    ...(c.primaryExch ? { primaryExchange: c.primaryExch } : {}),
    currency: String(c.currency ?? ''),
    multiplier,
    minTick: setNumber(d.minTick) ?? 0,
    ...(lastTradeDate ? { lastTradeDate } : {}),
    ...(strike !== undefined && strike > 0 ? { strike } : {}),
    ...(right === 'C' || right === 'CALL' ? { right: 'C' as const } : {}),
    ...(right === 'P' || right === 'PUT' ? { right: 'P' as const } : {}),
    description: d.longName || String(c.localSymbol ?? c.symbol ?? ''),
    ...(d.longName ? { longName: d.longName } : {}),
    ...(d.tradingHours ? { tradingHours: d.tradingHours } : {}),
    ...(d.liquidHours ? { liquidHours: d.liquidHours } : {}),
    ...(d.timeZoneId ? { timeZoneId: d.timeZoneId } : {}),
    ...(ruleIds && ruleIds.length > 0 ? { marketRuleIds: ruleIds } : {}),
    ...(list(d.validExchanges) ? { validExchanges: list(d.validExchanges) } : {}),
    ...(list(d.orderTypes) ? { orderTypes: list(d.orderTypes) } : {}),
    ...(d.underConId ? { underConId: d.underConId } : {}),
  };
}

/** One of IB's matching symbols. */
export function symbolMatchOf(d: ContractDescription): SymbolMatch {
  const c = d.contract ?? {};
  return {
    conId: Number(c.conId ?? 0),
    symbol: fromIbSymbol(String(c.symbol ?? '')),
    secType: String(c.secType ?? ''),
    primaryExchange: String(c.primaryExch ?? ''),
    currency: String(c.currency ?? ''),
    description: String(c.description ?? c.symbol ?? ''),
    derivativeSecTypes: (d.derivativeSecTypes ?? []).map(String),
  };
}

/** The IB order of a what-if question: never transmitted as a real order. */
export function whatIfIbOrder(o: WhatIfOrder, account: string | undefined, ref: string): IbOrder {
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const trail = o.orderType === 'TRAIL';
  return {
    action: o.action,
    totalQuantity: Number(o.quantity),
    orderType: o.orderType,
    ...(o.limitPrice ? { lmtPrice: num(o.limitPrice) } : {}),
    ...(!trail && o.stopPrice ? { auxPrice: num(o.stopPrice) } : {}),
    ...(trail && o.trailAmount ? { auxPrice: num(o.trailAmount) } : {}),
    ...(trail && o.trailPercent ? { trailingPercent: num(o.trailPercent) } : {}),
    ...(trail && o.stopPrice ? { trailStopPrice: num(o.stopPrice) } : {}),
    // Margin and commission do not depend on the expiry: a GTD question is asked as GTC.
    tif: o.timeInForce === 'GTD' ? 'GTC' : o.timeInForce,
    outsideRth: o.outsideRth,
    orderRef: ref,
    whatIf: true,
    transmit: true,
    ...(account ? { account } : {}),
  } as IbOrder;
}

const figure = (value: unknown): string => {
  const n = setNumber(value);
  return n === undefined ? '' : String(n);
};

/** IB's what-if order state as the channel's figures (empty strings where IB gave none). */
export function whatIfFiguresOf(state: OrderState): WhatIfFigures {
  return {
    initMarginChange: figure(state.initMarginChange),
    maintMarginChange: figure(state.maintMarginChange),
    equityWithLoan: figure(state.equityWithLoanAfter),
    commission: {
      min: figure(state.minCommission ?? state.commission),
      max: figure(state.maxCommission ?? state.commission),
      currency: String(state.commissionCurrency ?? ''),
    },
  };
}
