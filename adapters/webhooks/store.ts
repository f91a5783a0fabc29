import { DependencyError } from '../../core/errors.ts';
import { webhookKeys } from '../../core/store/keys.ts';
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
import { isConditionFailure } from '../dynamodb/errors.ts';
import { held, outboxNotice, TableStore, type Item, type Query } from '../dynamodb/table.ts';

/** Deliveries are kept this long, then expire by TTL. */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

function strip<T>(item: Item): T {
  const { pk: _pk, sk: _sk, entity: _e, expiresAt: _x, ...rest } = item;
  return rest as T;
}

const underPrefix = ({ pk, skPrefix }: { pk: string; skPrefix: string }): Query => ({
  key: 'pk = :pk AND begins_with(sk, :p)',
  values: { ':pk': pk, ':p': skPrefix },
});

const exists = { condition: 'attribute_exists(pk)' };

/** Webhook subscriptions and deliveries in the single table. */
export class DynamoWebhookStore extends TableStore implements WebhookStore {
  async createSubscription(s: WebhookSubscription, maxPerTenant: number): Promise<void> {
    // A soft limit: two creates racing may both pass it, which costs one extra subscription at most.
    const count = await this.table.count(
      underPrefix(webhookKeys.subscriptionPrefix(s.tenantId)),
      'counting webhooks',
    );
    if (count >= maxPerTenant) throw new WebhookLimitError(maxPerTenant);
    await this.table.put(
      { ...webhookKeys.subscription(s.tenantId, s.id), entity: 'webhook', ...s },
      'creating a webhook',
      { condition: 'attribute_not_exists(pk)' },
    );
  }

  async getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
    if (!validId(id)) return undefined;
    const item = await this.table.get(webhookKeys.subscription(tenantId, id), 'reading a webhook');
    return item ? strip<WebhookSubscription>(item) : undefined;
  }

  listSubscriptions(
    tenantId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookSubscription>> {
    return this.page<WebhookSubscription>(webhookKeys.subscriptionPrefix(tenantId), page, true);
  }

  async allSubscriptions(tenantId: string): Promise<WebhookSubscription[]> {
    const items = await this.table.queryAll(
      { ...underPrefix(webhookKeys.subscriptionPrefix(tenantId)), consistent: true },
      'listing webhooks',
    );
    return items.map((i) => strip<WebhookSubscription>(i));
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    if (!validId(id)) return false;
    return held(this.table.delete(webhookKeys.subscription(tenantId, id), 'deleting a webhook', exists));
  }

  async rotateSecret(
    tenantId: string,
    id: string,
    secret: string,
    previousExpiresAt: string,
    now: string,
  ): Promise<WebhookSubscription> {
    try {
      const attributes = await this.table.update(
        webhookKeys.subscription(tenantId, id),
        'SET previousSecret = secret, previousSecretExpiresAt = :exp, secret = :s, updatedAt = :now',
        'rotating a webhook secret',
        { ...exists, values: { ':s': secret, ':exp': previousExpiresAt, ':now': now } },
        'ALL_NEW',
      );
      return strip<WebhookSubscription>(attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new WebhookNotFoundError(id);
      throw error;
    }
  }

  async createDelivery(d: WebhookDelivery): Promise<{ delivery: WebhookDelivery; created: boolean }> {
    const expiresAt = Math.floor(Date.parse(d.createdAt) / 1000) + DELIVERY_RETENTION_SECONDS;
    const marker = webhookKeys.eventDelivery(d.tenantId, d.subscriptionId, d.eventId);
    const failed = await this.table.transact(
      [
        this.table.putItem(
          { ...marker, entity: 'webhookEvent', deliveryId: d.id, expiresAt },
          { condition: 'attribute_not_exists(pk)' },
          'one delivery per event',
        ),
        this.table.putItem({
          ...webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
          entity: 'webhookDelivery',
          ...d,
          expiresAt,
        }),
      ],
      'creating a webhook delivery',
    );
    if (!failed) return { delivery: d, created: true };
    const item = await this.table.get(marker, 'reading a webhook delivery marker');
    const existing =
      typeof item?.deliveryId === 'string'
        ? await this.getDelivery(d.tenantId, d.subscriptionId, item.deliveryId)
        : undefined;
    if (!existing) throw new DependencyError('The delivery of this event could not be created nor found');
    return { delivery: existing, created: false };
  }

  async getDelivery(
    tenantId: string,
    subscriptionId: string,
    id: string,
  ): Promise<WebhookDelivery | undefined> {
    if (!validId(id) || !validId(subscriptionId)) return undefined;
    const item = await this.table.get(
      webhookKeys.delivery(tenantId, subscriptionId, id),
      'reading a webhook delivery',
    );
    return item ? strip<WebhookDelivery>(item) : undefined;
  }

  listDeliveries(
    tenantId: string,
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookDelivery>> {
    return this.page<WebhookDelivery>(webhookKeys.deliveryPrefix(tenantId, subscriptionId), page, false);
  }

  async recordAttempt(
    d: WebhookDelivery,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    now: string,
  ): Promise<void> {
    await this.table.update(
      webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
      'SET attempts = list_append(if_not_exists(attempts, :empty), :a), #status = :s, updatedAt = :now',
      'logging a webhook attempt',
      {
        names: { '#status': 'status' },
        values: { ':a': [attempt], ':empty': [], ':s': status, ':now': now },
      },
    );
  }

  async setDeliveryStatus(d: WebhookDelivery, status: DeliveryStatus, now: string): Promise<void> {
    await this.table.update(
      webhookKeys.delivery(d.tenantId, d.subscriptionId, d.id),
      'SET #status = :s, updatedAt = :now',
      'updating a webhook delivery',
      { ...exists, names: { '#status': 'status' }, values: { ':s': status, ':now': now } },
    );
  }

  async recordSuccess(s: WebhookSubscription, now: string): Promise<void> {
    // A subscription deleted meanwhile has nothing to reset.
    await held(
      this.table.update(
        webhookKeys.subscription(s.tenantId, s.id),
        'SET consecutiveFailures = :zero, updatedAt = :now',
        'resetting webhook failures',
        { ...exists, values: { ':zero': 0, ':now': now } },
      ),
    );
  }

  async recordFailure(s: WebhookSubscription, now: string): Promise<number> {
    try {
      const attributes = await this.table.update(
        webhookKeys.subscription(s.tenantId, s.id),
        'ADD consecutiveFailures :one SET updatedAt = :now',
        'counting webhook failures',
        { ...exists, values: { ':one': 1, ':now': now } },
        'UPDATED_NEW',
      );
      return Number(attributes?.consecutiveFailures ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return 0;
      throw error;
    }
  }

  async disable(s: WebhookSubscription, event: WebhookDisabledDetail): Promise<boolean> {
    const failed = await this.table.transact(
      [
        this.table.updateItem(
          webhookKeys.subscription(s.tenantId, s.id),
          'SET #status = :disabled, disabledAt = :at, disabledReason = :reason, updatedAt = :at',
          {
            condition: '#status = :enabled',
            names: { '#status': 'status' },
            values: {
              ':disabled': 'disabled',
              ':enabled': 'enabled',
              ':at': event.at,
              ':reason': event.reason,
            },
          },
          'enabled',
        ),
        this.table.putItem(
          outboxNotice('webhookNotice', s.id, event, (id) => webhookKeys.event(s.tenantId, s.id, id)),
        ),
      ],
      'disabling a webhook',
    );
    return failed === undefined;
  }

  private async page<T>(
    prefix: { pk: string; skPrefix: string },
    page: { limit: number; cursor?: string },
    forward: boolean,
  ): Promise<Page<T>> {
    const { items, nextCursor } = await this.table.page(
      { ...underPrefix(prefix), forward },
      page,
      'listing',
      prefix,
    );
    return { items: items.map((i) => strip<T>(i)), ...(nextCursor ? { nextCursor } : {}) };
  }
}

/** Ids are ours (`wh_`/`dlv_` + ULID); anything else cannot name an item, and must not break a key. */
function validId(id: string): boolean {
  return /^[A-Za-z0-9_:-]{1,100}$/.test(id);
}
