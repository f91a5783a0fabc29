/** A new order's record as the gateway keeps it, from what the client sent. */
import type { EngineHost, NewOrder, OrderRecord } from './order-types.ts';

/** The record of a new order: a fresh permId, the contract from the universe, PendingSubmit. */
export function newOrderRecord(input: NewOrder, host: EngineHost): OrderRecord {
  const spec = host.prices.spec(input.symbol);
  const permId = host.nextPermId();
  return {
    key: input.manual ? `perm:${permId}` : `${input.clientId}:${input.orderId}`,
    orderId: input.manual ? 0 : input.orderId,
    clientId: input.manual ? 0 : input.clientId,
    permId,
    account: input.account,
    symbol: spec.symbol,
    conId: spec.conId,
    primaryExch: spec.primaryExch,
    currency: spec.currency,
    exchange: spec.derivative?.exchange ?? 'SMART',
    ...(spec.derivative ? { derivative: spec.derivative } : {}),
    action: input.action,
    totalQuantity: input.totalQuantity,
    orderType: input.orderType,
    lmtPrice: input.lmtPrice,
    auxPrice: input.auxPrice,
    tif: input.tif,
    outsideRth: input.outsideRth,
    orderRef: input.orderRef,
    ...(input.trailingPercent !== undefined ? { trailingPercent: input.trailingPercent } : {}),
    ...(input.trailStopPrice !== undefined ? { trailStopPrice: input.trailStopPrice } : {}),
    ...(input.goodTillDate !== undefined ? { goodTillDate: input.goodTillDate } : {}),
    ...(input.parentKey !== undefined ? { parentKey: input.parentKey } : {}),
    ...(input.ocaGroup ? { ocaGroup: input.ocaGroup, ocaType: input.ocaType ?? 1 } : {}),
    status: 'PendingSubmit',
    filled: 0,
    avgFillPrice: 0,
    lastFillPrice: 0,
    filledValue: '0',
    commission: '0',
    triggered: input.orderType === 'MKT' || input.orderType === 'LMT',
    manual: input.manual ?? false,
    whyHeld: '',
    createdAt: host.now(),
    completedAt: null,
    completedStatus: '',
  };
}
