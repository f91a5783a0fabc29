import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
/**
 * The stream against the local gateway (real sockets) and DynamoDB Local: authentication with the
 * HTTP API's credentials, tenant isolation, resume from a cursor, reset, and slow consumers.
 * Events are handed to the fan-out handler as the bus rule would hand them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { StreamClient } from '../../support/stream.ts';
import { handler as fanOut } from '../../../functions/stream/fanout.ts';
import { DynamoStreamStore } from '../../../adapters/dynamodb/stream-store.ts';
import { ApiGatewayConnections } from '../../../adapters/stream/connections.ts';
import { streamKeys } from '../../../core/store/keys.ts';
import { AUTH_DEADLINE_MS, CLOSE, decodeCursor, encodeCursor } from '../../../core/stream/model.ts';
import { stream } from '../../../core/topology.ts';
import { startGateway } from '../../../local/gateway.ts';

let api: TestApi;
let store: DynamoStreamStore;

const SLOW_BUFFER = 256 * 1024;

beforeAll(async () => {
  // The deadline has a test of its own; here it only must not cut in on a loaded machine.
  api = await startTestApi({ stream: { maxBufferedBytes: SLOW_BUFFER, authDeadlineMs: 120_000 } });
  store = new DynamoStreamStore(api.resources.dynamo, api.resources.tableName);
});
afterAll(async () => {
  await api.close();
});

/** One order event as the outbox drainer publishes it. */
function orderEvent(tenantId: string, orderId: string, seq: number, type = 'order.accepted', extra = {}) {
  const at = new Date(Date.UTC(2026, 0, 5, 15, 0, seq)).toISOString();
  return {
    'detail-type': type,
    time: at.replace(/\.\d{3}Z$/, 'Z'),
    detail: {
      schemaVersion: 1,
      eventId: `${orderId}:${seq}`,
      type,
      tenantId,
      orderId,
      seq,
      at,
      actor: 'user:test',
      data: { order: { id: orderId, status: 'accepted' }, ...extra },
    },
  };
}

async function subscribed(tenant: TestTenant, streams = ['orders'], cursor?: string) {
  const client = await StreamClient.authenticated(api.url, { token: tenant.tokens.viewer });
  const reply = await client.subscribe(streams, cursor);
  return { client, reply };
}

describe('authentication', () => {
  it('accepts an access token or an API key as its first message', async () => {
    const tenant = await createTestTenant(api);
    const byToken = await StreamClient.authenticated(api.url, { token: tenant.tokens.trader });
    const key = await tenant.apiKey(['orders:read']);
    const byKey = await StreamClient.authenticated(api.url, { apiKey: key });
    byKey.send({ action: 'ping' });
    expect(await byKey.next()).toEqual({ type: 'pong' });
    await Promise.all([byToken.close(), byKey.close()]);
  });

  it('closes with 4401 on bad credentials, after saying why', async () => {
    const badToken = new StreamClient(api.url);
    await badToken.opened;
    badToken.send({ action: 'auth', token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
    expect(await badToken.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED', close: 4401 });
    expect(await badToken.closed).toBe(CLOSE.unauthenticated);

    const badKey = new StreamClient(api.url);
    await badKey.opened;
    badKey.send({ action: 'auth', apiKey: 'oms_nothing_here' });
    expect(await badKey.closed).toBe(4401);
  });

  it('closes a socket that sends anything before authenticating with 4401', async () => {
    const client = new StreamClient(api.url);
    await client.opened;
    client.send({ action: 'subscribe', streams: ['orders'] });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    expect(await client.closed).toBe(4401);
  });

  it('closes a silent socket with 4401 once the auth deadline passes (5 s unless told otherwise)', async () => {
    expect(AUTH_DEADLINE_MS).toBe(5000);
    // A gateway of its own with a short deadline; the handlers keep answering through the file's.
    const connectionsUrl = process.env[stream.connectionsUrlEnv];
    const quick = await startGateway({ routes: [], stream: { authDeadlineMs: 50 } });
    process.env[stream.connectionsUrlEnv] = connectionsUrl;
    try {
      const client = new StreamClient(quick.url);
      await client.opened;
      expect(await client.closed).toBe(4401);
      expect(client.pending()).toEqual([expect.objectContaining({ type: 'error', code: 'UNAUTHENTICATED' })]);
    } finally {
      await quick.close();
    }
  });

  it('answers a subscribe beyond the caller’s scopes with FORBIDDEN and keeps the socket', async () => {
    const tenant = await createTestTenant(api);
    const key = await tenant.apiKey(['orders:read']);
    const client = await StreamClient.authenticated(api.url, { apiKey: key });
    client.send({ action: 'subscribe', streams: ['positions'] });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    client.send({ action: 'subscribe', streams: ['nope'] });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'STREAM_MESSAGE_INVALID' });
    expect((await client.subscribe(['orders'])).streams).toEqual(['orders']);
    await client.close();
  });
});

describe('events', () => {
  it('reach the tenant’s subscribed sockets in order, with stream, seq, cursor, at and the webhook data', async () => {
    const tenant = await createTestTenant(api);
    const { client, reply } = await subscribed(tenant, ['orders', 'positions']);
    expect(reply).toEqual({ type: 'subscribed', streams: ['orders', 'positions'], cursor: encodeCursor(0) });
    const orderId = `o_${randomUUID()}`;
    const published = [
      orderEvent(tenant.tenantId, orderId, 1, 'order.accepted'),
      orderEvent(tenant.tenantId, orderId, 2, 'order.submitted'),
      orderEvent(tenant.tenantId, orderId, 3, 'order.filled'),
    ];
    for (const e of published) await fanOut(e);
    const events = await client.events(3);
    expect(events.map((e) => [e.stream, e.event, e.seq])).toEqual([
      ['orders', 'order.accepted', 1],
      ['orders', 'order.submitted', 2],
      ['orders', 'order.filled', 3],
    ]);
    expect(events[0]).toEqual({
      type: 'event',
      stream: 'orders',
      event: 'order.accepted',
      seq: 1,
      cursor: encodeCursor(1),
      at: published[0]!.detail.at,
      data: published[0]!.detail,
    });
    await client.close();
  });

  it('are logged once when the bus delivers an event twice', async () => {
    const tenant = await createTestTenant(api);
    const { client } = await subscribed(tenant);
    const event = orderEvent(tenant.tenantId, 'o_twice', 1);
    expect(await fanOut(event)).toMatchObject({ seq: 1, duplicate: false, sent: 1 });
    expect(await fanOut(event)).toMatchObject({ seq: null, duplicate: true, sent: 0 });
    await fanOut(orderEvent(tenant.tenantId, 'o_twice', 2, 'order.submitted'));
    expect((await client.events(2)).map((e) => e.seq)).toEqual([1, 2]);
    await client.close();
  });

  it('never reach another tenant’s socket', async () => {
    const [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
    const [sa, sb] = await Promise.all([
      subscribed(a, ['orders', 'positions', 'pnl']),
      subscribed(b, ['orders']),
    ]);
    for (let i = 1; i <= 3; i++) await fanOut(orderEvent(a.tenantId, 'o_a', i));
    await fanOut(orderEvent(b.tenantId, 'o_b', 1));
    // B's first message is its own event: none of A's three came before it, and none after.
    const [first] = await sb.client.events(1);
    expect(first.data).toMatchObject({ tenantId: b.tenantId, orderId: 'o_b' });
    expect(first.seq).toBe(1);
    expect((await sa.client.events(3)).every((e) => e.data.tenantId === a.tenantId)).toBe(true);
    await fanOut(orderEvent(b.tenantId, 'o_b', 2, 'order.submitted'));
    expect((await sb.client.events(1))[0].data.seq).toBe(2);
    expect(sb.client.pending()).toEqual([]);
    await Promise.all([sa.client.close(), sb.client.close()]);
  });

  it('go to a socket once, under the first stream it subscribed to that carries them', async () => {
    const tenant = await createTestTenant(api);
    const { client } = await subscribed(tenant, ['pnl', 'positions']);
    await fanOut({
      'detail-type': 'position.changed',
      detail: {
        schemaVersion: 1,
        eventId: `${tenant.tenantId}:DU1:AAPL:1`,
        type: 'position.changed',
        tenantId: tenant.tenantId,
        account: 'DU1',
        symbol: 'AAPL',
        quantity: '10',
        averageCost: '187.25',
        realizedPnl: '-1',
        commissions: '1',
        seq: 1,
        at: '2026-01-05T15:00:00.000Z',
        cause: { kind: 'fill', execId: 'e1' },
      },
    });
    await fanOut(orderEvent(tenant.tenantId, 'o_x', 1));
    const [position] = await client.events(1);
    expect([position.stream, position.event, position.seq]).toEqual(['positions', 'position.changed', 1]);
    expect((await client.subscribe(['orders'])).streams).toEqual(['pnl', 'positions', 'orders']);
    await fanOut(orderEvent(tenant.tenantId, 'o_x', 2, 'order.submitted'));
    const [order] = await client.events(1);
    expect([order.stream, order.event, order.seq]).toEqual(['orders', 'order.submitted', 3]);
    await client.close();
  });
});

describe('resume', () => {
  it('gives a socket that drops and resumes with its cursor exactly what it missed, then live events', async () => {
    const tenant = await createTestTenant(api);
    const first = await subscribed(tenant);
    for (let i = 1; i <= 2; i++) await fanOut(orderEvent(tenant.tenantId, 'o_r', i));
    const seen = await first.client.events(2);
    await first.client.close();
    for (let i = 3; i <= 5; i++) await fanOut(orderEvent(tenant.tenantId, 'o_r', i));

    const again = await StreamClient.authenticated(api.url, { token: tenant.tokens.viewer });
    const reply = await again.subscribe(['orders'], seen[1].cursor);
    expect(reply.cursor).toBe(seen[1].cursor);
    await fanOut(orderEvent(tenant.tenantId, 'o_r', 6));
    const events = await again.events(4);
    expect(events.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(events.map((e) => e.data.eventId)).toEqual(['o_r:3', 'o_r:4', 'o_r:5', 'o_r:6']);
    expect(again.pending()).toEqual([]);
    await again.close();
  });

  it('sends reset when what was missed is no longer in the log, and for a cursor never issued', async () => {
    const tenant = await createTestTenant(api);
    for (let i = 1; i <= 3; i++) await fanOut(orderEvent(tenant.tenantId, 'o_old', i));
    // What the TTL sweep does to an event past its retention.
    await store.doc.send(
      new DeleteCommand({ TableName: api.resources.tableName, Key: streamKeys.entry(tenant.tenantId, 2) }),
    );
    const { client } = await subscribed(tenant, ['orders'], encodeCursor(1));
    expect(await client.next()).toEqual({
      type: 'reset',
      reason: 'cursor too old to replay',
      cursor: encodeCursor(3),
    });
    await fanOut(orderEvent(tenant.tenantId, 'o_old', 4));
    expect((await client.events(1))[0].seq).toBe(4);

    client.send({ action: 'subscribe', streams: ['orders'], cursor: encodeCursor(99) });
    expect(await client.next()).toMatchObject({ type: 'subscribed' });
    expect(await client.next()).toMatchObject({
      type: 'reset',
      reason: 'unknown cursor',
      cursor: encodeCursor(4),
    });
    client.send({ action: 'subscribe', streams: ['orders'], cursor: 'not-a-cursor' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'STREAM_CURSOR_INVALID' });
    await client.close();
  });

  it('cursors are opaque and round-trip', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    for (const bad of [
      '',
      'czEu',
      Buffer.from('s2.4').toString('base64url'),
      Buffer.from('s1.-1').toString('base64url'),
    ])
      expect(() => decodeCursor(bad)).toThrow('is not one this stream issued');
  });
});

describe('slow consumers', () => {
  it('are disconnected once the gateway holds too much for them, and forgotten by the fan-out', async () => {
    const tenant = await createTestTenant(api);
    const { client } = await subscribed(tenant);
    const [connection] = await store.subscribed(tenant.tenantId);
    client.ws.pause();
    const sockets = new ApiGatewayConnections(api.url);
    const chunk = { type: 'pong', padding: 'x'.repeat(512 * 1024) } as never;
    let posts = 0;
    // Kernel buffers take the first few megabytes; then the gateway's own bound is reached.
    while ((await sockets.post(connection!.connectionId, chunk)) === 'sent') {
      posts++;
      if (posts > 400) throw new Error('the gateway kept buffering for a client that does not read');
    }
    expect(await sockets.post(connection!.connectionId, chunk)).toBe('gone');
    expect(await fanOut(orderEvent(tenant.tenantId, 'o_slow', 1))).toMatchObject({ sent: 0, gone: 1 });
    expect(await store.subscribed(tenant.tenantId)).toEqual([]);
    client.ws.resume();
    expect([CLOSE.slowConsumer, 1006]).toContain(await client.closed);
  });
});
