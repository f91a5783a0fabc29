import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Instrument } from '../../core/instruments/model.ts';
import { DependencyError } from '../../core/errors.ts';
import {
  newOrderId,
  parseOrderId,
  ulidBound,
  type BrokerOrderId,
  type BrokerPermId,
  type ClientOrderId,
  type OrderId,
} from '../../core/ids.ts';
import { Dec } from '../../core/money.ts';
import { OrderVersionConflictError } from '../../core/orders/errors.ts';
import type { OrderEvent } from '../../core/orders/events.ts';
import type { Order } from '../../core/orders/order.ts';
import type {
  CountingLimits,
  IdempotencyRecord,
  NewGroupWrite,
  NewOrderOutcome,
  NewOrderWrite,
  OrderListQuery,
  OrderStore,
  PlacementContext,
  RiskReservation,
} from '../../core/orders/ports.ts';
import { WORKING_STATUSES, type OrderStatus } from '../../core/orders/status.ts';
import { RISK_CODES, type RiskDenial } from '../../core/risk/checks.ts';
import {
  defaultRiskLimits,
  killSwitchEventDetail,
  RiskLimits,
  riskLimitsView,
  type KillSwitchState,
} from '../../core/risk/limits.ts';
import { orderKeys, outboxSk, riskKeys, tenantPk, workKeys } from '../../core/store/keys.ts';
import { decimalNumber, decodeCursor, encodeCursor, fromItem, toItem } from './codec.ts';
import { createOrderGroup, type Guarded } from './order-groups.ts';
import { groupAttribute, groupOf } from './order-group-codec.ts';

/** Idempotency records outlive any client retry window. */
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;
/** Order-rate windows are one second; keep them a little while for inspection, then let TTL sweep. */
const RATE_WINDOW_TTL_SECONDS = 120;

function decimal(value: unknown): Dec | undefined {
  return typeof value === 'string' && value !== '' ? new Dec(value) : undefined;
}

/** Order → item, with the index attributes its status and symbol put it under. */
export function orderItem(order: Order): Record<string, unknown> {
  const d = (v: Dec | undefined) => v?.toFixed();
  const awaitingBridge = order.status === 'pending_new' && order.brokerOrderId === undefined;
  return {
    ...orderKeys.order(order.tenantId, order.id),
    type_: 'order',
    id: order.id,
    tenantId: order.tenantId,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    instrument: order.instrument,
    side: order.side,
    quantity: d(order.quantity),
    orderType: order.type,
    limitPrice: d(order.limitPrice),
    stopPrice: d(order.stopPrice),
    trailAmount: d(order.trailAmount),
    trailPercent: d(order.trailPercent),
    timeInForce: order.timeInForce,
    expireAt: order.expireAt,
    account: order.account,
    connectionId: order.connectionId,
    outsideRth: order.outsideRth,
    status: order.status,
    filledQuantity: d(order.filledQuantity),
    averageFillPrice: d(order.averageFillPrice),
    rejectReason: order.rejectReason,
    rejectCode: order.rejectCode,
    brokerOrderId: order.brokerOrderId,
    brokerPermId: order.brokerPermId,
    pendingChange: order.pendingChange && {
      quantity: d(order.pendingChange.quantity),
      limitPrice: d(order.pendingChange.limitPrice),
      stopPrice: d(order.pendingChange.stopPrice),
    },
    previousStatus: order.previousStatus,
    reservation: order.reservation && {
      quantity: d(order.reservation.quantity),
      unitPrice: d(order.reservation.unitPrice),
    },
    source: order.source,
    correlationId: order.correlationId,
    group: groupAttribute(order.group),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
    gsi1pk: orderKeys.byStatusPk(order.tenantId, order.status),
    gsi1sk: order.id,
    gsi2pk: orderKeys.bySymbolPk(order.tenantId, order.symbol),
    gsi2sk: order.id,
    ...(awaitingBridge
      ? { gsi3pk: workKeys.pendingPk(workKeys.shardOf(order.id)), gsi3sk: `${order.createdAt}#${order.id}` }
      : {}),
  };
}

/** Item → Order. */
export function itemOrder(raw: Record<string, unknown>): Order {
  const pending = raw.pendingChange as Record<string, string | undefined> | undefined;
  const reservation = raw.reservation as Record<string, string | undefined> | undefined;
  const order: Order = {
    id: raw.id as OrderId,
    tenantId: raw.tenantId as string,
    symbol: raw.symbol as string,
    side: raw.side as Order['side'],
    quantity: new Dec(raw.quantity as string),
    type: raw.orderType as Order['type'],
    timeInForce: raw.timeInForce as Order['timeInForce'],
    outsideRth: raw.outsideRth === true,
    status: raw.status as OrderStatus,
    filledQuantity: new Dec((raw.filledQuantity as string | undefined) ?? '0'),
    createdAt: raw.createdAt as string,
    updatedAt: raw.updatedAt as string,
    version: Number(raw.version),
  };
  if (raw.clientOrderId) order.clientOrderId = raw.clientOrderId as ClientOrderId;
  const limitPrice = decimal(raw.limitPrice);
  if (limitPrice) order.limitPrice = limitPrice;
  const stopPrice = decimal(raw.stopPrice);
  if (stopPrice) order.stopPrice = stopPrice;
  const trailAmount = decimal(raw.trailAmount);
  if (trailAmount) order.trailAmount = trailAmount;
  const trailPercent = decimal(raw.trailPercent);
  if (trailPercent) order.trailPercent = trailPercent;
  if (typeof raw.expireAt === 'string') order.expireAt = raw.expireAt;
  if (raw.account) order.account = raw.account as string;
  if (raw.connectionId) order.connectionId = raw.connectionId as string;
  if (raw.instrument) order.instrument = raw.instrument as Instrument;
  const avg = decimal(raw.averageFillPrice);
  if (avg) order.averageFillPrice = avg;
  if (raw.rejectReason) order.rejectReason = raw.rejectReason as string;
  if (raw.rejectCode) order.rejectCode = raw.rejectCode as string;
  if (raw.brokerOrderId !== undefined) order.brokerOrderId = Number(raw.brokerOrderId) as BrokerOrderId;
  if (raw.brokerPermId !== undefined) order.brokerPermId = Number(raw.brokerPermId) as BrokerPermId;
  if (pending?.quantity) {
    const lp = decimal(pending.limitPrice);
    const sp = decimal(pending.stopPrice);
    order.pendingChange = {
      quantity: new Dec(pending.quantity),
      ...(lp ? { limitPrice: lp } : {}),
      ...(sp ? { stopPrice: sp } : {}),
    };
  }
  if (raw.previousStatus) order.previousStatus = raw.previousStatus as OrderStatus;
  const source = raw.source as { strategyId?: unknown; version?: unknown } | undefined;
  if (typeof source?.strategyId === 'string')
    order.source = { strategyId: source.strategyId, version: Number(source.version) };
  if (typeof raw.correlationId === 'string') order.correlationId = raw.correlationId;
  const group = groupOf(raw.group);
  if (group) order.group = group;
  if (reservation?.quantity) {
    order.reservation = {
      quantity: new Dec(reservation.quantity),
      unitPrice: new Dec(reservation.unitPrice ?? '0'),
    };
  }
  return order;
}

/** Audit event → item, marked in the outbox until the drainer has published it. */
export function eventItem(event: OrderEvent): Record<string, unknown> {
  return {
    ...orderKeys.event(event.tenantId, event.orderId, event.seq),
    ...event,
    gsi3pk: workKeys.outboxPk(workKeys.shardOf(event.orderId)),
    gsi3sk: `${event.at}#${event.orderId}#${String(event.seq).padStart(10, '0')}`,
  };
}

export function itemEvent(raw: Record<string, unknown>): OrderEvent {
  return {
    tenantId: raw.tenantId as string,
    orderId: raw.orderId as string,
    seq: Number(raw.seq),
    type: raw.type as OrderEvent['type'],
    at: raw.at as string,
    actor: raw.actor as string,
    ...(raw.reason ? { reason: raw.reason as string } : {}),
    data: (raw.data ?? {}) as Record<string, unknown>,
    ...(typeof raw.correlationId === 'string' ? { correlationId: raw.correlationId } : {}),
  };
}

function riskGuards(
  table: string,
  tenantId: string,
  reservation: RiskReservation,
  limits: CountingLimits,
  day: string,
  rate: { epochSecond: number } | undefined,
  /** Orders the write adds (a group adds each of its legs). */
  orders = 1,
): Guarded[] {
  const denied = (code: RiskDenial['code'], reason: string): NewOrderOutcome => ({
    kind: 'denied',
    denial: { code, reason },
  });
  const guards: Guarded[] = [];

  // Open orders and gross exposure share one counters item; the failed item's old values tell which broke.
  const counterConditions: string[] = [];
  const values: Record<string, AttributeValue> = {
    ':one': { N: rate ? String(orders) : '0' },
    ':notional': decimalNumber(reservation.notional),
  };
  if (limits.maxOpenOrders !== null && rate) {
    counterConditions.push('(attribute_not_exists(openOrders) OR openOrders <= :openRoom)');
    values[':openRoom'] = { N: String(limits.maxOpenOrders - orders) };
  }
  if (limits.maxGrossExposure !== null) {
    counterConditions.push('(attribute_not_exists(exposure) OR exposure <= :grossRoom)');
    values[':grossRoom'] = decimalNumber(limits.maxGrossExposure.minus(reservation.notional));
  }
  guards.push({
    item: {
      Update: {
        TableName: table,
        Key: toItem({ ...riskKeys.counters(tenantId) }),
        UpdateExpression: 'ADD openOrders :one, exposure :notional',
        ...(counterConditions.length ? { ConditionExpression: counterConditions.join(' AND ') } : {}),
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    onFail: (reason) => {
      const old = reason.Item ? fromItem(reason.Item) : {};
      if (
        limits.maxOpenOrders !== null &&
        rate &&
        Number(old.openOrders ?? 0) > limits.maxOpenOrders - orders
      ) {
        return denied(
          RISK_CODES.maxOpenOrders,
          `The tenant already has ${String(old.openOrders)} open orders, the limit is ${limits.maxOpenOrders}`,
        );
      }
      return denied(
        RISK_CODES.maxGrossExposure,
        `Gross exposure would reach ${new Dec(String(old.exposure ?? 0)).plus(reservation.notional).toFixed()}, over the limit ${limits.maxGrossExposure?.toFixed()}`,
      );
    },
  });

  // A buy can at most make the position long by its size, a sell short: bound both sides.
  const side = reservation.side === 'buy' ? 'maxLong' : 'maxShort';
  guards.push({
    item: {
      Update: {
        TableName: table,
        Key: toItem({ ...riskKeys.symbol(tenantId, reservation.symbol) }),
        UpdateExpression: `ADD ${side} :q`,
        ...(limits.maxPositionQuantity !== null
          ? { ConditionExpression: `attribute_not_exists(${side}) OR ${side} <= :posRoom` }
          : {}),
        ExpressionAttributeValues: {
          ':q': decimalNumber(reservation.quantity),
          ...(limits.maxPositionQuantity !== null
            ? { ':posRoom': decimalNumber(limits.maxPositionQuantity.minus(reservation.quantity)) }
            : {}),
        },
      },
    },
    onFail: () =>
      denied(
        RISK_CODES.maxPosition,
        `${reservation.symbol}: working orders and position would exceed the position limit ${limits.maxPositionQuantity?.toFixed()}`,
      ),
  });

  if (rate && limits.maxOrdersPerSecond !== null) {
    guards.push({
      item: {
        Update: {
          TableName: table,
          Key: toItem({ ...riskKeys.rateWindow(tenantId, rate.epochSecond) }),
          UpdateExpression: 'ADD #n :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(#n) OR #n <= :rateRoom',
          ExpressionAttributeNames: { '#n': 'count' },
          ExpressionAttributeValues: {
            ':one': { N: String(orders) },
            ':exp': { N: String(rate.epochSecond + RATE_WINDOW_TTL_SECONDS) },
            ':rateRoom': { N: String(limits.maxOrdersPerSecond - orders) },
          },
        },
      },
      onFail: () =>
        denied(RISK_CODES.maxOrderRate, `More than ${limits.maxOrdersPerSecond} orders in one second`),
    });
  }

  guards.push({
    item: {
      ConditionCheck: {
        TableName: table,
        Key: toItem({ ...riskKeys.killSwitch(tenantId) }),
        ConditionExpression: 'attribute_not_exists(engaged) OR engaged = :false',
        ExpressionAttributeValues: { ':false': { BOOL: false } },
      },
    },
    onFail: () => denied(RISK_CODES.killSwitch, 'Trading is halted by the kill switch'),
  });

  if (limits.dailyLossLimit !== null) {
    guards.push({
      item: {
        ConditionCheck: {
          TableName: table,
          Key: toItem({ ...riskKeys.dailyPnl(tenantId, day) }),
          ConditionExpression: 'attribute_not_exists(realizedPnl) OR realizedPnl > :floor',
          ExpressionAttributeValues: { ':floor': decimalNumber(limits.dailyLossLimit.neg()) },
        },
      },
      onFail: () =>
        denied(
          RISK_CODES.dailyLoss,
          `Today's realized loss has reached the daily loss limit ${limits.dailyLossLimit?.toFixed()}`,
        ),
    });
  }
  return guards;
}

/** The single-table adapter of the OrderStore port. */
export class DynamoOrderStore implements OrderStore {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  private async getItem(
    key: { pk: string; sk: string },
    consistent = true,
  ): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toItem({ ...key }), ConsistentRead: consistent }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Runs a transaction; a cancelled one is explained by the first guard whose condition failed.
   * DynamoDB can cancel a transaction for a conflicting one in flight: retried with jitter.
   */
  private async transact(guarded: Guarded[]): Promise<NewOrderOutcome | 'version-conflict'> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: guarded.map((g) => g.item) }));
        return { kind: 'written' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException))
          throw new DependencyError('The order store failed', { cause: error });
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) {
          const guard = guarded[failed];
          const reason = reasons[failed];
          if (guard && reason) return guard.onFail(reason);
        }
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= 5)
          throw new DependencyError('The order transaction was cancelled', { cause: error });
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * One BatchGetItem for every item POST /orders reads (strongly consistent, so a kill switch or
   * limit set a moment ago holds): one request instead of four in parallel, which is most of what
   * the handler spends above its transaction.
   */
  async placementContext(
    tenantId: string,
    keyHash: string,
    clientOrderId?: string,
  ): Promise<PlacementContext> {
    const keys = {
      previous: orderKeys.idempotency(tenantId, keyHash),
      limits: riskKeys.limits(tenantId),
      killSwitch: riskKeys.killSwitch(tenantId),
      ...(clientOrderId ? { existing: orderKeys.clientOrderId(tenantId, clientOrderId) } : {}),
    };
    const found = new Map<string, Record<string, unknown>>();
    const id = (k: { pk: string; sk: string }) => `${k.pk}\u0000${k.sk}`;
    let pending: Array<Record<string, AttributeValue>> | undefined = Object.values(keys).map((k) =>
      toItem({ ...k }),
    );
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round === 5) throw new DependencyError('The order store did not answer every read');
      const res: BatchGetItemCommandOutput = await this.client.send(
        new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const raw of res.Responses?.[this.table] ?? []) {
        const item = fromItem(raw);
        found.set(id(item as { pk: string; sk: string }), item);
      }
      pending = res.UnprocessedKeys?.[this.table]?.Keys;
    }
    const existing = keys.existing ? found.get(id(keys.existing)) : undefined;
    return {
      previous: idempotencyRecord(found.get(id(keys.previous))),
      limits: riskLimitsOf(found.get(id(keys.limits))),
      killSwitch: killSwitchOf(found.get(id(keys.killSwitch))),
      existingClientOrderId: existing?.orderId as string | undefined,
    };
  }

  async findIdempotency(tenantId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    return idempotencyRecord(await this.getItem(orderKeys.idempotency(tenantId, keyHash)));
  }

  async findByClientOrderId(tenantId: string, clientOrderId: string): Promise<string | undefined> {
    const item = await this.getItem(orderKeys.clientOrderId(tenantId, clientOrderId));
    return item?.orderId as string | undefined;
  }

  async create(write: NewOrderWrite): Promise<NewOrderOutcome> {
    const { order, event, idempotency, risk } = write;
    const notExists = 'attribute_not_exists(pk)';
    const expiresAt = Math.floor(Date.parse(order.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS;
    const guarded: Guarded[] = [
      {
        // Idempotency first: a lost race is explained by the key, not by whatever else also failed.
        item: {
          Put: {
            TableName: this.table,
            Item: toItem({
              ...orderKeys.idempotency(order.tenantId, idempotency.keyHash),
              requestHash: idempotency.record.requestHash,
              orderId: idempotency.record.orderId,
              response: JSON.stringify(idempotency.record.response),
              expiresAt,
            }),
            ConditionExpression: notExists,
          },
        },
        onFail: () => ({ kind: 'idempotency-key-taken' }),
      },
      {
        item: {
          Put: { TableName: this.table, Item: toItem(orderItem(order)), ConditionExpression: notExists },
        },
        onFail: () => ({ kind: 'idempotency-key-taken' }),
      },
    ];
    if (order.clientOrderId) {
      guarded.push({
        item: {
          Put: {
            TableName: this.table,
            Item: toItem({
              ...orderKeys.clientOrderId(order.tenantId, order.clientOrderId),
              orderId: order.id,
            }),
            ConditionExpression: notExists,
          },
        },
        onFail: () => ({ kind: 'client-order-id-taken' }),
      });
    }
    guarded.push({
      item: {
        Put: { TableName: this.table, Item: toItem(eventItem(event)), ConditionExpression: notExists },
      },
      onFail: () => ({ kind: 'idempotency-key-taken' }),
    });
    if (risk) {
      guarded.push(
        ...riskGuards(this.table, order.tenantId, risk.reservation, risk.limits, risk.day, {
          epochSecond: risk.epochSecond,
        }),
      );
    }
    const outcome = await this.transact(guarded);
    if (outcome === 'version-conflict') throw new Error('unreachable: new orders have no version guard');
    return outcome;
  }

  createGroup(write: NewGroupWrite): Promise<NewOrderOutcome> {
    return createOrderGroup(
      {
        table: this.table,
        idempotencyTtlSeconds: IDEMPOTENCY_TTL_SECONDS,
        orderItem,
        eventItem,
        riskGuards,
        transact: (guarded) => this.transact(guarded),
      },
      write,
    );
  }

  async get(tenantId: string, orderId: string): Promise<Order | undefined> {
    const item = await this.getItem(orderKeys.order(tenantId, orderId));
    return item ? itemOrder(item) : undefined;
  }

  async list(tenantId: string, query: OrderListQuery): Promise<{ items: Order[]; nextCursor?: string }> {
    const low = ulidBound(query.fromMs ?? 0, 'low');
    const high = ulidBound(query.toMs ?? 2 ** 48 - 1, 'high');
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    // A status or symbol filter reads its GSI (gsi1, gsi2); otherwise the tenant's orders by id.
    const gsi = query.status
      ? { index: 'gsi1', pk: orderKeys.byStatusPk(tenantId, query.status) }
      : query.symbol
        ? { index: 'gsi2', pk: orderKeys.bySymbolPk(tenantId, query.symbol) }
        : undefined;
    const range = gsi ? { pk: gsi.pk, low, high } : orderKeys.orderRange(tenantId, low, high);
    const [pkName, skName] = gsi ? [`${gsi.index}pk`, `${gsi.index}sk`] : ['pk', 'sk'];
    const index = gsi?.index;
    const keyCondition = `${pkName} = :p AND ${skName} BETWEEN :low AND :high`;
    values[':p'] = { S: range.pk };
    values[':low'] = { S: range.low };
    values[':high'] = { S: range.high };
    const cursorKeys = gsi ? ['pk', 'sk', pkName, skName] : ['pk', 'sk'];
    const partition = { name: pkName, startsWith: gsi ? gsi.pk : tenantPk(tenantId) };
    if (query.status && query.symbol) {
      filters.push('symbol = :symbol');
      values[':symbol'] = { S: query.symbol };
    }
    if (query.side) {
      filters.push('side = :side');
      values[':side'] = { S: query.side };
    }
    const binding = `orders|${index ?? 'table'}|${range.pk}`;
    let startKey = query.cursor
      ? await decodeCursor(query.cursor, { keys: cursorKeys, partition, binding })
      : undefined;
    const items: Order[] = [];
    // Filters apply after the read limit, so a filtered page may need a few reads to fill.
    for (let reads = 0; reads < 20 && items.length < query.limit; reads++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          ...(index ? { IndexName: index } : {}),
          KeyConditionExpression: keyCondition,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) items.push(itemOrder(fromItem(item)));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    const nextCursor = await encodeCursor(startKey, binding);
    return nextCursor ? { items, nextCursor } : { items };
  }

  async events(tenantId: string, orderId: string): Promise<OrderEvent[]> {
    const events: OrderEvent[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
          ExpressionAttributeValues: {
            ':p': { S: orderKeys.eventsPk(tenantId, orderId) },
            ':e': { S: 'EVENT#' },
          },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) events.push(itemEvent(fromItem(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }

  async update(
    next: Order,
    expectedVersion: number,
    event: OrderEvent,
    reserve?: { reservation: RiskReservation; limits: CountingLimits; day: string },
  ): Promise<{ kind: 'written' } | { kind: 'denied'; denial: RiskDenial }> {
    const guarded: Guarded[] = [
      {
        item: {
          Put: {
            TableName: this.table,
            Item: toItem(orderItem(next)),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } },
          },
        },
        onFail: () => 'version-conflict',
      },
      {
        item: {
          Put: {
            TableName: this.table,
            Item: toItem(eventItem(event)),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onFail: () => 'version-conflict',
      },
    ];
    if (reserve)
      guarded.push(
        ...riskGuards(this.table, next.tenantId, reserve.reservation, reserve.limits, reserve.day, undefined),
      );
    const outcome = await this.transact(guarded);
    if (outcome === 'version-conflict') throw new OrderVersionConflictError(next.id);
    if (outcome.kind === 'denied') return outcome;
    return { kind: 'written' };
  }

  async workingOrders(tenantId: string): Promise<Order[]> {
    const orders: Order[] = [];
    for (const status of WORKING_STATUSES) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': { S: orderKeys.byStatusPk(tenantId, status) } },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) orders.push(itemOrder(fromItem(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey && orders.length < 10_000);
    }
    return orders;
  }

  async riskLimits(tenantId: string): Promise<RiskLimits> {
    return riskLimitsOf(await this.getItem(riskKeys.limits(tenantId), false));
  }

  async putRiskLimits(tenantId: string, limits: RiskLimits, changedBy: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: toItem({
          ...riskKeys.limits(tenantId),
          limits: JSON.stringify(riskLimitsView(limits)),
          changedBy,
          changedAt: new Date().toISOString(),
        }),
      }),
    );
  }

  async killSwitch(tenantId: string): Promise<KillSwitchState> {
    return killSwitchOf(await this.getItem(riskKeys.killSwitch(tenantId)));
  }

  /** Sets the switch and, in the same transaction, stores the `risk.kill_switch` event in the outbox. */
  async setKillSwitch(tenantId: string, state: KillSwitchState): Promise<void> {
    const changedAt = state.changedAt ?? new Date().toISOString();
    const id = newOrderId(Date.parse(changedAt));
    const detail = killSwitchEventDetail(tenantId, `kill-switch:${id}`, {
      ...state,
      changedAt,
      changedBy: state.changedBy ?? 'system',
    });
    await this.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: toItem({ ...riskKeys.killSwitch(tenantId), ...state, changedAt }),
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: toItem({
                ...riskKeys.event(tenantId, id),
                detailType: detail.type,
                detail,
                gsi3pk: workKeys.outboxPk(workKeys.shardOf(id)),
                gsi3sk: outboxSk(changedAt, id, 0),
              }),
            },
          },
        ],
      }),
    );
  }
}

export { parseOrderId };

function idempotencyRecord(item: Record<string, unknown> | undefined): IdempotencyRecord | undefined {
  if (!item) return undefined;
  return {
    requestHash: item.requestHash as string,
    orderId: item.orderId as string,
    response: JSON.parse(item.response as string) as IdempotencyRecord['response'],
  };
}

function riskLimitsOf(item: Record<string, unknown> | undefined): RiskLimits {
  if (!item?.limits) return defaultRiskLimits();
  return RiskLimits.parse(JSON.parse(item.limits as string));
}

function killSwitchOf(item: Record<string, unknown> | undefined): KillSwitchState {
  if (!item) return { engaged: false };
  return {
    engaged: item.engaged === true,
    ...(item.reason ? { reason: item.reason as string } : {}),
    ...(item.changedBy ? { changedBy: item.changedBy as string } : {}),
    ...(item.changedAt ? { changedAt: item.changedAt as string } : {}),
  };
}
