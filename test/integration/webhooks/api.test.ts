/**
 * The subscriptions API over HTTP (through the local gateway and the real authorizer), tenant
 * isolation of deliveries, and the destination checks at subscription and at delivery.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { webhookEnv } from '../../../adapters/webhooks/config.ts';
import { resetWebhookService } from '../../../adapters/webhooks/service.ts';
import type { Resolver } from '../../../adapters/webhooks/sender.ts';
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
let a: TestTenant;
let b: TestTenant;

/** DNS for the tests: names under `.test` answer what the test says; everything else is loopback. */
const dns = new Map<string, string[][]>();
const resolver: Resolver = async (host) => {
  const answers = dns.get(host);
  const answer = answers && answers.length > 1 ? answers.shift()! : (answers?.[0] ?? ['127.0.0.1']);
  return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

beforeAll(async () => {
  useFastWebhookSettings(1);
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
  [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
});

beforeEach(() => {
  process.env[webhookEnv.allowLoopback] = 'true';
  resetWebhookService(resolver);
});

afterAll(async () => {
  await path?.close();
  await receiver?.close();
  await api?.close();
});

const create = (t: TestTenant, body: unknown, role: 'admin' | 'trader' | 'viewer' = 'admin') =>
  api.request('POST', '/api/v1/webhooks', { headers: t.headers(role), body });

describe('subscriptions API', () => {
  test('create shows the secret once; get and list never show it', async () => {
    const res = await create(a, {
      url: `${receiver.url}/ok/api`,
      events: ['order.filled', 'order.*'],
      description: 'fills',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      status: 'enabled',
      description: 'fills',
      secret: expect.stringMatching(/^whsec_/),
    });
    const got = await api.request('GET', `/api/v1/webhooks/${res.body.id}`, { headers: a.headers('viewer') });
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    expect(got.body.url).toBe(`${receiver.url}/ok/api`);
    const list = await api.request('GET', '/api/v1/webhooks', { headers: a.headers('viewer') });
    expect(
      list.body.items.some(
        (s: { id: string; secret?: string }) => s.id === res.body.id && s.secret === undefined,
      ),
    ).toBe(true);
  });

  test('lists page by cursor', async () => {
    const t = await createTestTenant(api);
    for (let i = 0; i < 3; i++)
      expect((await create(t, { url: `${receiver.url}/ok/page${i}`, events: ['*'] })).status).toBe(201);
    const first = await api.request('GET', '/api/v1/webhooks?limit=2', { headers: t.headers('viewer') });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeDefined();
    const second = await api.request('GET', `/api/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`, {
      headers: t.headers('viewer'),
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const bad = await api.request('GET', '/api/v1/webhooks?cursor=nonsense', {
      headers: t.headers('viewer'),
    });
    expect(bad.status).toBe(400);
  });

  test('scopes: viewers read, admins write; traders hold no webhooks:write', async () => {
    expect((await create(a, { url: `${receiver.url}/ok/x`, events: ['*'] }, 'viewer')).status).toBe(403);
    expect((await create(a, { url: `${receiver.url}/ok/x`, events: ['*'] }, 'trader')).status).toBe(403);
    expect((await api.request('GET', '/api/v1/webhooks', { headers: a.headers('trader') })).status).toBe(200);
    expect((await api.request('GET', '/api/v1/webhooks')).status).toBe(401);
    const key = await a.apiKey(['webhooks:write', 'webhooks:read']);
    expect(
      (
        await api.request('POST', '/api/v1/webhooks', {
          headers: { 'x-api-key': key },
          body: { url: `${receiver.url}/ok/key`, events: ['*'] },
        })
      ).status,
    ).toBe(201);
  });

  test('invalid bodies are 400 problems', async () => {
    const res = await create(a, { url: `${receiver.url}/ok/x`, events: ['order.flled'] });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  test("another tenant's subscription is 404 for every route", async () => {
    const own = await create(a, { url: `${receiver.url}/ok/mine`, events: ['*'] });
    const id = own.body.id as string;
    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
      ['GET', '/deliveries'],
      ['POST', '/deliveries/dlv_x/redeliver'],
    ] as const) {
      const res = await api.request(method, `/api/v1/webhooks/${id}${suffix}`, {
        headers: b.headers('admin'),
      });
      expect([method, suffix, res.status, res.body.code]).toEqual([method, suffix, 404, 'WEBHOOK_NOT_FOUND']);
    }
    expect((await api.request('GET', `/api/v1/webhooks/${id}`, { headers: a.headers('admin') })).status).toBe(
      200,
    );
  });

  test('rotate-secret: deliveries carry both signatures during the grace period; test sends webhook.test', async () => {
    const sub = (await create(a, { url: `${receiver.url}/ok/rotate`, events: ['*'] })).body as {
      id: string;
      secret: string;
    };
    const rotated = await api.request('POST', `/api/v1/webhooks/${sub.id}/rotate-secret`, {
      headers: a.headers('admin'),
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    const test = await api.request('POST', `/api/v1/webhooks/${sub.id}/test`, {
      headers: a.headers('admin'),
    });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({
      status: 'succeeded',
      eventType: 'webhook.test',
      attempts: [{ attempt: 1, statusCode: 204, trigger: 'test' }],
    });
    const [got] = receiver.on('/ok/rotate');
    const headers = {
      'webhook-id': String(got!.headers['webhook-id']),
      'webhook-timestamp': String(got!.headers['webhook-timestamp']),
      'webhook-signature': String(got!.headers['webhook-signature']),
    };
    expect(new Webhook(rotated.body.secret).verify(got!.body, headers)).toMatchObject({
      type: 'webhook.test',
    });
    expect(new Webhook(sub.secret).verify(got!.body, headers)).toMatchObject({ type: 'webhook.test' });
  });

  test('delete removes it', async () => {
    const id = (await create(a, { url: `${receiver.url}/ok/del`, events: ['*'] })).body.id as string;
    expect(
      (await api.request('DELETE', `/api/v1/webhooks/${id}`, { headers: a.headers('admin') })).status,
    ).toBe(204);
    expect((await api.request('GET', `/api/v1/webhooks/${id}`, { headers: a.headers('admin') })).status).toBe(
      404,
    );
    expect(
      (await api.request('DELETE', `/api/v1/webhooks/${id}`, { headers: a.headers('admin') })).status,
    ).toBe(404);
  });
});

describe('tenant isolation', () => {
  test("tenant A's subscriptions never receive tenant B's events", async () => {
    const [ta, tb] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
    const subA = (await create(ta, { url: `${receiver.url}/ok/iso-a`, events: ['*'] })).body.id as string;
    const subB = (await create(tb, { url: `${receiver.url}/ok/iso-b`, events: ['*'] })).body.id as string;
    const eventB = await writeOrderEvent(doc, api.resources.tableName, tb.tenantId);
    const eventA = await writeOrderEvent(doc, api.resources.tableName, ta.tenantId);
    await drainUntilEmpty(path.drain);
    await path.router.idle();
    await waitFor(
      () => receiver.on('/ok/iso-a').length >= 1 && receiver.on('/ok/iso-b').length >= 1,
      'both deliveries',
    );
    await waitFor(
      () => queueIdle(api.resources.sqs, api.resources.queueUrls.webhooks),
      'the webhooks queue to settle',
    );

    expect(receiver.on('/ok/iso-a').map((r) => r.headers['webhook-id'])).toEqual([
      `${eventA.orderId}:${eventA.seq}`,
    ]);
    expect(receiver.on('/ok/iso-b').map((r) => r.headers['webhook-id'])).toEqual([
      `${eventB.orderId}:${eventB.seq}`,
    ]);
    const logA = await api.request('GET', `/api/v1/webhooks/${subA}/deliveries`, {
      headers: ta.headers('viewer'),
    });
    expect(logA.body.items.map((d: { eventId: string }) => d.eventId)).toEqual([
      `${eventA.orderId}:${eventA.seq}`,
    ]);
    const crossLog = await api.request('GET', `/api/v1/webhooks/${subB}/deliveries`, {
      headers: ta.headers('viewer'),
    });
    expect(crossLog.status).toBe(404);
  });
});

describe('destination checks', () => {
  test.each([
    ['https://10.0.0.1/hook', /private/],
    ['https://172.16.5.4/hook', /private/],
    ['https://192.168.0.10/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /metadata/],
    ['https://169.254.10.10/', /link-local/],
    ['https://100.64.1.1/', /cgnat/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://[fd00:ec2::254]/', /metadata/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[fc00::5]/', /private/],
    ['https://[::ffff:169.254.169.254]/', /metadata/],
    ['https://[::ffff:10.0.0.1]/', /private/],
    ['https://internal.test/hook', /private/],
    ['https://meta.test/hook', /metadata/],
    ['http://public.test/hook', /loopback addresses only/],
  ])('subscribing to %s is refused with WEBHOOK_URL_FORBIDDEN', async (url, reason) => {
    dns.set('internal.test', [['93.184.216.34', '10.9.8.7']]);
    dns.set('meta.test', [['169.254.169.254']]);
    dns.set('public.test', [['93.184.216.34']]);
    const res = await create(a, { url, events: ['*'] });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(res.body.reason).toMatch(reason);
  });

  test('in AWS mode loopback and plain http are refused too', async () => {
    process.env[webhookEnv.allowLoopback] = 'false';
    resetWebhookService(resolver);
    for (const url of [
      `${receiver.url}/ok/x`,
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://localhost.test/',
    ]) {
      const res = await create(a, { url, events: ['*'] });
      expect([url, res.status, res.body.code]).toEqual([url, 422, 'WEBHOOK_URL_FORBIDDEN']);
    }
  });

  test('a DNS answer that changes to a private address after subscribing is refused at delivery', async () => {
    const port = new URL(receiver.url).port;
    dns.set('rebind.test', [['127.0.0.1'], ['10.0.0.7']]);
    const sub = await create(a, { url: `http://rebind.test:${port}/ok/rebind`, events: ['order.*'] });
    expect(sub.status).toBe(201);
    await writeOrderEvent(doc, api.resources.tableName, a.tenantId);
    await drainUntilEmpty(path.drain);
    await waitFor(
      async () =>
        (await peekQueue(api.resources.sqs, api.resources.dlqUrls.webhooks)).some((m) =>
          m.includes(sub.body.id),
        ),
      'the refused delivery in the DLQ',
    );
    const log = await api.request('GET', `/api/v1/webhooks/${sub.body.id}/deliveries`, {
      headers: a.headers('viewer'),
    });
    const attempts = log.body.items[0].attempts as Array<{
      outcome: string;
      error: string;
      statusCode?: number;
    }>;
    expect(attempts).toHaveLength(8);
    expect(
      attempts.every((x) => x.outcome === 'refused' && /private/.test(x.error) && x.statusCode === undefined),
    ).toBe(true);
    expect(receiver.on('/ok/rebind')).toHaveLength(0);
  });
});
