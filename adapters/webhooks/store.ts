import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { DependencyError } from '../../core/errors.ts';
import { outboxSk, webhookKeys, workKeys } from '../../core/store/keys.ts';
import { WebhookLimitError, WebhookNotFoundError } from '../../core/webhooks/errors.ts';
import type {
  DeliveryAttempt,
  DeliveryStatus,
  Page,
  WebhookDelivery,
  WebhookDisabledDetail,
  WebhookSubscription,
} from '../../core/webhooks/model.ts';
import type { WebhookStore } from '../../core/webhooks/ports.ts';
import { documentClient, resources } from '../aws.ts';
import { decodeSkCursor, encodeSkCursor, guardDynamo, isConditionFailure } from '../dynamodb/errors.ts';

/** Deliveries are kept this long, then expire by TTL. */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, entity: _e, expiresAt: _x, ...rest } = item;
  return rest as T;
}

/** Webhook subscriptions and deliveries in the single table. */
export class DynamoWebhookStore implements WebhookStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  static fromEnvironment(): DynamoWebhookStore {
    return new DynamoWebhookStore(documentClient(), resources().tableName);
  }

  async createSubscription(s: WebhookSubscription, maxPerTenant: number): Promise<void> {
    // A soft limit: two creates racing may both pass it, which costs one extra subscription at most.
    const count = await this.countSubscriptions(s.tenantId);
    if (count >= maxPerTenant) throw new WebhookLimitError(maxPerTenant);
    await guardDynamo('creating a webhook', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...webhookKeys.subscription(s.tenantId, s.id), entity: 'webhook', ...s },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  private async countSubscriptions(tenantId: string): Promise<number> {
    const { pk, skPrefix } = webhookKeys.subscriptionPrefix(tenantId);
    const { Count = 0 } = await guardDynamo('counting webhooks', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
          Select: 'COUNT',
        }),
      ),
    );
    return Count;
  }

  async getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
    if (!validId(id)) return undefined;
    const { Item } = await guardDynamo('reading a webhook', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: webhookKeys.subscription(tenantId, id),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<WebhookSubscription>(Item) : undefined;
  }

  async listSubscriptions(
    tenantId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookSubscription>> {
    const { pk, skPrefix } = webhookKeys.subscriptionPrefix(tenantId);
    return this.page<WebhookSubscription>(pk, skPrefix, page, true);
  }

  async allSubscriptions(tenantId: string): Promise<WebhookSubscription[]> {
    const { pk, skPrefix } = webhookKeys.subscriptionPrefix(tenantId);
    const out: WebhookSubscription[] = [];
    let cursor: string | undefined;
    do {
      const p = await this.page<WebhookSubscription>(
        pk,
        skPrefix,
        { limit: 100, ...(cursor ? { cursor } : {}) },
        true,
      );
      out.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    return out;
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    if (!validId(id)) return false;
    try {
      await guardDynamo('deleting a webhook', () =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: webhookKeys.subscription(tenantId, id),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async rotateSecret(
    tenantId: string,
    id: string,
    secret: string,
    previousExpiresAt: string,
    now: string,
  ): Promise<WebhookSubscription> {
    try {
      const { Attributes } = await guardDynamo('rotating a webhook secret', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: webhookKeys.subscription(tenantId, id),
            UpdateExpression:
              'SET previousSecret = secret, previousSecretExpiresAt = :exp, secret = :s, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':s': secret, ':exp': previousExpiresAt, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return strip<WebhookSubscription>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new WebhookNotFoundError(id);
      throw error;
    }
  }

  async createDelivery(d: WebhookDelivery): Promise<{ delivery: WebhookDelivery; created: boolean }> {
    const expiresAt = Math.floor(Date.parse(d.createdAt) / 1000) + DELIVERY_RETENTION_SECONDS;
    try {
      await guardDynamo('creating a webhook delivery', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...webhookKeys.eventDelivery(d.tenantId, d.subscriptionId, d.eventId),
                    entity: 'webhookEvent',
                    deliveryId: d.id,
                    expiresAt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
                    entity: 'webhookDelivery',
                    ...d,
                    expiresAt,
                  },
                },
              },
            ],
          }),
        ),
      );
      return { delivery: d, created: true };
    } catch (error) {
      if (!(
        error instanceof TransactionCanceledException ||
        (error as Error).name === 'TransactionCanceledException'
      ))
        throw error;
      const { Item } = await guardDynamo('reading a webhook delivery marker', () =>
        this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: webhookKeys.eventDelivery(d.tenantId, d.subscriptionId, d.eventId),
            ConsistentRead: true,
          }),
        ),
      );
      const existing =
        typeof Item?.deliveryId === 'string'
          ? await this.getDelivery(d.tenantId, d.subscriptionId, Item.deliveryId)
          : undefined;
      if (!existing)
        throw new DependencyError('The delivery of this event could not be created nor found', {
          cause: error,
        });
      return { delivery: existing, created: false };
    }
  }

  async getDelivery(
    tenantId: string,
    subscriptionId: string,
    id: string,
  ): Promise<WebhookDelivery | undefined> {
    if (!validId(id) || !validId(subscriptionId)) return undefined;
    const { Item } = await guardDynamo('reading a webhook delivery', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: webhookKeys.delivery(tenantId, subscriptionId, id),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<WebhookDelivery>(Item) : undefined;
  }

  async listDeliveries(
    tenantId: string,
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookDelivery>> {
    const { pk, skPrefix } = webhookKeys.deliveryPrefix(tenantId, subscriptionId);
    return this.page<WebhookDelivery>(pk, skPrefix, page, false);
  }

  async recordAttempt(
    d: WebhookDelivery,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    now: string,
  ): Promise<void> {
    await guardDynamo('logging a webhook attempt', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
          UpdateExpression:
            'SET attempts = list_append(if_not_exists(attempts, :empty), :a), #status = :s, updatedAt = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':a': [attempt], ':empty': [], ':s': status, ':now': now },
        }),
      ),
    );
  }

  async setDeliveryStatus(d: WebhookDelivery, status: DeliveryStatus, now: string): Promise<void> {
    await guardDynamo('updating a webhook delivery', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
          UpdateExpression: 'SET #status = :s, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': status, ':now': now },
        }),
      ),
    );
  }

  async recordSuccess(s: WebhookSubscription, now: string): Promise<void> {
    try {
      await guardDynamo('resetting webhook failures', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: webhookKeys.subscription(s.tenantId, s.id),
            UpdateExpression: 'SET consecutiveFailures = :zero, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':zero': 0, ':now': now },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // deleted meanwhile
    }
  }

  async recordFailure(s: WebhookSubscription, now: string): Promise<number> {
    try {
      const { Attributes } = await guardDynamo('counting webhook failures', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: webhookKeys.subscription(s.tenantId, s.id),
            UpdateExpression: 'ADD consecutiveFailures :one SET updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1, ':now': now },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return Number(Attributes?.consecutiveFailures ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return 0;
      throw error;
    }
  }

  async disable(s: WebhookSubscription, event: WebhookDisabledDetail): Promise<boolean> {
    const eventKey = ulid();
    try {
      await guardDynamo('disabling a webhook', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: webhookKeys.subscription(s.tenantId, s.id),
                  UpdateExpression:
                    'SET #status = :disabled, disabledAt = :at, disabledReason = :reason, updatedAt = :at',
                  ConditionExpression: '#status = :enabled',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':disabled': 'disabled',
                    ':enabled': 'enabled',
                    ':at': event.at,
                    ':reason': event.reason,
                  },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...webhookKeys.event(s.tenantId, s.id, eventKey),
                    entity: 'webhookNotice',
                    gsi3pk: workKeys.outboxPk(workKeys.shardOf(eventKey)),
                    gsi3sk: outboxSk(event.at, s.id, eventKey),
                    detailType: event.type,
                    detail: event,
                    tenantId: s.tenantId,
                    at: event.at,
                  },
                },
              },
            ],
          }),
        ),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException ||
        (error as Error).name === 'TransactionCanceledException'
      )
        return false;
      throw error;
    }
  }

  private async page<T>(
    pk: string,
    skPrefix: string,
    page: { limit: number; cursor?: string },
    forward: boolean,
  ): Promise<Page<T>> {
    const after = await decodeSkCursor(page.cursor, skPrefix, pk);
    const { Items = [], LastEvaluatedKey } = await guardDynamo('listing', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
          Limit: page.limit,
          ScanIndexForward: forward,
          ...(after ? { ExclusiveStartKey: { pk, sk: after } } : {}),
        }),
      ),
    );
    const last = Items[Items.length - 1];
    const nextCursor = LastEvaluatedKey && last ? await encodeSkCursor(String(last.sk), pk) : undefined;
    return {
      items: Items.map((i) => strip<T>(i)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }
}

/** Ids are ours (`wh_`/`dlv_` + ULID); anything else cannot name an item, and must not break a key. */
function validId(id: string): boolean {
  return /^[A-Za-z0-9_:-]{1,100}$/.test(id);
}
