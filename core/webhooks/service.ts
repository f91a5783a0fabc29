import { ulid } from 'ulid';
import { WebhookDeliveryNotFoundError, WebhookNotFoundError, WebhookUrlForbiddenError } from './errors.ts';
import {
  BusEventDetail,
  MAX_SUBSCRIPTIONS_PER_TENANT,
  ROTATION_GRACE_MS,
  WEBHOOK_DISABLED_SCHEMA_VERSION,
  WEBHOOK_TEST_EVENT,
  matchesFilters,
  newSecret,
  signingSecrets,
  webhookPayload,
  type CreateWebhookRequest,
  type DeliveryAttempt,
  type DeliveryMessage,
  type WebhookDelivery,
  type WebhookSubscription,
} from './model.ts';
import type { DeliveryQueue, SendResult, UrlGuard, WebhookSender, WebhookStore } from './ports.ts';
import { isLastAttempt, retryDelaySeconds, type RetryPolicy } from './retry.ts';
import { signedHeaders } from './signing.ts';

export interface WebhookServiceDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  sender: WebhookSender;
  guard: UrlGuard;
  retry: RetryPolicy;
  /** Deliveries that fail for good in a row before the subscription is disabled. */
  disableAfter: number;
  now?: () => Date;
  random?: () => number;
}

/** What the queue consumer does with a delivery message after one attempt. */
export type AttemptOutcome =
  /** `delivered`: this attempt reached the endpoint (else there was nothing left to send). */
  | { action: 'done'; delivered?: true }
  | { action: 'retry'; delaySeconds: number }
  /** Out of attempts: leave the message to the queue's redrive policy, which moves it to the DLQ. */
  | { action: 'dead-letter' };

/** An SQS record reduced to what the consumer needs. */
export interface EventEnvelopeLike {
  'detail-type': string;
  detail: unknown;
  time?: string;
}

/** Subscriptions, fan-out and delivery attempts; the handlers are thin shells around this. */
export class WebhookService {
  readonly deps: WebhookServiceDeps;

  constructor(deps: WebhookServiceDeps) {
    this.deps = deps;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Creates a subscription after checking where its URL resolves; the secret is in the result, once. */
  async subscribe(tenantId: string, input: CreateWebhookRequest): Promise<WebhookSubscription> {
    const refused = await this.deps.guard.check(input.url);
    if (refused !== undefined) throw new WebhookUrlForbiddenError(input.url, refused);
    const at = this.now().toISOString();
    const subscription: WebhookSubscription = {
      id: `wh_${ulid()}`,
      tenantId,
      url: input.url,
      events: [...new Set(input.events)],
      ...(input.description !== undefined ? { description: input.description } : {}),
      status: 'enabled',
      secret: newSecret(),
      consecutiveFailures: 0,
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.store.createSubscription(subscription, MAX_SUBSCRIPTIONS_PER_TENANT);
    return subscription;
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscription> {
    const s = await this.deps.store.getSubscription(tenantId, id);
    if (!s) throw new WebhookNotFoundError(id);
    return s;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteSubscription(tenantId, id))) throw new WebhookNotFoundError(id);
  }

  /** A new secret; the old one keeps signing for a grace period so receivers can switch without losing events. */
  async rotateSecret(tenantId: string, id: string): Promise<WebhookSubscription> {
    await this.get(tenantId, id);
    const now = this.now();
    return this.deps.store.rotateSecret(
      tenantId,
      id,
      newSecret(),
      new Date(now.getTime() + ROTATION_GRACE_MS).toISOString(),
      now.toISOString(),
    );
  }

  /** Sends one `webhook.test` event now, logged like any delivery, and reports the attempt. */
  async sendTest(tenantId: string, id: string): Promise<WebhookDelivery> {
    const s = await this.get(tenantId, id);
    const now = this.now();
    const eventId = `test_${ulid()}`;
    const data = {
      schemaVersion: 1,
      eventId,
      type: WEBHOOK_TEST_EVENT,
      tenantId,
      subscriptionId: s.id,
      at: now.toISOString(),
    };
    const delivery = this.newDelivery(
      s,
      eventId,
      WEBHOOK_TEST_EVENT,
      webhookPayload(WEBHOOK_TEST_EVENT, now.toISOString(), data),
    );
    const { delivery: stored } = await this.deps.store.createDelivery(delivery);
    const result = await this.attempt(s, stored, 'test');
    const attempt = this.attemptRecord(stored, result, 'test');
    const status = result.ok ? 'succeeded' : 'failed';
    await this.deps.store.recordAttempt(stored, attempt, status, attempt.at);
    return { ...stored, status, attempts: [...stored.attempts, attempt] };
  }

  /** Queues another round of attempts for a delivery, with the same webhook-id. */
  async redeliver(tenantId: string, subscriptionId: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.get(tenantId, subscriptionId);
    const d = await this.deps.store.getDelivery(tenantId, subscriptionId, deliveryId);
    if (!d) throw new WebhookDeliveryNotFoundError(deliveryId);
    const at = this.now().toISOString();
    await this.deps.store.setDeliveryStatus(d, 'pending', at);
    await this.deps.queue.enqueue([
      { kind: 'webhook.delivery', tenantId, subscriptionId, deliveryId, trigger: 'redeliver' },
    ]);
    return { ...d, status: 'pending', updatedAt: at };
  }

  /**
   * An event from the bus: one delivery per matching enabled subscription of the event's tenant,
   * each queued as its own message so each retries on its own. Idempotent per event and subscription.
   */
  async fanOut(envelope: EventEnvelopeLike): Promise<number> {
    const type = envelope['detail-type'];
    const detail = BusEventDetail.parse(envelope.detail);
    const subscriptions = await this.deps.store.allSubscriptions(detail.tenantId);
    const timestamp = detail.at ?? envelope.time ?? this.now().toISOString();
    const payload = webhookPayload(type, timestamp, detail);
    const messages: DeliveryMessage[] = [];
    for (const s of subscriptions) {
      // The store is tenant-scoped already; the check keeps a bad index or key from ever crossing tenants.
      if (s.tenantId !== detail.tenantId || s.status !== 'enabled' || !matchesFilters(s.events, type))
        continue;
      const { delivery, created } = await this.deps.store.createDelivery(
        this.newDelivery(s, detail.eventId, type, payload),
      );
      // A redelivered bus event re-queues only deliveries that never got an attempt (the crash window before enqueue).
      if (created || (delivery.status === 'pending' && delivery.attempts.length === 0)) {
        messages.push({
          kind: 'webhook.delivery',
          tenantId: s.tenantId,
          subscriptionId: s.id,
          deliveryId: delivery.id,
          trigger: 'event',
        });
      }
    }
    if (messages.length > 0) await this.deps.queue.enqueue(messages);
    return messages.length;
  }

  /** One attempt of one delivery; `receiveCount` is how many times the queue has handed out this message. */
  async deliver(message: DeliveryMessage, receiveCount: number): Promise<AttemptOutcome> {
    const { store } = this.deps;
    const d = await store.getDelivery(message.tenantId, message.subscriptionId, message.deliveryId);
    if (!d || d.status !== 'pending') return { action: 'done' };
    const s = await store.getSubscription(message.tenantId, message.subscriptionId);
    if (!s || s.status !== 'enabled') {
      await store.setDeliveryStatus(d, 'cancelled', this.now().toISOString());
      return { action: 'done' };
    }
    const result = await this.attempt(s, d, message.trigger);
    const attempt = this.attemptRecord(d, result, message.trigger);
    if (result.ok) {
      await store.recordAttempt(d, attempt, 'succeeded', attempt.at);
      if (s.consecutiveFailures > 0) await store.recordSuccess(s, attempt.at);
      return { action: 'done', delivered: true };
    }
    if (isLastAttempt(receiveCount, this.deps.retry)) {
      await store.recordAttempt(d, attempt, 'failed', attempt.at);
      const failures = await store.recordFailure(s, attempt.at);
      if (failures >= this.deps.disableAfter) await this.disable(s, failures);
      return { action: 'dead-letter' };
    }
    const delaySeconds = retryDelaySeconds(receiveCount, this.deps.retry, this.deps.random);
    attempt.nextAttemptAt = new Date(Date.parse(attempt.at) + delaySeconds * 1000).toISOString();
    await store.recordAttempt(d, attempt, 'pending', attempt.at);
    return { action: 'retry', delaySeconds };
  }

  private async disable(s: WebhookSubscription, failures: number): Promise<void> {
    const at = this.now().toISOString();
    const id = ulid();
    await this.deps.store.disable(s, {
      schemaVersion: WEBHOOK_DISABLED_SCHEMA_VERSION,
      eventId: `${s.id}:disabled:${id}`,
      type: 'webhook.disabled',
      tenantId: s.tenantId,
      subscriptionId: s.id,
      url: s.url,
      at,
      reason: `${failures} deliveries in a row failed after every retry`,
      consecutiveFailures: failures,
    });
  }

  private newDelivery(
    s: WebhookSubscription,
    eventId: string,
    eventType: string,
    payload: string,
  ): WebhookDelivery {
    const at = this.now().toISOString();
    return {
      id: `dlv_${ulid()}`,
      tenantId: s.tenantId,
      subscriptionId: s.id,
      eventId,
      eventType,
      payload,
      status: 'pending',
      attempts: [],
      createdAt: at,
      updatedAt: at,
    };
  }

  private async attempt(
    s: WebhookSubscription,
    d: WebhookDelivery,
    _trigger: string,
  ): Promise<SendResult & { at: Date }> {
    const at = this.now();
    const headers = signedHeaders(d.eventId, at, d.payload, signingSecrets(s, at));
    const correlationId = correlationIdOf(d.payload);
    const result = await this.deps.sender.send(
      s.url,
      {
        ...headers,
        'content-type': 'application/json',
        ...(correlationId ? { 'x-request-id': correlationId } : {}),
      },
      d.payload,
    );
    return { ...result, at };
  }

  private attemptRecord(
    d: WebhookDelivery,
    r: SendResult & { at: Date },
    trigger: DeliveryAttempt['trigger'],
  ): DeliveryAttempt {
    return {
      attempt: d.attempts.length + 1,
      at: r.at.toISOString(),
      durationMs: Math.round(r.durationMs),
      outcome: r.ok ? 'succeeded' : r.refused ? 'refused' : 'failed',
      ...(r.statusCode !== undefined ? { statusCode: r.statusCode } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      trigger,
    };
  }
}

/** The correlation id of the event a payload carries (`data.correlationId`), for the delivery's `x-request-id`. */
function correlationIdOf(payload: string): string | undefined {
  try {
    const parsed = JSON.parse(payload) as { data?: { correlationId?: unknown } };
    const id = parsed.data?.correlationId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
