/**
 * POST /orders/preview: the order goes through the same validation and pre-trade checks as
 * POST /orders, then IB is asked what-if. Nothing is written: no order, no idempotency record, no
 * reservation against the counters.
 *
 * A risk denial still asks the broker: the preview answers "would the OMS take it, and what would
 * IB charge and require", and a trader adjusting an order wants IB's figures on both sides of a
 * limit. A what-if places nothing at the broker, so asking costs one paced message.
 */
import type * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { formatDecimal, type Dec } from '../money.ts';
import { zodIssues } from '../validation.ts';
import { askBroker, type BrokerAskDeps } from '../broker/service.ts';
import type { ContractQuery, WhatIfFigures, WhatIfOrder } from '../broker/model.ts';
import type { RiskDenial } from '../risk/checks.ts';
import { NewOrderRequest } from './order.ts';
import { checkWithReferencePrice } from './reference-price.ts';
import { aloneBreaks, type Actor, type OrderDeps } from './service.ts';
import { IB_WHAT_IF_ORDER_TYPES, IB_WHAT_IF_TIFS } from './what-if-terms.ts';

export interface PreviewDeps extends Pick<OrderDeps, 'store' | 'quotes' | 'routes' | 'priceSnapshot'> {
  broker: BrokerAskDeps;
}

/** The preview's answer, as the HTTP contract shows it. */
export interface OrderPreview {
  risk: { passed: boolean; code?: string; detail?: string };
  /** quantity × the price risk used × the multiplier; null when risk had no price. */
  notional: string | null;
  currency: string;
  broker: WhatIfFigures;
}

/** The what-if order of a request. */
function whatIfOrderOf(request: NewOrderRequest): WhatIfOrder {
  const text = (d: Dec | undefined) => (d === undefined ? undefined : d.toFixed());
  return {
    action: request.side === 'buy' ? 'BUY' : 'SELL',
    quantity: request.quantity.toFixed(),
    orderType: IB_WHAT_IF_ORDER_TYPES[request.type],
    ...(request.limitPrice ? { limitPrice: text(request.limitPrice) } : {}),
    ...(request.stopPrice ? { stopPrice: text(request.stopPrice) } : {}),
    ...(request.trailAmount ? { trailAmount: text(request.trailAmount) } : {}),
    ...(request.trailPercent ? { trailPercent: text(request.trailPercent) } : {}),
    timeInForce: IB_WHAT_IF_TIFS[request.timeInForce],
    outsideRth: request.outsideRth,
  };
}

/** Validates, checks risk without reserving, and asks the broker what-if. */
export async function previewOrder(deps: PreviewDeps, actor: Actor, body: unknown): Promise<OrderPreview> {
  const parsed = NewOrderRequest.safeParse(body);
  if (!parsed.success)
    throw new ValidationError('Invalid order', zodIssues(parsed.error as z.ZodError, 'body'));
  const request = parsed.data;
  const [limits, killSwitch, route] = await Promise.all([
    deps.store.riskLimits(actor.tenantId),
    deps.store.killSwitch(actor.tenantId),
    deps.routes.route(actor.tenantId, request.account),
  ]);
  const { account, connectionId } = route;
  // The price placement would use: the order's connection's quote, the shared one, the tenant's.
  const price =
    (account ? await deps.quotes.latestPrice(request.symbol, connectionId) : undefined) ??
    (await deps.quotes.latestPrice(request.symbol)) ??
    limits.referencePrices[request.symbol];
  const checked = await checkWithReferencePrice(deps, request, limits, killSwitch, price, connectionId);
  let denial: RiskDenial | undefined = 'denial' in checked ? checked.denial : undefined;
  const notional = 'unitPrice' in checked ? request.quantity.mul(checked.unitPrice) : undefined;
  if (!denial && notional) {
    denial = aloneBreaks(
      { side: request.side, symbol: request.symbol, quantity: request.quantity, notional },
      limits,
    );
  }
  const contract: ContractQuery = {
    symbol: request.symbol,
    secType: 'STK',
    exchange: 'SMART',
    currency: 'USD',
  };
  const figures = (await askBroker(
    deps.broker,
    { tenantId: actor.tenantId, connectionId, ...(account ? { account } : {}) },
    { kind: 'what_if', contract, order: whatIfOrderOf(request) },
  )) as WhatIfFigures;
  return {
    risk: denial ? { passed: false, code: denial.code, detail: denial.reason } : { passed: true },
    notional: notional && notional.gt(0) ? formatDecimal(notional) : null,
    currency: 'USD',
    broker: figures,
  };
}
