import type {
  DeliveryAttempt,
  DeliveryMessage,
  DeliveryStatus,
  Page,
  WebhookDelivery,
  WebhookDisabledDetail,
  WebhookSubscription,
} from './model.ts';

/** Subscriptions and deliveries of the tenants; every call names the tenant. */
export interface WebhookStore {
  createSubscription(s: WebhookSubscription, maxPerTenant: number): Promise<void>;
  getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | undefined>;
  listSubscriptions(
    tenantId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookSubscription>>;
  /** All of a tenant's subscriptions, for the fan-out. */
  allSubscriptions(tenantId: string): Promise<WebhookSubscription[]>;
  /** False when there was none. */
  deleteSubscription(tenantId: string, id: string): Promise<boolean>;
  rotateSecret(
    tenantId: string,
    id: string,
    secret: string,
    previousExpiresAt: string,
    now: string,
  ): Promise<WebhookSubscription>;

  /** Creates the delivery unless one exists for the same event and subscription; returns the stored one. */
  createDelivery(d: WebhookDelivery): Promise<{ delivery: WebhookDelivery; created: boolean }>;
  getDelivery(tenantId: string, subscriptionId: string, id: string): Promise<WebhookDelivery | undefined>;
  listDeliveries(
    tenantId: string,
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<WebhookDelivery>>;
  /** Appends an attempt and sets the status. */
  recordAttempt(
    d: WebhookDelivery,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    now: string,
  ): Promise<void>;
  setDeliveryStatus(d: WebhookDelivery, status: DeliveryStatus, now: string): Promise<void>;
  /** Success resets the subscription's failure count. */
  recordSuccess(s: WebhookSubscription, now: string): Promise<void>;
  /** Counts a delivery that failed for good; returns the new count. */
  recordFailure(s: WebhookSubscription, now: string): Promise<number>;
  /**
   * Disables an enabled subscription and, in the same transaction, stores the `webhook.disabled`
   * event with its outbox marker; false when it was not enabled any more.
   */
  disable(s: WebhookSubscription, event: WebhookDisabledDetail): Promise<boolean>;
}

/** The webhooks queue, for delivery messages. */
export interface DeliveryQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}

/** What one HTTP attempt gave. */
export interface SendResult {
  ok: boolean;
  statusCode?: number;
  /** Timeout, connection error, or the refusal of the destination check. */
  error?: string;
  refused?: boolean;
  durationMs: number;
}

/** Sends one signed POST to a subscriber, after checking the destination. */
export interface WebhookSender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
}

/** Checks a URL at subscription time; returns the reason when it is refused. */
export interface UrlGuard {
  check(url: string): Promise<string | undefined>;
}
