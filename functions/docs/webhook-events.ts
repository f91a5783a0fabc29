/**
 * The events a webhook receiver gets, as OpenAPI 3.1 `webhooks`: one entry per event type, each
 * with the envelope, the detail schema and an example.
 */
import * as z from 'zod';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ORDER_EVENT_TYPES, OrderEventDetail } from '../../core/orders/events.ts';
import { PositionChangedDetail } from '../../core/positions/position.ts';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from '../../core/webhooks/model.ts';

const ORDER_ID = '01JF3Q7RZ8E4XK2M5N6P7Q8R9S';
const AT = '2026-01-05T14:30:02.000Z';

const KillSwitchDetail = z.object({
  schemaVersion: z.literal(1),
  eventId: z.string(),
  type: z.literal('risk.kill_switch'),
  tenantId: z.string(),
  at: z.string(),
  actor: z.string(),
  data: z.object({ engaged: z.boolean(), reason: z.string().nullable() }),
});

const WebhookDisabledDetail = z.object({
  schemaVersion: z.literal(1),
  eventId: z.string(),
  type: z.literal('webhook.disabled'),
  tenantId: z.string(),
  subscriptionId: z.string(),
  url: z.string(),
  at: z.string(),
  reason: z.string(),
  consecutiveFailures: z.number().int(),
});

const TestDetail = z.looseObject({ eventId: z.string(), tenantId: z.string(), subscriptionId: z.string() });

function detailOf(type: string): { schema: z.ZodType; example: Record<string, unknown> } {
  const base = { schemaVersion: 1, tenantId: 'acme', at: AT };
  if ((ORDER_EVENT_TYPES as readonly string[]).includes(type))
    return {
      schema: OrderEventDetail,
      example: {
        ...base,
        eventId: `${ORDER_ID}:3`,
        type,
        orderId: ORDER_ID,
        seq: 3,
        actor: 'broker',
        data: { order: { id: ORDER_ID, symbol: 'AAPL', status: type.split('.')[1], filledQuantity: '10' } },
      },
    };
  if (type === 'position.changed')
    return {
      schema: PositionChangedDetail,
      example: {
        ...base,
        eventId: 'acme:DU1234567:AAPL:4',
        type,
        account: 'DU1234567',
        symbol: 'AAPL',
        quantity: '10',
        averageCost: '187.25',
        realizedPnl: '0',
        commissions: '1',
        seq: 4,
        cause: { kind: 'fill', execId: '0000e0d5.6571a2b3.01.01', orderId: ORDER_ID },
      },
    };
  if (type === 'risk.kill_switch')
    return {
      schema: KillSwitchDetail,
      example: {
        ...base,
        eventId: 'acme:kill-switch:01JF3Q7S',
        type,
        actor: 'user:admin',
        data: { engaged: true, reason: 'Runaway strategy' },
      },
    };
  if (type === 'webhook.disabled')
    return {
      schema: WebhookDisabledDetail,
      example: {
        ...base,
        eventId: 'wh_01JF3Q7S0B7V2Y4Z6A8C0E2G4J:disabled:01JF3Q7S',
        type,
        subscriptionId: 'wh_01JF3Q7S0B7V2Y4Z6A8C0E2G4J',
        url: 'https://hooks.example.com/oms',
        reason: '5 deliveries in a row failed after every retry',
        consecutiveFailures: 5,
      },
    };
  return {
    schema: TestDetail,
    example: {
      eventId: 'test_01JF3Q7S5F1Z3B5D7F9H1K3M5P',
      tenantId: 'acme',
      subscriptionId: 'wh_01JF3Q7S0B7V2Y4Z6A8C0E2G4J',
    },
  };
}

/** Every event type a subscription can receive, `webhook.test` included. */
export const ALL_WEBHOOK_EVENTS: readonly string[] = [...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT];

/** The payload example of one event type, as a receiver gets it. */
export function webhookPayloadExample(type: string): Record<string, unknown> {
  return { type, timestamp: AT, data: detailOf(type).example };
}

/** The `webhooks` entries of the document. */
export function webhookRoutes(): RouteConfig[] {
  const headers = z.object({
    'webhook-id': z
      .string()
      .meta({ description: 'The event id, stable across retries', example: `${ORDER_ID}:3` }),
    'webhook-timestamp': z
      .string()
      .meta({ description: 'Unix seconds of this attempt', example: '1767623402' }),
    'webhook-signature': z.string().meta({
      description: 'Space-separated `v1,<base64>` signatures',
      example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    }),
  });
  return ALL_WEBHOOK_EVENTS.map((type) => {
    const { schema } = detailOf(type);
    const payload = z.object({ type: z.literal(type), timestamp: z.string(), data: schema });
    return {
      method: 'post' as const,
      path: type,
      operationId: `webhook_${type.replace(/[^a-z]/g, '_')}`,
      summary: `${type} event`,
      tags: ['webhooks'],
      request: {
        headers,
        body: {
          required: true,
          content: { 'application/json': { schema: payload, example: webhookPayloadExample(type) } },
        },
      },
      responses: { 200: { description: 'Any 2xx within 10 s counts as delivered' } },
    };
  });
}

/** For tests: the schema a payload of this type must satisfy. */
export function webhookPayloadSchema(type: string): z.ZodType {
  return z.object({ type: z.literal(type), timestamp: z.string(), data: detailOf(type).schema });
}
