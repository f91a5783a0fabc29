/**
 * POST /orders for a bracket, OCO or OTO group: every leg is an order of its own (own id, own
 * audit trail) linked to its group; the legs, their first events, the idempotency record and the
 * group's risk reservation are written in one transaction, all or nothing.
 */
import { newOrderId, type OrderId } from '../ids.ts';
import { tradingDay, type RiskDenial } from '../risk/checks.ts';
import { groupAloneBreaks, groupReservation, type GroupReservation, type PricedLeg } from '../risk/groups.ts';
import type { RiskLimits } from '../risk/limits.ts';
import { DuplicateClientOrderIdError } from './errors.ts';
import { orderEvent } from './events.ts';
import { newOrder, orderView, type GroupRole, type Order, type OrderGroupLink } from './order.ts';
import type { PlaceRequest } from './order-class.ts';
import type {
  CountingLimits,
  IdempotencyRecord,
  NewOrderOutcome,
  OrderCommand,
  OrderQueue,
  OrderRouter,
  OrderStore,
  QuoteSource,
} from './ports.ts';
import { checkWithReferencePrice, type PriceSnapshot } from './reference-price.ts';

/** What a group placement needs from the outside world (OrderDeps, seen from here). */
export interface GroupDeps {
  store: OrderStore;
  queue: OrderQueue;
  quotes: QuoteSource;
  routes: OrderRouter;
  priceSnapshot?: PriceSnapshot;
}

interface Actor {
  tenantId: string;
  principal: string;
}

interface Outcome {
  status: number;
  body: unknown;
  replayed?: boolean;
}

/** What placeOrder has already worked out about the request, and the answers it shares with simple orders. */
export interface GroupPlacement {
  idemHash: string;
  hash: string;
  now: Date;
  extra: { source?: { strategyId: string; version: number }; correlationId?: string };
  replay(record: IdempotencyRecord, hash: string): Outcome;
  rejectedResponse(order: Order, denial: RiskDenial): Outcome;
  countingLimits(limits: RiskLimits): CountingLimits;
  /** Another request with the same key or clientOrderId won: its answer, or a 409. */
  settleLostRace(
    kind: 'idempotency-key-taken' | 'client-order-id-taken' | 'denied',
    clientOrderId: string | undefined,
  ): Promise<Outcome>;
  /** Queues a command; a failure is left to the sweeper. */
  queue(command: OrderCommand): Promise<void>;
}

/** The group's links for each leg: held legs wait for the last one, which transmits them all. */
function links(place: PlaceRequest & { orderClass: OrderGroupLink['orderClass'] }, ids: OrderId[]) {
  return place.legs.map((leg, i): OrderGroupLink => {
    const parent = leg.parentIndex === undefined ? undefined : ids[leg.parentIndex];
    return {
      orderClass: place.orderClass,
      groupId: ids[0] as OrderId,
      role: leg.role as GroupRole,
      legIds: ids,
      ...(parent ? { parentId: parent } : {}),
      // IB's attached orders: every leg but the last goes with transmit=false; OCO legs stand alone.
      held: place.orderClass !== 'oco' && i < place.legs.length - 1,
    };
  });
}

/** Places a group (orderClass bracket, oco or oto). */
export async function placeOrderGroup(
  deps: GroupDeps,
  actor: Actor,
  place: PlaceRequest,
  p: GroupPlacement,
): Promise<Outcome> {
  if (place.orderClass === 'simple') throw new Error('placeOrderGroup places groups only');
  const grouped = place as PlaceRequest & { orderClass: OrderGroupLink['orderClass'] };
  const first = place.legs[0]?.request;
  if (!first) throw new Error('a group has at least one leg');
  const clientOrderIds = place.legs.flatMap((l) =>
    l.request.clientOrderId ? [l.request.clientOrderId] : [],
  );
  const [{ previous, limits, killSwitch, existingClientOrderId }, quoted, routed] = await Promise.all([
    deps.store.placementContext(actor.tenantId, p.idemHash, clientOrderIds[0]),
    deps.quotes.latestPrice(first.symbol),
    deps.routes.route(actor.tenantId, first.account).then(
      (route) => ({ route }),
      (error: unknown) => ({ error }),
    ),
  ]);
  if (previous) return p.replay(previous, p.hash);
  if (clientOrderIds[0] && existingClientOrderId)
    throw new DuplicateClientOrderIdError(clientOrderIds[0], existingClientOrderId);
  if ('error' in routed) throw routed.error;
  const { account, connectionId } = routed.route;
  const connectionPrice = account ? await deps.quotes.latestPrice(first.symbol, connectionId) : undefined;
  const price = connectionPrice ?? quoted ?? limits.referencePrices[first.symbol];

  // Each leg passes the checks of an order of its own; then the group is counted as one.
  let denial: RiskDenial | undefined;
  const priced: PricedLeg[] = [];
  for (const leg of place.legs) {
    const checked = await checkWithReferencePrice(deps, leg.request, limits, killSwitch, price, connectionId);
    if ('denial' in checked) {
      denial = checked.denial;
      break;
    }
    priced.push({ ...leg.request, role: leg.role as GroupRole, unitPrice: checked.unitPrice });
  }
  const group = denial ? undefined : groupReservation(grouped.orderClass, priced);
  denial ??= group ? groupAloneBreaks(group, limits) : undefined;

  const ids = place.legs.map(() => newOrderId(p.now.getTime()));
  const groupLinks = links(grouped, ids);
  const at = p.now.toISOString();
  const build = (status: 'pending_new' | 'rejected', g?: GroupReservation): Order[] =>
    place.legs.map((leg, i) => ({
      ...newOrder({
        id: ids[i] as OrderId,
        tenantId: actor.tenantId,
        request: { ...leg.request, ...(account ? { account } : {}) },
        status,
        now: at,
        ...(g ? { reservation: g.perLeg[i] } : {}),
        ...(denial ? { reject: denial } : {}),
        group: groupLinks[i] as OrderGroupLink,
        ...p.extra,
      }),
      connectionId,
    }));
  const idempotency = (response: Outcome) => ({
    keyHash: p.idemHash,
    record: { requestHash: p.hash, orderId: ids[0] as string, response },
  });
  const settle = (kind: Exclude<NewOrderOutcome['kind'], 'written'>) =>
    kind === 'denied'
      ? undefined
      : p.settleLostRace(kind, clientOrderIds[0]).catch((error: unknown) => {
          // Another leg's clientOrderId may be the one taken: name it.
          if (error instanceof DuplicateClientOrderIdError && clientOrderIds.length > 1)
            throw new DuplicateClientOrderIdError(clientOrderIds.join(', '), undefined);
          throw error;
        });

  if (!denial && group) {
    const orders = build('pending_new', group);
    const response: Outcome = {
      status: 201,
      body: { ...orderView(orders[0] as Order), legs: orders.map(orderView) },
    };
    const outcome = await deps.store.createGroup({
      orders,
      events: orders.map((o) => orderEvent(o, 'order.accepted', actor.principal)),
      idempotency: idempotency(response),
      risk: {
        reservation: group.total,
        orders: group.orders,
        limits: p.countingLimits(limits),
        epochSecond: Math.floor(p.now.getTime() / 1000),
        day: tradingDay(p.now),
      },
    });
    if (outcome.kind === 'written') {
      // In leg order on the tenant's FIFO queue: the bridge places the parent before its children.
      for (const order of orders) {
        await p.queue({
          kind: 'place',
          tenantId: actor.tenantId,
          orderId: order.id,
          version: order.version,
          ...(order.account ? { account: order.account } : {}),
          connectionId,
          ...(order.correlationId ? { correlationId: order.correlationId } : {}),
        });
      }
      return response;
    }
    const lost = settle(outcome.kind);
    if (lost) return lost;
    denial = (outcome as { denial: RiskDenial }).denial;
  }

  const rejected = build('rejected');
  const reason = denial as RiskDenial;
  const base = p.rejectedResponse(rejected[0] as Order, reason);
  const response: Outcome = {
    status: base.status,
    body: { ...(base.body as object), legs: rejected.map(orderView) },
  };
  const outcome = await deps.store.createGroup({
    orders: rejected,
    events: rejected.map((o) =>
      orderEvent(o, 'order.rejected', actor.principal, {
        reason: reason.reason,
        data: { code: reason.code },
      }),
    ),
    idempotency: idempotency(response),
  });
  if (outcome.kind === 'written') return response;
  return (await settle(outcome.kind)) as Outcome;
}
