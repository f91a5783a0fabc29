/**
 * The bridge's side of the single table: the routing claim, broker id maps, IB order ids, fills
 * applied exactly once (order, position, day P&L, risk counters, audit and outbox in one
 * transaction), commissions, status changes that move the counters, and the heartbeat.
 */
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../core/errors.ts';
import type { BrokerOrderId } from '../../core/ids.ts';
import { Dec, ZERO } from '../../core/money.ts';
import { OrderVersionConflictError } from '../../core/orders/errors.ts';
import { orderEvent, type OrderEvent, type OrderEventType } from '../../core/orders/events.ts';
import { amend, transition, type Order } from '../../core/orders/order.ts';
import { isTerminal, type OrderStatus } from '../../core/orders/status.ts';
import {
  applyCommission,
  applyFill,
  emptyPosition,
  positionChangedDetail,
  type Fill,
  type Position,
} from '../../core/positions/position.ts';
import { counterDelta, isZeroDelta, type Contribution } from '../../core/risk/exposure.ts';
import { tradingDay } from '../../core/risk/checks.ts';
import {
  bridgeKeys,
  outboxSk,
  positionKeys,
  riskKeys,
  systemKeys,
  workKeys,
  type ItemKey,
} from '../../core/store/keys.ts';
import { decimalNumber, fromItem, toItem } from './codec.ts';
import { DynamoOrderStore, eventItem, itemOrder, orderItem } from './order-store.ts';

/** The position moved on between read and write: re-read and apply again. */
export class PositionVersionConflictError extends Error {
  readonly code = 'POSITION_VERSION_CONFLICT';
  constructor(key: string) {
    super(`Position ${key} changed concurrently; retry`);
    this.name = 'PositionVersionConflictError';
  }
}

/** Another bridge took the IB order ids this one meant to use. */
export class OrderIdRaceError extends Error {
  readonly code = 'ORDER_ID_RACE';
  constructor(clientId: number) {
    super(`The next order id of client ${clientId} moved concurrently; retry`);
    this.name = 'OrderIdRaceError';
  }
}

/** Where an IB order id or orderRef leads. */
export interface OrderRoute {
  tenantId: string;
  orderId: string;
  clientId: number;
  brokerOrderId: number;
}

/** A fill as the store records it. */
export interface StoredFill {
  tenantId: string;
  execId: string;
  orderId: string;
  account: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: Dec;
  price: Dec;
  at: string;
  day: string;
  commission?: Dec;
}

/** The tenant's P&L for a day as stored (before marking to market). */
export interface StoredDailyPnl {
  day: string;
  realizedPnl: Dec;
  grossRealizedPnl: Dec;
  commissions: Dec;
  fills: number;
  bySymbol: Array<{
    symbol: string;
    realizedPnl: Dec;
    grossRealizedPnl: Dec;
    commissions: Dec;
    fills: number;
    boughtQuantity: Dec;
    soldQuantity: Dec;
  }>;
}

const NOT_EXISTS = 'attribute_not_exists(pk)';

type Outcome = 'written' | { failedIndex: number };

function positionItem(p: Position): Record<string, unknown> {
  return {
    ...positionKeys.position(p.tenantId, p.account, p.symbol),
    type_: 'position',
    tenantId: p.tenantId,
    account: p.account,
    symbol: p.symbol,
    quantity: p.quantity.toFixed(),
    averageCost: p.averageCost.toFixed(),
    realizedPnl: p.realizedPnl.toFixed(),
    commissions: p.commissions.toFixed(),
    fills: p.fills,
    version: p.version,
    updatedAt: p.updatedAt,
  };
}

/** Item → Position. */
export function itemPosition(raw: Record<string, unknown>): Position {
  return {
    tenantId: raw.tenantId as string,
    account: raw.account as string,
    symbol: raw.symbol as string,
    quantity: new Dec(raw.quantity as string),
    averageCost: new Dec(raw.averageCost as string),
    realizedPnl: new Dec(raw.realizedPnl as string),
    commissions: new Dec((raw.commissions as string | undefined) ?? '0'),
    fills: Number(raw.fills ?? 0),
    version: Number(raw.version),
    updatedAt: raw.updatedAt as string,
  };
}

function num(v: unknown): Dec {
  return v === undefined || v === null ? ZERO : new Dec(String(v));
}

/** The bridge's store. */
export class DynamoExecutionStore {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly orders: DynamoOrderStore;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
    this.orders = new DynamoOrderStore(client, table);
  }

  // ------------------------------------------------------------------ plumbing

  private async transact(items: TransactWriteItem[]): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return 'written';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException))
          throw new DependencyError('The bridge store failed', { cause: error });
        const reasons = error.CancellationReasons ?? [];
        const failedIndex = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failedIndex >= 0) return { failedIndex };
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= 8)
          throw new DependencyError('The bridge transaction was cancelled', { cause: error });
        await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
      }
    }
  }

  private async getItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toItem({ ...key }), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
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

  private orderPut(next: Order, expectedVersion: number): TransactWriteItem {
    return this.put(orderItem(next), 'version = :v', { ':v': { N: String(expectedVersion) } });
  }

  private positionPut(next: Position, expectedVersion: number): TransactWriteItem {
    return expectedVersion === 0
      ? this.put(positionItem(next), NOT_EXISTS)
      : this.put(positionItem(next), 'version = :v', { ':v': { N: String(expectedVersion) } });
  }

  /** The counter updates for a delta (nothing when it moves nothing). */
  private counterUpdates(tenantId: string, symbol: string, delta: Contribution): TransactWriteItem[] {
    if (isZeroDelta(delta)) return [];
    return [
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...riskKeys.counters(tenantId) }),
          UpdateExpression: 'ADD openOrders :o, exposure :e',
          ExpressionAttributeValues: {
            ':o': { N: String(delta.openOrders) },
            ':e': decimalNumber(delta.exposure),
          },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...riskKeys.symbol(tenantId, symbol) }),
          UpdateExpression: 'ADD maxLong :l, maxShort :s, #p :p',
          ExpressionAttributeNames: { '#p': 'position' },
          ExpressionAttributeValues: {
            ':l': decimalNumber(delta.maxLong),
            ':s': decimalNumber(delta.maxShort),
            ':p': decimalNumber(delta.position),
          },
        },
      },
    ];
  }

  /**
   * The day's P&L, for the tenant (the daily-loss check reads its `realizedPnl`, a NUMBER) and per
   * symbol: realized P&L is net of commissions, `grossRealizedPnl` before them.
   */
  private dayPnlUpdates(
    tenantId: string,
    day: string,
    symbol: string,
    change: { realized: Dec; commission: Dec; fills: 0 | 1; bought: Dec; sold: Dec },
  ): TransactWriteItem[] {
    const values = {
      ':n': decimalNumber(change.realized.minus(change.commission)),
      ':r': decimalNumber(change.realized),
      ':c': decimalNumber(change.commission),
      ':f': { N: String(change.fills) },
      ':day': { S: day },
    };
    const adds = 'ADD realizedPnl :n, grossRealizedPnl :r, commissions :c, fills :f';
    return [
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...riskKeys.dailyPnl(tenantId, day) }),
          UpdateExpression: `${adds} SET #d = :day, tenantId = :t`,
          ExpressionAttributeNames: { '#d': 'day' },
          ExpressionAttributeValues: { ...values, ':t': { S: tenantId } },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...positionKeys.dailySymbolPnl(tenantId, day, symbol) }),
          UpdateExpression: `${adds}, boughtQuantity :b, soldQuantity :s SET symbol = :sym, #d = :day`,
          ExpressionAttributeNames: { '#d': 'day' },
          ExpressionAttributeValues: {
            ...values,
            ':b': decimalNumber(change.bought),
            ':s': decimalNumber(change.sold),
            ':sym': { S: symbol },
          },
        },
      },
    ];
  }

  private positionEventPut(
    position: Position,
    cause: Parameters<typeof positionChangedDetail>[1],
  ): TransactWriteItem {
    const detail = positionChangedDetail(position, cause);
    const entity = `${position.tenantId}:${position.account}:${position.symbol}`;
    return this.put(
      {
        ...positionKeys.positionEvent(position.tenantId, position.account, position.symbol, position.version),
        type_: 'position_event',
        detailType: detail.type,
        detail,
        gsi3pk: workKeys.outboxPk(workKeys.shardOf(entity)),
        gsi3sk: outboxSk(position.updatedAt, entity, position.version),
      },
      NOT_EXISTS,
    );
  }

  // ------------------------------------------------------------------ orders

  /** The order, read consistently. */
  async getOrder(tenantId: string, orderId: string): Promise<Order | undefined> {
    return this.orders.get(tenantId, orderId);
  }

  /**
   * The routing claim: the order gets its IB order id (status unchanged) with an `order.routed`
   * event, and the maps from IB ids back to it, before anything is sent. Throws
   * OrderVersionConflictError if the order moved on: then someone else took it.
   */
  async claim(
    order: Order,
    brokerOrderId: number,
    clientId: number,
    now: string,
    reroute?: number,
  ): Promise<Order> {
    const next = amend(order, now, { brokerOrderId: brokerOrderId as BrokerOrderId });
    const event = orderEvent(next, 'order.routed', 'system:bridge', {
      data: { brokerOrderId, clientId, ...(reroute !== undefined ? { replacesBrokerOrderId: reroute } : {}) },
    });
    const route = { tenantId: order.tenantId, orderId: order.id, clientId, brokerOrderId };
    const outcome = await this.transact([
      this.orderPut(next, order.version),
      this.put(eventItem(event), NOT_EXISTS),
      this.put({ ...bridgeKeys.brokerOrder(clientId, brokerOrderId), ...route }),
      this.put({ ...bridgeKeys.orderRef(order.id), ...route }),
      this.put({ ...bridgeKeys.working(clientId, order.id), ...route, routedAt: now }),
    ]);
    if (outcome !== 'written') throw new OrderVersionConflictError(order.id);
    return next;
  }

  /**
   * A status change decided from a broker message (or a local cancel), with the counters moved by
   * the change in the order's contribution and the order taken off the working list once it ends.
   */
  async changeStatus(
    order: Order,
    to: OrderStatus,
    type: OrderEventType,
    now: string,
    extra: {
      changes?: Partial<Order>;
      reason?: string;
      data?: Record<string, unknown>;
      actor?: string;
      clientId?: number;
    },
  ): Promise<Order> {
    const next = transition(order, to, now, extra.changes ?? {});
    const event = orderEvent(next, type, extra.actor ?? 'broker', {
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.data ? { data: extra.data } : {}),
    });
    const items: TransactWriteItem[] = [
      this.orderPut(next, order.version),
      this.put(eventItem(event), NOT_EXISTS),
      ...this.counterUpdates(order.tenantId, order.symbol, counterDelta({ order }, { order: next })),
    ];
    if (isTerminal(to) && extra.clientId !== undefined) {
      items.push({
        Delete: { TableName: this.table, Key: toItem({ ...bridgeKeys.working(extra.clientId, order.id) }) },
      });
    }
    const outcome = await this.transact(items);
    if (outcome !== 'written') throw new OrderVersionConflictError(order.id);
    return next;
  }

  // ------------------------------------------------------------------ fills

  async getPosition(tenantId: string, account: string, symbol: string): Promise<Position | undefined> {
    const item = await this.getItem(positionKeys.position(tenantId, account, symbol));
    return item ? itemPosition(item) : undefined;
  }

  /**
   * Applies one execution exactly once: the fill item (keyed by execId) is the guard, and the
   * order, its audit event, the position and its position.changed event, the day P&L and the risk
   * counters move in the same transaction. Returns 'duplicate' if the execId was applied before.
   * A commission given with the fill is charged in the same transaction (one write, not two).
   */
  async applyFill(input: {
    order: Order;
    position: Position | undefined;
    account: string;
    fill: Fill & { permId?: number; brokerOrderId?: number };
    next: { to: OrderStatus; event: OrderEventType; changes: Partial<Order>; late: boolean };
    clientId?: number;
    now: string;
  }): Promise<{ order: Order; position: Position } | 'duplicate'> {
    const { order, fill, account } = input;
    const before = input.position ?? emptyPosition(order.tenantId, account, order.symbol, fill.at);
    const { position, realized } = applyFill(before, fill);
    const next =
      input.next.to === order.status && input.next.late
        ? amend(order, input.now, input.next.changes)
        : transition(order, input.next.to, input.now, input.next.changes);
    const event: OrderEvent = orderEvent(next, input.next.event, 'broker', {
      data: {
        fill: {
          execId: fill.execId,
          side: fill.side,
          quantity: fill.quantity.toFixed(),
          price: fill.price.toFixed(),
          at: fill.at,
          ...(input.next.late ? { afterEnd: true } : {}),
        },
      },
    });
    const day = tradingDay(new Date(fill.at));
    const delta = counterDelta({ order, position: before }, { order: next, position });
    const commission = fill.commission ?? ZERO;
    const items: TransactWriteItem[] = [
      this.put(
        {
          ...positionKeys.fill(order.tenantId, fill.execId),
          type_: 'fill',
          tenantId: order.tenantId,
          execId: fill.execId,
          orderId: order.id,
          account,
          symbol: order.symbol,
          side: fill.side,
          quantity: fill.quantity.toFixed(),
          price: fill.price.toFixed(),
          at: fill.at,
          day,
          realizedPnl: realized.toFixed(),
          ...(fill.commission !== undefined ? { commission: fill.commission.toFixed() } : {}),
          ...(fill.permId ? { brokerPermId: fill.permId } : {}),
          ...(fill.brokerOrderId !== undefined ? { brokerOrderId: fill.brokerOrderId } : {}),
          appliedAt: input.now,
        },
        NOT_EXISTS,
      ),
      this.orderPut(next, order.version),
      this.put(eventItem(event), NOT_EXISTS),
      this.positionPut(position, before.version),
      this.positionEventPut(position, { kind: 'fill', execId: fill.execId, orderId: order.id }),
      ...this.dayPnlUpdates(order.tenantId, day, order.symbol, {
        realized,
        commission,
        fills: 1,
        bought: fill.side === 'buy' ? fill.quantity : ZERO,
        sold: fill.side === 'sell' ? fill.quantity : ZERO,
      }),
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...bridgeKeys.housePosition(account, order.symbol) }),
          UpdateExpression: 'ADD quantity :q SET account = :a, symbol = :sym',
          ExpressionAttributeValues: {
            ':q': decimalNumber(fill.side === 'buy' ? fill.quantity : fill.quantity.neg()),
            ':a': { S: account },
            ':sym': { S: order.symbol },
          },
        },
      },
      ...this.counterUpdates(order.tenantId, order.symbol, delta),
    ];
    if (isTerminal(next.status) && !isTerminal(order.status) && input.clientId !== undefined) {
      items.push({
        Delete: { TableName: this.table, Key: toItem({ ...bridgeKeys.working(input.clientId, order.id) }) },
      });
    }
    const outcome = await this.transact(items);
    if (outcome === 'written') return { order: next, position };
    if (outcome.failedIndex === 0) return 'duplicate';
    if (outcome.failedIndex === 3)
      throw new PositionVersionConflictError(`${order.tenantId}/${account}/${order.symbol}`);
    throw new OrderVersionConflictError(order.id);
  }

  /** The stored fill of an execution, if it was applied. */
  async getFill(tenantId: string, execId: string): Promise<StoredFill | undefined> {
    const item = await this.getItem(positionKeys.fill(tenantId, execId));
    return item ? itemFill(item) : undefined;
  }

  /** Which of these executions are applied already, and whether their commission is. */
  async appliedFills(
    tenantExecs: Array<{ tenantId: string; execId: string }>,
  ): Promise<Map<string, { commission: boolean }>> {
    const found = new Map<string, { commission: boolean }>();
    for (let i = 0; i < tenantExecs.length; i += 100) {
      let keys: Array<Record<string, AttributeValue>> | undefined = tenantExecs
        .slice(i, i + 100)
        .map((e) => toItem({ ...positionKeys.fill(e.tenantId, e.execId) }));
      for (let round = 0; keys && keys.length > 0 && round < 10; round++) {
        const res: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'execId, commission' },
            },
          }),
        );
        for (const item of res.Responses?.[this.table] ?? []) {
          const raw = fromItem(item);
          found.set(String(raw.execId), { commission: raw.commission !== undefined });
        }
        keys = res.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return found;
  }

  /**
   * Charges an execution's commission once (the fill must be applied): it is a realized cost of
   * the position and of the day. Returns 'duplicate' if charged before, 'no-fill' if the fill is
   * not applied yet.
   */
  async applyCommission(input: {
    fill: StoredFill;
    position: Position;
    commission: Dec;
    now: string;
  }): Promise<Position | 'duplicate' | 'no-fill'> {
    const { fill, commission } = input;
    const position = applyCommission(input.position, commission, input.now);
    const items: TransactWriteItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: toItem({ ...positionKeys.fill(fill.tenantId, fill.execId) }),
          UpdateExpression: 'SET commission = :c',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(commission)',
          ExpressionAttributeValues: { ':c': { S: commission.toFixed() } },
        },
      },
      this.positionPut(position, input.position.version),
      this.positionEventPut(position, { kind: 'commission', execId: fill.execId, orderId: fill.orderId }),
      ...this.dayPnlUpdates(fill.tenantId, fill.day, fill.symbol, {
        realized: ZERO,
        commission,
        fills: 0,
        bought: ZERO,
        sold: ZERO,
      }),
    ];
    const outcome = await this.transact(items);
    if (outcome === 'written') return position;
    if (outcome.failedIndex === 0) {
      const stored = await this.getFill(fill.tenantId, fill.execId);
      return stored ? 'duplicate' : 'no-fill';
    }
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
    const item = await this.getItem(bridgeKeys.brokerOrder(clientId, brokerOrderId));
    return item ? itemRoute(item) : undefined;
  }

  /** Orders routed under this client id and not ended, as the store knows them. */
  async workingRoutes(clientId: number): Promise<OrderRoute[]> {
    const routes: OrderRoute[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: bridgeKeys.workingPk(clientId) } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) routes.push(itemRoute(fromItem(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return routes;
  }

  /** Takes an order off the working list (it ended while the bridge was away). */
  async forgetWorking(clientId: number, orderId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: toItem({ ...bridgeKeys.working(clientId, orderId) }),
      }),
    );
  }

  /** The bridge state of a client id: next IB order id and the executions watermark. */
  async state(clientId: number): Promise<{ nextOrderId: number; execWatermark?: string }> {
    const item = await this.getItem(bridgeKeys.state(clientId));
    return {
      nextOrderId: Number(item?.nextOrderId ?? 1),
      ...(item?.execWatermark ? { execWatermark: String(item.execWatermark) } : {}),
    };
  }

  /**
   * Reserves `count` IB order ids at or above both the stored next id and `atLeast` (the
   * gateway's nextValidId), advancing the stored next id with a conditional write so ids never go
   * backwards, across restarts and gateways that report a lower nextValidId.
   */
  async reserveOrderIds(clientId: number, atLeast: number, count: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const item = await this.getItem(bridgeKeys.state(clientId));
      const stored = item?.nextOrderId === undefined ? undefined : Number(item.nextOrderId);
      const start = Math.max(stored ?? 1, atLeast);
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: toItem({ ...bridgeKeys.state(clientId) }),
            UpdateExpression: 'SET nextOrderId = :n, clientId = :c',
            ConditionExpression:
              stored === undefined ? 'attribute_not_exists(nextOrderId)' : 'nextOrderId = :old',
            ExpressionAttributeValues: {
              ':n': { N: String(start + count) },
              ':c': { N: String(clientId) },
              ...(stored === undefined ? {} : { ':old': { N: String(stored) } }),
            },
          }),
        );
        return start;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException' || attempt >= 5)
          throw attempt >= 5 ? new OrderIdRaceError(clientId) : error;
      }
    }
  }

  /** Remembers how far executions have been read, so a reconnect asks only for newer ones. */
  async setExecWatermark(clientId: number, watermark: string): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: toItem({ ...bridgeKeys.state(clientId) }),
          UpdateExpression: 'SET execWatermark = :w',
          ConditionExpression: 'attribute_not_exists(execWatermark) OR execWatermark < :w',
          ExpressionAttributeValues: { ':w': { S: watermark } },
        }),
      )
      .catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      });
  }

  /** Records an order at the broker the OMS did not place (entered by hand), by permId. */
  async flagForeignOrder(permId: number, details: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem({ ...bridgeKeys.foreignOrder(permId), permId, ...details }),
          ConditionExpression: NOT_EXISTS,
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Orders flagged as foreign. */
  async foreignOrders(): Promise<Array<Record<string, unknown>>> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: bridgeKeys.foreignPk() } },
        ConsistentRead: true,
      }),
    );
    return Items.map((i) => fromItem(i));
  }

  /** The house position (sum over tenants) per account and symbol. */
  async housePositions(): Promise<Array<{ account: string; symbol: string; quantity: Dec }>> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: bridgeKeys.housePositionPk() } },
        ConsistentRead: true,
      }),
    );
    return Items.map((i) => fromItem(i)).map((r) => ({
      account: String(r.account),
      symbol: String(r.symbol),
      quantity: num(r.quantity),
    }));
  }

  /** The heartbeat the API's /health/ready reads. */
  async heartbeat(status: { brokerConnected: boolean; broker: string; [k: string]: unknown }): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({ ...systemKeys.bridgeStatus(), ...status, updatedAt: new Date().toISOString() }),
      }),
    );
  }

  // ------------------------------------------------------------------ reads for the API

  /** Every position of a tenant. */
  async positions(tenantId: string): Promise<Position[]> {
    return (await this.queryPrefix(positionKeys.positionPrefix(tenantId))).map(itemPosition);
  }

  /** Every fill of a tenant (tests and reconciliation reports). */
  async fills(tenantId: string): Promise<StoredFill[]> {
    return (await this.queryPrefix(positionKeys.fillPrefix(tenantId))).map(itemFill);
  }

  /** The tenant's P&L for a day, with its per-symbol parts. */
  async dailyPnl(tenantId: string, day: string): Promise<StoredDailyPnl> {
    const items = await this.queryPrefix(positionKeys.dailyPnlPrefix(tenantId, day));
    const total = items.find((i) => i.sk === riskKeys.dailyPnl(tenantId, day).sk);
    return {
      day,
      realizedPnl: num(total?.realizedPnl),
      grossRealizedPnl: num(total?.grossRealizedPnl),
      commissions: num(total?.commissions),
      fills: Number(total?.fills ?? 0),
      bySymbol: items
        .filter((i) => i !== total && typeof i.symbol === 'string')
        .map((i) => ({
          symbol: String(i.symbol),
          realizedPnl: num(i.realizedPnl),
          grossRealizedPnl: num(i.grossRealizedPnl),
          commissions: num(i.commissions),
          fills: Number(i.fills ?? 0),
          boughtQuantity: num(i.boughtQuantity),
          soldQuantity: num(i.soldQuantity),
        })),
    };
  }

  /** The tenant's risk counters as stored (tests compare them with the sums they stand for). */
  async riskCounters(tenantId: string, symbols: string[]) {
    const counters = await this.getItem(riskKeys.counters(tenantId));
    const bySymbol: Record<string, { maxLong: Dec; maxShort: Dec; position: Dec }> = {};
    for (const symbol of symbols) {
      const item = await this.getItem(riskKeys.symbol(tenantId, symbol));
      bySymbol[symbol] = {
        maxLong: num(item?.maxLong),
        maxShort: num(item?.maxShort),
        position: num(item?.position),
      };
    }
    return { openOrders: Number(counters?.openOrders ?? 0), exposure: num(counters?.exposure), bySymbol };
  }

  private async queryPrefix(prefix: {
    pk: string;
    skPrefix: string;
  }): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':p': { S: prefix.pk }, ':s': { S: prefix.skPrefix } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(fromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}

function itemRoute(raw: Record<string, unknown>): OrderRoute {
  return {
    tenantId: String(raw.tenantId),
    orderId: String(raw.orderId),
    clientId: Number(raw.clientId),
    brokerOrderId: Number(raw.brokerOrderId),
  };
}

function itemFill(raw: Record<string, unknown>): StoredFill {
  return {
    tenantId: String(raw.tenantId),
    execId: String(raw.execId),
    orderId: String(raw.orderId),
    account: String(raw.account),
    symbol: String(raw.symbol),
    side: raw.side === 'sell' ? 'sell' : 'buy',
    quantity: new Dec(String(raw.quantity)),
    price: new Dec(String(raw.price)),
    at: String(raw.at),
    day: String(raw.day),
    ...(raw.commission !== undefined ? { commission: new Dec(String(raw.commission)) } : {}),
  };
}

export { itemOrder };
