/**
 * Order events through the whole local event path to a webhook receiver: outbox → drainer →
 * local EventBridge → webhooks queue → handler (via the queue poller) → HTTP receiver, verified
 * with the standardwebhooks library.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { resetWebhookService } from '../../../adapters/webhooks/service.ts';
import {
  drainUntilEmpty,
  peekQueue,
  queueIdle,
  startEventPath,
  startReceiver,
  useFastWebhookSettings,
  waitFor,
  writeOrderEvent,
  type EventPath,
  type Receiver,
} from './harness.ts';

let api: TestApi;
let doc: DynamoDBDocumentClient;
let path: EventPath;
let receiver: Receiver;
let tenant: TestTenant;

beforeAll(async () => {
  useFastWebhookSettings(1);
  resetWebhookService();
  api = await startTestApi();
  doc = DynamoDBDocumentClient.from(api.resources.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  receiver = await startReceiver();
  path = await startEventPath({
    doc,
    sqs: api.resources.sqs,
    tableName: api.resources.tableName,
    queueUrls: api.resources.queueUrls,
  });
  tenant = await createTestTenant(api);
});

afterAll(async () => {
  await path?.close();
  await receiver?.close();
  await api?.close();
});

async function subscribe(t: TestTenant, route: string, events: string[] = ['order.*']) {
  const res = await api.request('POST', '/api/v1/webhooks', {
    headers: t.headers('admin'),
    body: { url: `${receiver.url}${route}`, events },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; status: string };
}

async function deliveries(t: TestTenant, id: string) {
  const res = await api.request('GET', `/api/v1/webhooks/${id}/deliveries`, { headers: t.headers('viewer') });
  expect(res.status).toBe(200);
  return res.body.items as Array<{
    id: string;
    eventId: string;
    status: string;
    attempts: Array<{ attempt: number; statusCode?: number; outcome: string; trigger: string }>;
  }>;
}

const headersOf = (r: { headers: Record<string, unknown> }) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

describe('webhook delivery through the local event path', () => {
  test('an order event reaches the receiver, signed per Standard Webhooks, carrying the event id and seq', async () => {
    const sub = await subscribe(tenant, '/ok/basic');
    expect(sub.secret).toMatch(/^whsec_/);
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId, { seq: 7 });
    const drained = await drainUntilEmpty(path.drain);
    expect(drained.published).toBeGreaterThanOrEqual(1);

    const [got] = await waitFor(
      () => receiver.on('/ok/basic').length > 0 && receiver.on('/ok/basic'),
      'the webhook',
    );
    const payload = new Webhook(sub.secret).verify(got!.body, headersOf(got!)) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(got!.headers['webhook-id']).toBe(`${event.orderId}:7`);
    expect(payload.type).toBe('order.filled');
    expect(payload.data).toMatchObject({
      schemaVersion: 1,
      eventId: `${event.orderId}:7`,
      orderId: event.orderId,
      seq: 7,
      tenantId: tenant.tenantId,
    });

    // The outbox marker is gone once the event is on the bus.
    const { Item } = await doc.send(
      new GetCommand({
        TableName: api.resources.tableName,
        Key: { pk: `T#${tenant.tenantId}#ORDER#${event.orderId}`, sk: 'EVENT#0000000007' },
      }),
    );
    expect(Item?.gsi3pk).toBeUndefined();
    const log = await waitFor(async () => {
      const d = await deliveries(tenant, sub.id);
      return d[0]?.status === 'succeeded' && d;
    }, 'the delivery log');
    expect(log[0]!.attempts).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 204, outcome: 'succeeded', trigger: 'event' }),
    ]);
  });

  test('a receiver failing 3 times then succeeding gets the event with the same webhook-id each time', async () => {
    const sub = await subscribe(tenant, '/flaky/3');
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId);
    await drainUntilEmpty(path.drain);
    const log = await waitFor(async () => {
      const d = await deliveries(tenant, sub.id);
      return d[0]?.status === 'succeeded' && d;
    }, 'the delivery to succeed');
    const calls = receiver.on('/flaky/3');
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.headers['webhook-id']))).toEqual(
      new Set([`${event.orderId}:${event.seq}`]),
    );
    for (const c of calls) expect(() => new Webhook(sub.secret).verify(c.body, headersOf(c))).not.toThrow();
    expect(log[0]!.attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'failed'],
      [2, 500, 'failed'],
      [3, 500, 'failed'],
      [4, 200, 'succeeded'],
    ]);
  });

  test('a receiver that always fails: every attempt logged, the message in the DLQ, the subscription disabled and the tenant told', async () => {
    const watcher = await subscribe(tenant, '/ok/notices', ['webhook.*']);
    const sub = await subscribe(tenant, '/fail/always');
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId);
    await drainUntilEmpty(path.drain);

    const dead = await waitFor(async () => {
      const bodies = await peekQueue(api.resources.sqs, api.resources.dlqUrls.webhooks);
      return bodies.find((b) => b.includes(sub.id));
    }, 'the delivery in the DLQ');
    expect(JSON.parse(dead)).toMatchObject({
      kind: 'webhook.delivery',
      subscriptionId: sub.id,
      tenantId: tenant.tenantId,
    });

    const [log] = await deliveries(tenant, sub.id);
    expect(log!.eventId).toBe(`${event.orderId}:${event.seq}`);
    expect(log!.status).toBe('failed');
    expect(log!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log!.attempts.every((a) => a.statusCode === 503 && a.outcome === 'failed')).toBe(true);
    expect(receiver.on('/fail/always')).toHaveLength(8);

    const after = await api.request('GET', `/api/v1/webhooks/${sub.id}`, {
      headers: tenant.headers('viewer'),
    });
    expect(after.body).toMatchObject({ status: 'disabled', consecutiveFailures: 1 });

    // webhook.disabled goes out through the outbox and the bus like any event.
    await drainUntilEmpty(path.drain);
    const [notice] = await waitFor(
      () => receiver.on('/ok/notices').length > 0 && receiver.on('/ok/notices'),
      'the webhook.disabled notice',
    );
    const payload = new Webhook(watcher.secret).verify(notice!.body, headersOf(notice!)) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload).toMatchObject({
      type: 'webhook.disabled',
      data: { subscriptionId: sub.id, tenantId: tenant.tenantId },
    });
  });

  test('manual redelivery sends the event again with the same webhook-id and logs the attempt', async () => {
    const sub = await subscribe(tenant, '/ok/redeliver');
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId);
    await drainUntilEmpty(path.drain);
    const [first] = await waitFor(async () => {
      const d = await deliveries(tenant, sub.id);
      return d[0]?.status === 'succeeded' && d;
    }, 'the first delivery');
    const res = await api.request('POST', `/api/v1/webhooks/${sub.id}/deliveries/${first!.id}/redeliver`, {
      headers: tenant.headers('admin'),
    });
    expect(res.status).toBe(202);
    await waitFor(() => receiver.on('/ok/redeliver').length === 2, 'the redelivery');
    expect(receiver.on('/ok/redeliver').map((r) => r.headers['webhook-id'])).toEqual([
      `${event.orderId}:${event.seq}`,
      `${event.orderId}:${event.seq}`,
    ]);
    const [log] = await waitFor(async () => {
      const d = await deliveries(tenant, sub.id);
      return d[0]?.attempts.length === 2 && d[0].status === 'succeeded' && d;
    }, 'the logged redelivery');
    expect(log!.attempts.map((a) => a.trigger)).toEqual(['event', 'redeliver']);
  });

  test('a bus event delivered twice makes one delivery per subscription', async () => {
    const sub = await subscribe(tenant, '/ok/dedupe');
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId);
    await drainUntilEmpty(path.drain);
    await waitFor(() => receiver.on('/ok/dedupe').length === 1, 'the first delivery');
    // The same audit item back in the outbox, as after a drainer crash before removing the marker.
    await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId, {
      orderId: event.orderId,
      seq: event.seq,
    });
    await drainUntilEmpty(path.drain);
    await path.router.idle();
    await waitFor(
      () => queueIdle(api.resources.sqs, api.resources.queueUrls.webhooks),
      'the webhooks queue to settle',
    );
    expect(await deliveries(tenant, sub.id)).toHaveLength(1);
    expect(
      receiver.on('/ok/dedupe').filter((r) => r.headers['webhook-id'] === `${event.orderId}:${event.seq}`),
    ).toHaveLength(1);
  });
});
