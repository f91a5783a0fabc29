import type * as z from 'zod';
import { NotFoundError, ValidationError, problemType } from '../errors.ts';
import { newOrderId, parseOrderId, type OrderId } from '../ids.ts';
import { Dec, ZERO } from '../money.ts';
import { zodIssues } from '../validation.ts';
import { RISK_CODES, tradingDay, type RiskDenial } from '../risk/checks.ts';
import type { RiskLimits } from '../risk/limits.ts';
import { RiskDeniedError } from '../risk/errors.ts';
import {
  DuplicateClientOrderIdError,
  IdempotencyKeyReusedError,
  OrderNotCancellableError,
  OrderGroupLegNotModifiableError,
  OrderNotModifiableError,
  OrderVersionConflictError,
} from './errors.ts';
import { orderEvent } from './events.ts';
import { cachedReferencePrice, checkWithReferencePrice, type PriceSnapshot } from './reference-price.ts';
import { keyHash, requestHash } from './idempotency.ts';
import { placeOrderGroup } from './group-service.ts';
import { parseOrderRequest } from './order-class.ts';
import { NO_RATES, noRateDenial, qualifyOrderBody, valuePerPrice } from './instrument-order.ts';
import { isPlainStock, positionSymbolOf } from '../instruments/identity.ts';
import type { InstrumentDeps } from '../instruments/service.ts';
import {
  ModifyOrderRequest,
  newOrder,
  orderView,
  remainingQuantity,
  transition,
  type Order,
} from './order.ts';
import type {
  CountingLimits,
  IdempotencyRecord,
  OrderQueue,
  OrderRouter,
  OrderStore,
  QuoteSource,
  RiskReservation,
} from './ports.ts';
import { isTerminal } from './status.ts';

/** What the order use cases need from the outside world. */
export interface OrderDeps {
  store: OrderStore;
  queue: OrderQueue;
  quotes: QuoteSource;
  /** The account and connection of a new order: one the tenant owns, or ACCOUNT_NOT_FOUND. */
  routes: OrderRouter;
  /** Asks the broker for a price when none is cached and risk needs one. */
  priceSnapshot?: PriceSnapshot;
  /** Qualifies the instrument an order names (orders by plain symbol need none). */
  instruments?: InstrumentDeps;
  now?: () => Date;
  /** Reports a failure the caller can't act on (a queue send the sweeper will redo). */
  warn?: (message: string, data: Record<string, unknown>) => void;
}

/** Who acts: the tenant comes from the authenticated caller, never from the request. */
export interface Actor {
  tenantId: string;
  principal: string;
}

/** A use-case result the HTTP layer sends as it is. */
export interface Outcome {
  status: number;
  body: unknown;
  /** The recorded answer to an earlier request with the same Idempotency-Key. */
  replayed?: boolean;
}

function countingLimits(limits: RiskLimits): CountingLimits {
  return {
    maxOpenOrders: limits.maxOpenOrders,
    maxGrossExposure: limits.maxGrossExposure,
    maxPositionQuantity: limits.maxPositionQuantity,
    maxOrdersPerSecond: limits.maxOrdersPerSecond,
    dailyLossLimit: limits.dailyLossLimit,
  };
}

/** Limits that a single order breaks on its own, whatever the counters hold. */
export function aloneBreaks(reservation: RiskReservation, limits: RiskLimits): RiskDenial | undefined {
  if (limits.maxGrossExposure !== null && reservation.notional.gt(limits.maxGrossExposure)) {
    return {
      code: RISK_CODES.maxGrossExposure,
      reason: `Notional ${reservation.notional.toFixed()} alone exceeds the gross exposure limit ${limits.maxGrossExposure.toFixed()}`,
    };
  }
  if (limits.maxPositionQuantity !== null && reservation.quantity.gt(limits.maxPositionQuantity)) {
    return {
      code: RISK_CODES.maxPosition,
      reason: `Quantity ${reservation.quantity.toFixed()} alone exceeds the position limit ${limits.maxPositionQuantity.toFixed()} for ${reservation.symbol}`,
    };
  }
  if (limits.maxOpenOrders === 0)
    return { code: RISK_CODES.maxOpenOrders, reason: 'The open order limit is 0' };
  if (limits.maxOrdersPerSecond === 0)
    return { code: RISK_CODES.maxOrderRate, reason: 'The order rate limit is 0' };
  return undefined;
}

function rejectedResponse(order: Order, denial: RiskDenial): Outcome {
  return {
    status: 422,
    body: {
      type: problemType(denial.code),
      title: 'Order rejected by pre-trade risk',
      status: 422,
      detail: denial.reason,
      code: denial.code,
      orderId: order.id,
      order: orderView(order),
    },
  };
}

function replay(record: IdempotencyRecord, hash: string): Outcome {
  if (record.requestHash !== hash) throw new IdempotencyKeyReusedError();
  return { ...record.response, replayed: true };
}

/**
 * POST /orders: validate, check risk, and persist the order (accepted or rejected) with its first
 * audit event and idempotency record in one transaction; then queue an accepted order for the bridge.
 */
export async function placeOrder(
  deps: OrderDeps,
  actor: Actor,
  idempotencyKey: string,
  body: unknown,
  /** Set by the strategy host for the orders its strategies place; never taken from a request body. */
  options: { source?: { strategyId: string; version: number }; correlationId?: string } = {},
): Promise<Outcome> {
  const source = {
    ...(options.source ? { source: options.source } : {}),
    ...(options.correlationId ? { correlationId: options.correlationId } : {}),
  };
  const now = deps.now?.() ?? new Date();
  const idemHash = keyHash(idempotencyKey);
  const hash = requestHash(body);
  // Qualified before anything else: the order's symbol, price and risk depend on the contract.
  const {
    body: orderBody,
    instrument,
    route: qualifiedRoute,
  } = await qualifyOrderBody(deps, actor.tenantId, body);
  const plain = isPlainStock(instrument);
  const parsed = parseOrderRequest(orderBody);
  if (parsed.success && parsed.data.orderClass !== 'simple')
    return placeOrderGroup(deps, actor, parsed.data, {
      idemHash,
      hash,
      now,
      extra: source,
      replay,
      rejectedResponse,
      countingLimits,
      settleLostRace: (kind, clientOrderId) =>
        settleLostRace(deps, actor, idemHash, hash, clientOrderId, kind),
      queue: (command) => queueOrWarn(deps, command),
    });
  const request = parsed.success ? parsed.data.legs[0]?.request : undefined;
  // Every read the decision needs, in one round trip; their order of precedence is kept below.
  const [{ previous, limits, killSwitch, existingClientOrderId: existing }, quoted, routed] =
    await Promise.all([
      deps.store.placementContext(actor.tenantId, idemHash, request?.clientOrderId),
      request && plain ? deps.quotes.latestPrice(request.symbol) : undefined,
      // Settled, not thrown: a replayed key answers as it did whatever the account is now.
      request
        ? (qualifiedRoute
            ? Promise.resolve(qualifiedRoute)
            : deps.routes.route(actor.tenantId, request.account)
          ).then(
            (route) => ({ route }),
            (error: unknown) => ({ error }),
          )
        : undefined,
    ]);
  if (previous) return replay(previous, hash);
  if (!parsed.success)
    throw new ValidationError('Invalid order', zodIssues(parsed.error as z.ZodError, 'body'));
  if (!request || !routed) throw new ValidationError('Invalid order');
  if (request.clientOrderId && existing)
    throw new DuplicateClientOrderIdError(request.clientOrderId, existing);
  // An account the tenant does not own is refused before anything is stored or queued.
  if ('error' in routed) throw routed.error;
  const { account, connectionId } = routed.route;
  const routedRequest = { ...request, ...(account ? { account } : {}) };
  // A tenant with an account of its own trades on its connection, whose quotes are its own.
  const connectionPrice =
    account && plain ? await deps.quotes.latestPrice(request.symbol, connectionId) : undefined;
  // Risk counters, positions and reference prices name a derivative by its conId, not its underlying.
  const positionSymbol = positionSymbolOf({ symbol: request.symbol, instrument });
  const price = connectionPrice ?? quoted ?? limits.referencePrices[positionSymbol];
  const perPrice = valuePerPrice(instrument, NO_RATES);
  const checked = perPrice
    ? await checkWithReferencePrice(
        // A snapshot is of a stock symbol; a derivative is priced by its own order or reference price.
        plain ? deps : { quotes: deps.quotes },
        { ...request, valuePerPrice: perPrice },
        limits,
        killSwitch,
        price,
        connectionId,
      )
    : { denial: noRateDenial(instrument) };
  const id = newOrderId(now.getTime());
  const at = now.toISOString();

  let denial: RiskDenial | undefined = 'denial' in checked ? checked.denial : undefined;
  if (!denial && 'unitPrice' in checked) {
    const reservation: RiskReservation = {
      side: request.side,
      symbol: positionSymbol,
      quantity: request.quantity,
      notional: request.quantity.mul(checked.unitPrice),
    };
    denial = aloneBreaks(reservation, limits);
    if (!denial) {
      const order: Order = {
        ...newOrder({
          id,
          tenantId: actor.tenantId,
          request: routedRequest,
          status: 'pending_new',
          now: at,
          reservation: { quantity: request.quantity, unitPrice: checked.unitPrice },
          ...source,
        }),
        connectionId,
        ...(instrument ? { instrument } : {}),
      };
      const response: Outcome = { status: 201, body: orderView(order) };
      const outcome = await deps.store.create({
        order,
        event: orderEvent(order, 'order.accepted', actor.principal),
        idempotency: { keyHash: idemHash, record: { requestHash: hash, orderId: id, response } },
        risk: {
          reservation,
          limits: countingLimits(limits),
          epochSecond: Math.floor(now.getTime() / 1000),
          day: tradingDay(now),
        },
      });
      if (outcome.kind === 'written') {
        await queueOrWarn(deps, {
          kind: 'place',
          tenantId: actor.tenantId,
          orderId: id,
          version: order.version,
          ...(order.account ? { account: order.account } : {}),
          connectionId,
          ...(order.correlationId ? { correlationId: order.correlationId } : {}),
        });
        return response;
      }
      if (outcome.kind === 'denied') denial = outcome.denial;
      else return settleLostRace(deps, actor, idemHash, hash, request.clientOrderId, outcome.kind);
    }
  }

  const rejected: Order = {
    ...newOrder({
      id,
      tenantId: actor.tenantId,
      request: routedRequest,
      status: 'rejected',
      now: at,
      reject: denial as RiskDenial,
      ...source,
    }),
    connectionId,
    ...(instrument ? { instrument } : {}),
  };
  const response = rejectedResponse(rejected, denial as RiskDenial);
  const outcome = await deps.store.create({
    order: rejected,
    event: orderEvent(rejected, 'order.rejected', actor.principal, {
      reason: (denial as RiskDenial).reason,
      data: { code: (denial as RiskDenial).code },
    }),
    idempotency: { keyHash: idemHash, record: { requestHash: hash, orderId: id, response } },
  });
  if (outcome.kind === 'written') return response;
  return settleLostRace(deps, actor, idemHash, hash, request.clientOrderId, outcome.kind);
}

/** Another request with the same key or clientOrderId won the race: answer as it did, or 409. */
async function settleLostRace(
  deps: OrderDeps,
  actor: Actor,
  idemHash: string,
  hash: string,
  clientOrderId: string | undefined,
  kind: 'idempotency-key-taken' | 'client-order-id-taken' | 'denied',
): Promise<Outcome> {
  if (kind === 'idempotency-key-taken') {
    const winner = await deps.store.findIdempotency(actor.tenantId, idemHash);
    if (winner) return replay(winner, hash);
  }
  const existing = clientOrderId
    ? await deps.store.findByClientOrderId(actor.tenantId, clientOrderId)
    : undefined;
  throw new DuplicateClientOrderIdError(clientOrderId ?? '', existing);
}

async function queueOrWarn(deps: OrderDeps, command: Parameters<OrderQueue['send']>[0]): Promise<void> {
  try {
    await deps.queue.send(command);
  } catch (error) {
    // The order is persisted; the sweeper re-queues what the bridge has not taken.
    deps.warn?.('Could not queue order command; the sweeper will retry', {
      orderId: command.orderId,
      kind: command.kind,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** An order of the caller's tenant, or 404 (also for another tenant's id). */
export async function getOrder(deps: Pick<OrderDeps, 'store'>, actor: Actor, rawId: string): Promise<Order> {
  const id = parseOrderId(rawId);
  const order = id ? await deps.store.get(actor.tenantId, id) : undefined;
  if (!order) throw new NotFoundError('Order', rawId, 'ORDER_NOT_FOUND');
  return order;
}

/** Re-reads and retries a change when another writer moved the order in between. */
async function withRetry<T>(attempts: number, fn: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof OrderVersionConflictError) || i >= attempts) throw error;
    }
  }
}

/**
 * POST /orders/{id}/cancel: pending_cancel now, the bridge cancels at the broker. An OCO leg takes
 * the other legs with it (the group's reservation rides on one leg); a bracket's parent takes its
 * exits at IB, which cancels attached orders with their parent.
 */
export async function cancelOrder(deps: OrderDeps, actor: Actor, rawId: string): Promise<Order> {
  const order = await cancelOne(deps, actor, rawId);
  if (order.group?.orderClass === 'oco') {
    for (const legId of order.group.legIds) {
      if (legId === order.id) continue;
      await cancelOne(deps, actor, legId).catch((error: unknown) => {
        if (!(error instanceof OrderNotCancellableError)) throw error;
      });
    }
  }
  return order;
}

async function cancelOne(deps: OrderDeps, actor: Actor, rawId: string): Promise<Order> {
  const order = await withRetry(5, async () => {
    const current = await getOrder(deps, actor, rawId);
    if (isTerminal(current.status)) throw new OrderNotCancellableError(current.id, current.status);
    if (current.status === 'pending_cancel') return { order: current, changed: false };
    const at = (deps.now?.() ?? new Date()).toISOString();
    const next = transition(current, 'pending_cancel', at, { previousStatus: current.status });
    await deps.store.update(
      next,
      current.version,
      orderEvent(next, 'order.cancel_requested', actor.principal),
    );
    return { order: next, changed: true };
  });
  if (order.changed) {
    await queueOrWarn(deps, {
      kind: 'cancel',
      tenantId: actor.tenantId,
      orderId: order.order.id,
      version: order.order.version,
      ...(order.order.account ? { account: order.order.account } : {}),
      ...(order.order.connectionId ? { connectionId: order.order.connectionId } : {}),
    });
  }
  return order.order;
}

const MODIFIABLE = new Set(['pending_new', 'submitted', 'partially_filled']);

/** PATCH /orders/{id}: the change goes through risk again, then to the broker as a replace. */
export async function modifyOrder(
  deps: OrderDeps,
  actor: Actor,
  rawId: string,
  body: unknown,
): Promise<Order> {
  const parsed = ModifyOrderRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError('Invalid modification', zodIssues(parsed.error, 'body'));
  const change = parsed.data;

  const result = await withRetry(5, async () => {
    const current = await getOrder(deps, actor, rawId);
    if (!MODIFIABLE.has(current.status)) throw new OrderNotModifiableError(current.id, current.status);
    // A leg's reservation is its group's share (core/risk/groups.ts): resizing one leg alone would break it.
    if (current.group) throw new OrderGroupLegNotModifiableError(current.id, current.group.groupId);
    const usesLimit = current.type === 'limit' || current.type === 'stop_limit';
    const usesStop = current.type === 'stop' || current.type === 'stop_limit';
    if (change.limitPrice !== undefined && !usesLimit) {
      throw new ValidationError(`A ${current.type} order has no limitPrice`, [
        { path: 'body.limitPrice', message: 'not allowed' },
      ]);
    }
    if (change.stopPrice !== undefined && !usesStop) {
      throw new ValidationError(`A ${current.type} order has no stopPrice`, [
        { path: 'body.stopPrice', message: 'not allowed' },
      ]);
    }
    const quantity = change.quantity ?? current.quantity;
    if (quantity.lte(current.filledQuantity)) {
      throw new ValidationError(
        `quantity must exceed the ${current.filledQuantity.toFixed()} already filled`,
        [{ path: 'body.quantity', message: 'too small' }],
      );
    }
    const intent = {
      symbol: current.symbol,
      side: current.side,
      type: current.type,
      quantity,
      ...((change.limitPrice ?? current.limitPrice)
        ? { limitPrice: change.limitPrice ?? current.limitPrice }
        : {}),
      ...((change.stopPrice ?? current.stopPrice)
        ? { stopPrice: change.stopPrice ?? current.stopPrice }
        : {}),
    };
    const [limits, killSwitch] = await Promise.all([
      deps.store.riskLimits(actor.tenantId),
      deps.store.killSwitch(actor.tenantId),
    ]);
    const price = await cachedReferencePrice(deps, limits, current.symbol, current.connectionId);
    const checked = await checkWithReferencePrice(
      deps,
      intent,
      limits,
      killSwitch,
      price,
      current.connectionId,
    );
    if ('denial' in checked) throw new RiskDeniedError(checked.denial, current.id);

    // Reserve the larger of old and new until the broker confirms; the bridge settles the difference.
    const old = current.reservation ?? { quantity: current.quantity, unitPrice: ZERO };
    const reservation = {
      quantity: Dec.max(old.quantity, quantity),
      unitPrice: Dec.max(old.unitPrice, checked.unitPrice),
    };
    const remainingBefore = old.quantity.minus(current.filledQuantity);
    const remainingAfter = reservation.quantity.minus(current.filledQuantity);
    const extra: RiskReservation = {
      side: current.side,
      symbol: current.symbol,
      quantity: remainingAfter.minus(remainingBefore),
      notional: remainingAfter.mul(reservation.unitPrice).minus(remainingBefore.mul(old.unitPrice)),
    };
    const at = (deps.now?.() ?? new Date()).toISOString();
    const next = transition(current, 'pending_replace', at, {
      previousStatus: current.status,
      reservation,
      pendingChange: {
        quantity,
        ...(intent.limitPrice ? { limitPrice: intent.limitPrice } : {}),
        // A trailing stop's stop moves at the broker; a resize must not pin it back.
        ...(intent.stopPrice && current.type !== 'trailing_stop' ? { stopPrice: intent.stopPrice } : {}),
      },
    });
    const grows = extra.quantity.gt(0) || extra.notional.gt(0);
    const written = await deps.store.update(
      next,
      current.version,
      orderEvent(next, 'order.replace_requested', actor.principal, {
        data: {
          change: {
            quantity: quantity.toFixed(),
            limitPrice: intent.limitPrice?.toFixed() ?? null,
            stopPrice: intent.stopPrice?.toFixed() ?? null,
          },
        },
      }),
      grows
        ? {
            reservation: extra,
            limits: { ...countingLimits(limits), maxOrdersPerSecond: null },
            day: tradingDay(new Date(at)),
          }
        : undefined,
    );
    if (written.kind === 'denied') throw new RiskDeniedError(written.denial, current.id);
    return next;
  });
  await queueOrWarn(deps, {
    kind: 'modify',
    tenantId: actor.tenantId,
    orderId: result.id,
    version: result.version,
    ...(result.account ? { account: result.account } : {}),
    ...(result.connectionId ? { connectionId: result.connectionId } : {}),
  });
  return result;
}

/** POST /orders/cancel-all: asks to cancel every working order of the tenant. */
export async function cancelAllOrders(
  deps: OrderDeps,
  actor: Actor,
): Promise<{ cancelled: Order[]; failed: Array<{ id: OrderId; code: string }> }> {
  const working = await deps.store.workingOrders(actor.tenantId);
  const cancelled: Order[] = [];
  const failed: Array<{ id: OrderId; code: string }> = [];
  for (const order of working) {
    if (order.status === 'pending_cancel') continue;
    try {
      cancelled.push(await cancelOrder(deps, actor, order.id));
    } catch (error) {
      // An order that ended meanwhile is not a failure of cancel-all.
      if (error instanceof OrderNotCancellableError) continue;
      failed.push({ id: order.id, code: (error as { code?: string }).code ?? 'INTERNAL' });
    }
  }
  return { cancelled, failed };
}

export { remainingQuantity };
