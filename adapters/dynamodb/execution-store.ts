/**
 * The bridge's side of the single table. It persists what core/bridge/apply.ts decided, each
 * change in one transaction with the version guards it carries (the routing claim with its maps
 * back from IB ids; a fill with its order, position, events, day P&L, counters and house
 * position; a commission; a status change), and reports which guard failed by name. Besides: IB
 * order ids, the executions watermark, foreign orders and the heartbeat.
 */
import {
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  type CommissionOutcome,
  type FillOutcome,
  type OrderChange,
  type RouteClaim,
} from '../../core/bridge/apply.ts';
import { LeaseLostError, OrderIdRaceError, PositionVersionConflictError } from '../../core/bridge/errors.ts';
import type { BridgeStateStore, ExecutionStore, OrderRoute } from '../../core/bridge/ports.ts';
import { OrderVersionConflictError } from '../../core/orders/errors.ts';
import type { Order } from '../../core/orders/order.ts';
import type { Position } from '../../core/positions/position.ts';
import { bridgeKeys, positionKeys, systemKeys, type BridgeScope } from '../../core/store/keys.ts';
import { decimalNumber, toItem } from './codec.ts';
import { isConditionFailure } from './errors.ts';
import {
  counterUpdates,
  dayPnlUpdates,
  itemRoute,
  positionEventItem,
  positionItem,
} from './execution-items.ts';
import { DynamoOrderStore, eventItem, itemOrder, orderItem } from './order-store.ts';
import { DynamoPositionReads } from './position-reads.ts';
import { retry, Retryable, transact, type GuardedItem } from './toolkit.ts';

export { PositionVersionConflictError, OrderIdRaceError };
export type { OrderRoute };
export type { StoredFill } from '../../core/bridge/ports.ts';
export type { StoredDailyPnl } from './position-reads.ts';
export { itemPosition } from './execution-items.ts';

const NOT_EXISTS = 'attribute_not_exists(pk)';

/** Whose bridge items a store writes, and the lease that fences them. */
export interface ExecutionStoreOptions {
  /**
   * The broker connection the bridge serves: its ids, maps, working list and foreign orders are
   * kept under the connection id. Without it they are kept per IB client id (the single bridge
   * from before connections).
   */
  connectionId?: string;
  /**
   * The fencing token of the connection's lease this bridge holds: an id reservation is written
   * only while the lease still carries it, so a bridge that lost its lease takes no new ids.
   */
  fencingToken?: () => number | undefined;
  /**
   * Keep the connection's IB state per client id, as the single bridge before connections did:
   * the connection that inherits that bridge's orders (docs/connections.md, "Upgrading").
   */
  scopeByClientId?: boolean;
}

/** The bridge's store. */
export class DynamoExecutionStore extends DynamoPositionReads implements ExecutionStore, BridgeStateStore {
  readonly orders: DynamoOrderStore;
  readonly connectionId: string | undefined;
  readonly #scopeByClientId: boolean;
  readonly #fencingToken: (() => number | undefined) | undefined;

  constructor(
    client: ConstructorParameters<typeof DynamoPositionReads>[0],
    table: string,
    options: ExecutionStoreOptions = {},
  ) {
    super(client, table);
    this.orders = new DynamoOrderStore(client, table);
    this.connectionId = options.connectionId;
    this.#fencingToken = options.fencingToken;
    this.#scopeByClientId = options.scopeByClientId ?? false;
  }

  /** The key scope of the bridge's items: the connection when there is one, else the client id. */
  private scope(clientId: number): BridgeScope {
    return this.#scopeByClientId ? clientId : (this.connectionId ?? clientId);
  }

  private transact(items: GuardedItem[]): Promise<string | undefined> {
    return transact(this.client, items, 'writing what the broker reported');
  }

  private put(item: Record<string, unknown>, condition?: string, values?: Record<string, AttributeValue>) {
    return {
      Put: {
        TableName: this.table,
        Item: toItem(item),
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    } satisfies TransactWriteItem;
  }

  private orderWrite(next: Order, expectedVersion: number): GuardedItem {
    return {
      item: this.put(orderItem(next), 'version = :v', { ':v': { N: String(expectedVersion) } }),
      guard: 'order',
    };
  }

  private positionWrite(next: Position, expectedVersion: number): GuardedItem {
    return {
      item:
        expectedVersion === 0
          ? this.put(positionItem(next), NOT_EXISTS)
          : this.put(positionItem(next), 'version = :v', { ':v': { N: String(expectedVersion) } }),
      guard: 'position',
    };
  }

  private unwatch(exit: { clientId: number; orderId: string } | undefined): GuardedItem[] {
    if (!exit) return [];
    const Key = toItem({ ...bridgeKeys.working(this.scope(exit.clientId), exit.orderId) });
    return [{ item: { Delete: { TableName: this.table, Key } } }];
  }

  private plain(items: TransactWriteItem[]): GuardedItem[] {
    return items.map((item) => ({ item }));
  }

  /** The order, read consistently. */
  async getOrder(tenantId: string, orderId: string): Promise<Order | undefined> {
    return this.orders.get(tenantId, orderId);
  }

  async commitClaim(claim: RouteClaim): Promise<void> {
    const route = { ...claim.route, ...(this.connectionId ? { connectionId: this.connectionId } : {}) };
    const scope = this.scope(route.clientId);
    const failed = await this.transact([
      this.orderWrite(claim.order, claim.before.version),
      { item: this.put(eventItem(claim.event), NOT_EXISTS), guard: 'order' },
      { item: this.put({ ...bridgeKeys.brokerOrder(scope, route.brokerOrderId), ...route }) },
      { item: this.put({ ...bridgeKeys.orderRef(route.orderId), ...route }) },
      {
        item: this.put({
          ...bridgeKeys.working(scope, route.orderId),
          ...route,
          routedAt: claim.routedAt,
        }),
      },
    ]);
    if (failed) throw new OrderVersionConflictError(claim.order.id);
  }

  async commitOrderChange(change: OrderChange): Promise<void> {
    const failed = await this.transact([
      this.orderWrite(change.order, change.before.version),
      { item: this.put(eventItem(change.event), NOT_EXISTS), guard: 'order' },
      ...this.plain(counterUpdates(this.table, change.counters)),
      ...this.unwatch(change.endsWorking),
    ]);
    if (failed) throw new OrderVersionConflictError(change.order.id);
  }

  async commitFill(outcome: FillOutcome): Promise<'written' | 'duplicate'> {
    const { fill, house } = outcome;
    const record = {
      ...fill,
      quantity: fill.quantity.toFixed(),
      price: fill.price.toFixed(),
      realizedPnl: fill.realizedPnl.toFixed(),
      ...(fill.commission !== undefined ? { commission: fill.commission.toFixed() } : {}),
    };
    const failed = await this.transact([
      {
        item: this.put(
          { ...positionKeys.fill(fill.tenantId, fill.execId), type_: 'fill', ...record },
          NOT_EXISTS,
        ),
        guard: 'fill',
      },
      this.orderWrite(outcome.order, outcome.before.version),
      { item: this.put(eventItem(outcome.orderEvent), NOT_EXISTS), guard: 'order' },
      this.positionWrite(outcome.position, outcome.positionVersion),
      { item: this.put(positionEventItem(outcome.positionEvent), NOT_EXISTS), guard: 'position' },
      ...this.plain(dayPnlUpdates(this.table, outcome.pnlChange)),
      {
        item: {
          Update: {
            TableName: this.table,
            Key: toItem({ ...bridgeKeys.housePosition(house.account, house.symbol) }),
            UpdateExpression: 'ADD quantity :q SET account = :a, symbol = :sym',
            ExpressionAttributeValues: {
              ':q': decimalNumber(house.quantity),
              ':a': { S: house.account },
              ':sym': { S: house.symbol },
            },
          },
        },
      },
      ...this.plain(counterUpdates(this.table, outcome.counters)),
      ...this.unwatch(outcome.endsWorking),
    ]);
    if (failed === undefined) return 'written';
    if (failed === 'fill') return 'duplicate';
    if (failed === 'position')
      throw new PositionVersionConflictError(`${fill.tenantId}/${fill.account}/${fill.symbol}`);
    throw new OrderVersionConflictError(outcome.order.id);
  }

  async commitCommission(outcome: CommissionOutcome): Promise<'written' | 'duplicate' | 'no-fill'> {
    const { fill, commission } = outcome;
    const failed = await this.transact([
      {
        item: {
          Update: {
            TableName: this.table,
            Key: toItem({ ...positionKeys.fill(fill.tenantId, fill.execId) }),
            UpdateExpression: 'SET commission = :c',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(commission)',
            ExpressionAttributeValues: { ':c': { S: commission.toFixed() } },
          },
        },
        guard: 'fill',
      },
      this.positionWrite(outcome.position, outcome.positionVersion),
      { item: this.put(positionEventItem(outcome.positionEvent), NOT_EXISTS), guard: 'position' },
      ...this.plain(dayPnlUpdates(this.table, outcome.pnlChange)),
    ]);
    if (failed === undefined) return 'written';
    if (failed === 'fill') return (await this.getFill(fill.tenantId, fill.execId)) ? 'duplicate' : 'no-fill';
    throw new PositionVersionConflictError(`${fill.tenantId}/${fill.account}/${fill.symbol}`);
  }

  // ------------------------------------------------------------------ ids and maps

  /** Where our order id (IB's orderRef) leads. */
  async routeOfOrderRef(orderId: string): Promise<OrderRoute | undefined> {
    const item = await this.getItem(bridgeKeys.orderRef(orderId));
    return item ? itemRoute(item) : undefined;
  }

  /** Where an IB order id of a client leads. */
  async routeOfBrokerOrder(clientId: number, brokerOrderId: number): Promise<OrderRoute | undefined> {
    const item = await this.getItem(bridgeKeys.brokerOrder(this.scope(clientId), brokerOrderId));
    return item ? itemRoute(item) : undefined;
  }

  async workingRoutes(clientId: number): Promise<OrderRoute[]> {
    return (await this.query(bridgeKeys.workingPk(this.scope(clientId)))).map(itemRoute);
  }

  async forgetWorking(clientId: number, orderId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: toItem({ ...bridgeKeys.working(this.scope(clientId), orderId) }),
      }),
    );
  }

  async state(clientId: number): Promise<{ nextOrderId: number; execWatermark?: string }> {
    const item = await this.getItem(bridgeKeys.state(this.scope(clientId)));
    return {
      nextOrderId: Number(item?.nextOrderId ?? 1),
      ...(item?.execWatermark ? { execWatermark: String(item.execWatermark) } : {}),
    };
  }

  /**
   * Advances the stored next id with a conditional write, so ids never go backwards across
   * restarts and gateways that report a lower nextValidId.
   */
  async reserveOrderIds(clientId: number, atLeast: number, count: number): Promise<number> {
    return retry(
      async () => {
        const item = await this.getItem(bridgeKeys.state(this.scope(clientId)));
        const stored = item?.nextOrderId === undefined ? undefined : Number(item.nextOrderId);
        const start = Math.max(stored ?? 1, atLeast);
        const advance: GuardedItem = {
          item: {
            Update: {
              TableName: this.table,
              Key: toItem({ ...bridgeKeys.state(this.scope(clientId)) }),
              UpdateExpression: 'SET nextOrderId = :n, clientId = :c',
              ConditionExpression:
                stored === undefined ? 'attribute_not_exists(nextOrderId)' : 'nextOrderId = :old',
              ExpressionAttributeValues: {
                ':n': { N: String(start + count) },
                ':c': { N: String(clientId) },
                ...(stored === undefined ? {} : { ':old': { N: String(stored) } }),
              },
            },
          },
          guard: 'ids',
        };
        const failed = await this.transact([...this.fence(), advance]);
        if (failed === 'lease' && this.connectionId) throw new LeaseLostError(this.connectionId);
        // Another bridge advanced it between read and write: read again.
        if (failed) throw new Retryable(new OrderIdRaceError(clientId));
        return start;
      },
      { exhausted: () => new OrderIdRaceError(clientId) },
    );
  }

  /** The lease check an id reservation carries when the bridge holds its connection by a lease. */
  private fence(): GuardedItem[] {
    const token = this.#fencingToken?.();
    if (!this.connectionId || token === undefined) return [];
    return [
      {
        item: {
          ConditionCheck: {
            TableName: this.table,
            Key: toItem({ ...bridgeKeys.lease(this.connectionId) }),
            ConditionExpression: 'fencingToken = :t',
            ExpressionAttributeValues: { ':t': { N: String(token) } },
          },
        },
        guard: 'lease',
      },
    ];
  }

  /** Remembers how far executions have been read, so a reconnect asks only for newer ones. */
  async setExecWatermark(clientId: number, watermark: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ ...bridgeKeys.state(this.scope(clientId)) }),
          UpdateExpression: 'SET execWatermark = :w',
          ConditionExpression: 'attribute_not_exists(execWatermark) OR execWatermark < :w',
          ExpressionAttributeValues: { ':w': { S: watermark } },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async flagForeignOrder(permId: number, details: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem({
            ...bridgeKeys.foreignOrder(permId, this.#scopeByClientId ? undefined : this.connectionId),
            permId,
            ...details,
          }),
          ConditionExpression: NOT_EXISTS,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The heartbeat the API's /health/ready reads. */
  async heartbeat(status: { brokerConnected: boolean; broker: string; [k: string]: unknown }): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({
          ...systemKeys.bridgeStatus(this.#scopeByClientId ? undefined : this.connectionId),
          ...status,
          updatedAt: new Date().toISOString(),
        }),
      }),
    );
  }
}

export { itemOrder };
