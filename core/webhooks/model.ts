import * as z from 'zod';
import { ORDER_EVENT_TYPES } from '../orders/event-types.ts';

/** Event types a subscription may name; `webhook.disabled` tells a tenant one of its subscriptions was switched off. */
export const WEBHOOK_EVENT_TYPES = [
  ...ORDER_EVENT_TYPES,
  'position.changed',
  'risk.kill_switch',
  'webhook.disabled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What `POST /webhooks/{id}/test` sends; never published on the bus. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

const CATEGORIES = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split('.')[0]!))];

/** A subscription filter: an event type, `<category>.*` or `*`. */
export const EventFilter = z
  .string()
  .refine(
    (f) =>
      f === '*' ||
      (WEBHOOK_EVENT_TYPES as readonly string[]).includes(f) ||
      CATEGORIES.some((c) => f === `${c}.*`),
    {
      message: `must be an event type (${WEBHOOK_EVENT_TYPES.join(', ')}), <category>.* (${CATEGORIES.map((c) => `${c}.*`).join(', ')}) or *`,
    },
  );

/** True when an event of `type` passes one of the filters. */
export function matchesFilters(filters: readonly string[], type: string): boolean {
  return filters.some(
    (f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))),
  );
}

export const MAX_SUBSCRIPTIONS_PER_TENANT = 25;

export const CreateWebhookRequest = z
  .object({
    url: z.string().min(1).max(2048),
    events: z.array(EventFilter).min(1).max(50),
    description: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookRequest' });
export type CreateWebhookRequest = z.output<typeof CreateWebhookRequest>;

export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .meta({ id: 'WebhookPageQuery' });
export type PageQuery = z.output<typeof PageQuery>;

export type SubscriptionStatus = 'enabled' | 'disabled';

/** A subscription as stored, secrets included. */
export interface WebhookSubscription {
  id: string;
  tenantId: string;
  url: string;
  events: string[];
  description?: string;
  status: SubscriptionStatus;
  /** `whsec_<base64>`; kept readable because every delivery is signed with it. */
  secret: string;
  /** After a rotation the old secret also signs, until `previousSecretExpiresAt`, so receivers can switch over. */
  previousSecret?: string;
  previousSecretExpiresAt?: string;
  /** Deliveries that failed for good since the last success. */
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
  disabledAt?: string;
  disabledReason?: string;
}

/** How a subscription is shown; the secret is shown only when created or rotated. */
export function subscriptionView(s: WebhookSubscription) {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    ...(s.description !== undefined ? { description: s.description } : {}),
    status: s.status,
    consecutiveFailures: s.consecutiveFailures,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.disabledAt ? { disabledAt: s.disabledAt, disabledReason: s.disabledReason } : {}),
  };
}

/** A new signing secret: 32 random bytes, the Standard Webhooks `whsec_` form. */
export function newSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}

/** The secrets a delivery at `now` is signed with: the current one and, during a rotation, the previous. */
export function signingSecrets(s: WebhookSubscription, now: Date): string[] {
  const previous =
    s.previousSecret && s.previousSecretExpiresAt && Date.parse(s.previousSecretExpiresAt) > now.getTime()
      ? [s.previousSecret]
      : [];
  return [s.secret, ...previous];
}

/** How long the old secret keeps signing after a rotation. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** One HTTP attempt, as the deliveries log shows it. */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed' | 'refused';
  statusCode?: number;
  error?: string;
  /** When the next attempt is due, if there will be one. */
  nextAttemptAt?: string;
  trigger: 'event' | 'redeliver' | 'test';
}

/** One event to one subscription, with every attempt made for it. */
export interface WebhookDelivery {
  id: string;
  tenantId: string;
  subscriptionId: string;
  /** The Standard Webhooks message id (`webhook-id`): the event's stable id, kept across retries and redeliveries. */
  eventId: string;
  eventType: string;
  /** The exact JSON body sent, so every attempt signs the same bytes. */
  payload: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: string;
  updatedAt: string;
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** The webhook body: the Standard Webhooks envelope `{ type, timestamp, data }`, data being the bus detail. */
export function webhookPayload(type: string, timestamp: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp, data });
}

/** A page of a listing; `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The message on the webhooks queue that asks for one attempt of one delivery. */
export const DeliveryMessage = z.object({
  kind: z.literal('webhook.delivery'),
  tenantId: z.string().min(1),
  subscriptionId: z.string().min(1),
  deliveryId: z.string().min(1),
  trigger: z.enum(['event', 'redeliver']),
});
export type DeliveryMessage = z.output<typeof DeliveryMessage>;

/** The minimum every event on the bus carries for webhooks: whose it is and its stable id. */
export const BusEventDetail = z.looseObject({
  tenantId: z.string().min(1),
  eventId: z.string().min(1),
  at: z.string().optional(),
});

/** The detail of `webhook.disabled`. */
export const WEBHOOK_DISABLED_SCHEMA_VERSION = 1;
export interface WebhookDisabledDetail {
  schemaVersion: typeof WEBHOOK_DISABLED_SCHEMA_VERSION;
  eventId: string;
  type: 'webhook.disabled';
  tenantId: string;
  subscriptionId: string;
  url: string;
  at: string;
  reason: string;
  consecutiveFailures: number;
}
