import type { Dec } from '../money.ts';
import type { KillSwitchState, RiskLimits } from '../risk/limits.ts';
import type { RiskDenial } from '../risk/checks.ts';
import type { Order, Side } from './order.ts';
import type { OrderEvent } from './events.ts';
import type { OrderStatus } from './status.ts';

/** The stored outcome of a POST /orders, replayed for the same Idempotency-Key and body. */
export interface IdempotencyRecord {
  requestHash: string;
  orderId: string;
  response: { status: number; body: unknown };
}

/** What a working order holds against the tenant's counting limits. */
export interface RiskReservation {
  side: Side;
  symbol: string;
  quantity: Dec;
  notional: Dec;
}

/** The counting limits the store enforces atomically with the write. */
export interface CountingLimits {
  maxOpenOrders: number | null;
  maxGrossExposure: Dec | null;
  maxPositionQuantity: Dec | null;
  maxOrdersPerSecond: number | null;
  dailyLossLimit: Dec | null;
}

export interface NewOrderWrite {
  order: Order;
  event: OrderEvent;
  idempotency: { keyHash: string; record: IdempotencyRecord };
  /** Present for an accepted order: the counters it moves and the limits they must stay within. */
  risk?: { reservation: RiskReservation; limits: CountingLimits; epochSecond: number; day: string };
}

/** A bracket, OCO or OTO group: every leg with its first event, one idempotency record, one reservation. */
export interface NewGroupWrite {
  orders: Order[];
  events: OrderEvent[];
  idempotency: { keyHash: string; record: IdempotencyRecord };
  /** Present for an accepted group: its worst case (core/risk/groups.ts) and how many orders it adds. */
  risk?: {
    reservation: RiskReservation;
    orders: number;
    limits: CountingLimits;
    epochSecond: number;
    day: string;
  };
}

export type NewOrderOutcome =
  | { kind: 'written' }
  | { kind: 'idempotency-key-taken' }
  | { kind: 'client-order-id-taken' }
  | { kind: 'denied'; denial: RiskDenial };

export interface OrderListQuery {
  status?: OrderStatus;
  symbol?: string;
  side?: Side;
  fromMs?: number;
  toMs?: number;
  limit: number;
  cursor?: string;
}

/** What POST /orders reads before it decides: one request to the store. */
export interface PlacementContext {
  previous: IdempotencyRecord | undefined;
  limits: RiskLimits;
  killSwitch: KillSwitchState;
  /** The order that already holds the requested clientOrderId, if any. */
  existingClientOrderId: string | undefined;
}

/** Port: orders, their audit trail and the tenant's risk state. Tenant always first. */
export interface OrderStore {
  /** The idempotency record, limits, kill switch and clientOrderId holder, read together. */
  placementContext(tenantId: string, keyHash: string, clientOrderId?: string): Promise<PlacementContext>;
  findIdempotency(tenantId: string, keyHash: string): Promise<IdempotencyRecord | undefined>;
  findByClientOrderId(tenantId: string, clientOrderId: string): Promise<string | undefined>;
  /** Writes a new order with its first event and idempotency record, all or nothing. */
  create(write: NewOrderWrite): Promise<NewOrderOutcome>;
  /** Writes every leg of a group with its events, idempotency record and reservation, all or nothing. */
  createGroup(write: NewGroupWrite): Promise<NewOrderOutcome>;
  get(tenantId: string, orderId: string): Promise<Order | undefined>;
  list(tenantId: string, query: OrderListQuery): Promise<{ items: Order[]; nextCursor?: string }>;
  events(tenantId: string, orderId: string): Promise<OrderEvent[]>;
  /**
   * Replaces the order if it is still at `expectedVersion`, appending `event`; with `reserve`,
   * also moves the counters by that extra amount within the limits. Throws
   * OrderVersionConflictError if the order moved on, or returns a denial if a limit would break.
   */
  update(
    next: Order,
    expectedVersion: number,
    event: OrderEvent,
    reserve?: { reservation: RiskReservation; limits: CountingLimits; day: string },
  ): Promise<{ kind: 'written' } | { kind: 'denied'; denial: RiskDenial }>;
  workingOrders(tenantId: string): Promise<Order[]>;
  riskLimits(tenantId: string): Promise<RiskLimits>;
  putRiskLimits(tenantId: string, limits: RiskLimits, changedBy: string): Promise<void>;
  killSwitch(tenantId: string): Promise<KillSwitchState>;
  setKillSwitch(tenantId: string, state: KillSwitchState): Promise<void>;
}

/** Port: the FIFO queue to the bridge. Messages of one tenant and account stay in order. */
export interface OrderQueue {
  send(command: OrderCommand): Promise<void>;
}

export interface OrderCommand {
  kind: 'place' | 'cancel' | 'modify';
  tenantId: string;
  orderId: string;
  account?: string;
  /** The connection whose bridge places the order; its queue is the one the command goes to. */
  connectionId?: string;
  /** The order version the command was issued at, so the bridge can tell a stale message. */
  version: number;
  /** The request id that issued the command (an SQS message attribute too). */
  correlationId?: string;
}

/** Port: the account an order trades in and the connection that places it (ACCOUNT_NOT_FOUND otherwise). */
export interface OrderRouter {
  route(tenantId: string, account: string | undefined): Promise<{ account?: string; connectionId: string }>;
}

/** Port: the latest price for a symbol (cached quote), used for notional and the collar. */
export interface QuoteSource {
  /** From the quotes of `connectionId` when given (each connection caches its own). */
  latestPrice(symbol: string, connectionId?: string): Promise<Dec | undefined>;
}
