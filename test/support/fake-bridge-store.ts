/**
 * An in-memory ExecutionStore and BridgeStateStore with the same guards as the DynamoDB one
 * (order and position versions, fills once by execId, commissions once), for unit tests of the
 * bridge's parts. It persists what core decided, as the real store does; `failNext` makes the next
 * commit fail once (as a throttled or unreachable table would).
 */
import type { CommissionOutcome, FillOutcome, OrderChange, RouteClaim } from '../../core/bridge/apply.ts';
import { PositionVersionConflictError } from '../../core/bridge/errors.ts';
import type {
  BridgeStateStore,
  ExecutionStore,
  HousePosition,
  OrderRoute,
  StoredFill,
} from '../../core/bridge/ports.ts';
import type { Dec } from '../../core/money.ts';
import { ZERO } from '../../core/money.ts';
import { OrderVersionConflictError } from '../../core/orders/errors.ts';
import type { OrderEvent } from '../../core/orders/events.ts';
import type { Order } from '../../core/orders/order.ts';
import type { Position, PositionChangedDetail } from '../../core/positions/position.ts';
import type { Contribution } from '../../core/risk/exposure.ts';

export interface DayPnl {
  realizedPnl: Dec;
  grossRealizedPnl: Dec;
  commissions: Dec;
  fills: number;
}

export class FakeBridgeStore implements ExecutionStore, BridgeStateStore {
  readonly orders = new Map<string, Order>();
  readonly events: OrderEvent[] = [];
  readonly positions = new Map<string, Position>();
  readonly positionEvents: PositionChangedDetail[] = [];
  readonly fills = new Map<string, StoredFill>();
  readonly pnl = new Map<string, DayPnl>();
  readonly counters = new Map<string, Contribution>();
  readonly house = new Map<string, Dec>();
  readonly routesByRef = new Map<string, OrderRoute>();
  readonly routesByBrokerId = new Map<string, OrderRoute>();
  readonly working = new Map<string, OrderRoute>();
  readonly foreign = new Map<number, Record<string, unknown>>();
  nextOrderId = 1;
  watermark: string | undefined;
  /** Lookups of routes, counted (the router caches them). */
  lookups = 0;
  #failures = 0;

  /** The next `count` commits fail before writing anything. */
  failNext(count = 1): void {
    this.#failures += count;
  }

  #maybeFail(): void {
    if (this.#failures > 0) {
      this.#failures--;
      throw new Error('the table is unreachable');
    }
  }

  put(order: Order): void {
    this.orders.set(`${order.tenantId}|${order.id}`, order);
  }

  async getOrder(tenantId: string, orderId: string) {
    return this.orders.get(`${tenantId}|${orderId}`);
  }

  async getPosition(tenantId: string, account: string, symbol: string) {
    return this.positions.get(`${tenantId}|${account}|${symbol}`);
  }

  async getFill(tenantId: string, execId: string) {
    return this.fills.get(`${tenantId}|${execId}`);
  }

  #checkOrder(before: Order): void {
    const stored = this.orders.get(`${before.tenantId}|${before.id}`);
    if (!stored || stored.version !== before.version) throw new OrderVersionConflictError(before.id);
  }

  #checkPosition(p: Position, version: number): void {
    const stored = this.positions.get(`${p.tenantId}|${p.account}|${p.symbol}`);
    if ((stored?.version ?? 0) !== version)
      throw new PositionVersionConflictError(`${p.tenantId}/${p.account}/${p.symbol}`);
  }

  #addCounters(change: OrderChange['counters']): void {
    if (!change) return;
    const key = `${change.tenantId}|${change.symbol}`;
    const now = this.counters.get(key);
    const d = change.delta;
    this.counters.set(
      key,
      now
        ? {
            openOrders: now.openOrders + d.openOrders,
            exposure: now.exposure.plus(d.exposure),
            maxLong: now.maxLong.plus(d.maxLong),
            maxShort: now.maxShort.plus(d.maxShort),
            position: now.position.plus(d.position),
          }
        : { ...d },
    );
  }

  #addPnl(change: FillOutcome['pnlChange']): void {
    const key = `${change.tenantId}|${change.day}`;
    const now = this.pnl.get(key) ?? {
      realizedPnl: ZERO,
      grossRealizedPnl: ZERO,
      commissions: ZERO,
      fills: 0,
    };
    this.pnl.set(key, {
      realizedPnl: now.realizedPnl.plus(change.realized).minus(change.commission),
      grossRealizedPnl: now.grossRealizedPnl.plus(change.realized),
      commissions: now.commissions.plus(change.commission),
      fills: now.fills + change.fills,
    });
  }

  #exit(exit: OrderChange['endsWorking']): void {
    if (exit) this.working.delete(`${exit.clientId}|${exit.orderId}`);
  }

  async commitClaim(claim: RouteClaim): Promise<void> {
    this.#maybeFail();
    this.#checkOrder(claim.before);
    const { route } = claim;
    this.put(claim.order);
    this.events.push(claim.event);
    this.routesByRef.set(route.orderId, route);
    this.routesByBrokerId.set(`${route.clientId}|${route.brokerOrderId}`, route);
    this.working.set(`${route.clientId}|${route.orderId}`, route);
  }

  async commitOrderChange(change: OrderChange): Promise<void> {
    this.#maybeFail();
    this.#checkOrder(change.before);
    this.put(change.order);
    this.events.push(change.event);
    this.#addCounters(change.counters);
    this.#exit(change.endsWorking);
  }

  async commitFill(outcome: FillOutcome): Promise<'written' | 'duplicate'> {
    this.#maybeFail();
    const { fill } = outcome;
    if (this.fills.has(`${fill.tenantId}|${fill.execId}`)) return 'duplicate';
    this.#checkOrder(outcome.before);
    this.#checkPosition(outcome.position, outcome.positionVersion);
    const {
      realizedPnl: _realized,
      appliedAt: _at,
      brokerPermId: _perm,
      brokerOrderId: _id,
      ...stored
    } = fill;
    this.fills.set(`${fill.tenantId}|${fill.execId}`, stored);
    this.put(outcome.order);
    this.events.push(outcome.orderEvent);
    const p = outcome.position;
    this.positions.set(`${p.tenantId}|${p.account}|${p.symbol}`, p);
    this.positionEvents.push(outcome.positionEvent);
    this.#addPnl(outcome.pnlChange);
    const houseKey = `${outcome.house.account}|${outcome.house.symbol}`;
    this.house.set(houseKey, (this.house.get(houseKey) ?? ZERO).plus(outcome.house.quantity));
    this.#addCounters(outcome.counters);
    this.#exit(outcome.endsWorking);
    return 'written';
  }

  async commitCommission(outcome: CommissionOutcome): Promise<'written' | 'duplicate' | 'no-fill'> {
    this.#maybeFail();
    const key = `${outcome.fill.tenantId}|${outcome.fill.execId}`;
    const stored = this.fills.get(key);
    if (!stored) return 'no-fill';
    if (stored.commission !== undefined) return 'duplicate';
    this.#checkPosition(outcome.position, outcome.positionVersion);
    this.fills.set(key, { ...stored, commission: outcome.commission });
    const p = outcome.position;
    this.positions.set(`${p.tenantId}|${p.account}|${p.symbol}`, p);
    this.positionEvents.push(outcome.positionEvent);
    this.#addPnl(outcome.pnlChange);
    return 'written';
  }

  async routeOfOrderRef(orderId: string) {
    this.lookups++;
    return this.routesByRef.get(orderId);
  }

  async routeOfBrokerOrder(clientId: number, brokerOrderId: number) {
    this.lookups++;
    return this.routesByBrokerId.get(`${clientId}|${brokerOrderId}`);
  }

  async workingRoutes(clientId: number) {
    return [...this.working.values()].filter((r) => r.clientId === clientId);
  }

  async forgetWorking(clientId: number, orderId: string) {
    this.working.delete(`${clientId}|${orderId}`);
  }

  async flagForeignOrder(permId: number, details: Record<string, unknown>) {
    if (this.foreign.has(permId)) return false;
    this.foreign.set(permId, details);
    return true;
  }

  async housePositions(): Promise<HousePosition[]> {
    return [...this.house].map(([key, quantity]) => {
      const [account = '', symbol = ''] = key.split('|');
      return { account, symbol, quantity };
    });
  }

  async state() {
    return { nextOrderId: this.nextOrderId, ...(this.watermark ? { execWatermark: this.watermark } : {}) };
  }

  async reserveOrderIds(_clientId: number, atLeast: number, count: number) {
    const start = Math.max(this.nextOrderId, atLeast);
    this.nextOrderId = start + count;
    return start;
  }

  async setExecWatermark(_clientId: number, watermark: string) {
    if (!this.watermark || this.watermark < watermark) this.watermark = watermark;
  }

  async heartbeat() {}
}
