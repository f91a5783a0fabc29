/**
 * End to end through `npm start`: an order placed over the HTTP API produces a signed webhook at
 * a receiver on this machine (order → audit event with outbox marker → the stack's drainer → local
 * EventBridge → webhooks queue → webhook Lambda → receiver).
 *
 * A marketable order is also placed by the stack's bridge at the paper gateway and filled, and its
 * fill comes back the same way as `order.filled`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../local/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'oms-webhooks-e2e-'));
let child: ChildProcess | undefined;
let baseUrl = '';
let receiver: Server;
let receiverUrl = '';
const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const port = await freePort();
  child = spawn(process.execPath, ['bin/local.ts'], {
    cwd: root,
    env: { ...process.env, OMS_PORT: String(port), OMS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready: (http:\/\/\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
  await new Promise<void>((r) => {
    receiver?.close(() => r());
    receiver?.closeAllConnections();
  });
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function login(role: string): Promise<string> {
  const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
    users: Array<{ username: string; password: string; role: string }>;
  };
  const user = creds.users.find((u) => u.role === role)!;
  const res = await call('POST', '/api/v1/auth/login', undefined, {
    username: user.username,
    password: user.password,
  });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

interface Payload {
  type: string;
  data: {
    orderId: string;
    seq: number;
    eventId: string;
    data: { order: { status: string; filledQuantity: string } };
  };
}

/** Subscribes `path` of the receiver to order events (as the admin) and places `order` (as the trader). */
async function subscribeAndPlace(path: string, order: Record<string, string>) {
  const admin = await login('admin');
  const trader = await login('trader');
  const sub = await call('POST', '/api/v1/webhooks', admin, {
    url: `${receiverUrl}${path}`,
    events: ['order.*'],
  });
  expect(sub.status).toBe(201);
  const placed = await call('POST', '/api/v1/orders', trader, order, { 'idempotency-key': randomUUID() });
  expect(placed.status).toBe(201);
  return { secret: sub.body.secret as string, orderId: placed.body.id as string, trader };
}

/** The deliveries `path` received for an order, each verified with the subscription's secret. */
function verifiedFor(path: string, orderId: string, secret: string): Payload[] {
  const verifier = new Webhook(secret);
  return received
    .filter((r) => r.url === path && String(r.headers['webhook-id']).startsWith(`${orderId}:`))
    .map(
      (r) =>
        verifier.verify(r.body, {
          'webhook-id': String(r.headers['webhook-id']),
          'webhook-timestamp': String(r.headers['webhook-timestamp']),
          'webhook-signature': String(r.headers['webhook-signature']),
        }) as Payload,
    );
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('npm start: order → webhook', () => {
  it('delivers order.accepted, signed, with the order id, event id and seq', async () => {
    const { secret, orderId } = await subscribeAndPlace('/hook', {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: '150',
    });
    await until(() => verifiedFor('/hook', orderId, secret).length > 0, 20_000);
    const payload = verifiedFor('/hook', orderId, secret)[0];
    if (!payload) throw new Error(`no webhook for order ${orderId}; received ${received.length}`);
    expect(payload.type).toBe('order.accepted');
    expect(payload.data).toMatchObject({ orderId, seq: 1, eventId: `${orderId}:1` });
  });

  it('delivers order.filled for an order the bridge placed and the paper gateway filled, in seq order', async () => {
    // The paper gateway's AAPL trades near 190: a buy limit at 215 is marketable and fills.
    const { secret, orderId, trader } = await subscribeAndPlace('/fills', {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '5',
      type: 'limit',
      limitPrice: '215',
    });
    const filledIn = () => verifiedFor('/fills', orderId, secret).find((p) => p.type === 'order.filled');
    await until(() => filledIn() !== undefined, 45_000);
    const payloads = verifiedFor('/fills', orderId, secret);
    const filled = filledIn();
    if (!filled) throw new Error(`no order.filled webhook; got ${payloads.map((p) => p.type).join(', ')}`);
    expect(filled.data.data.order).toMatchObject({ status: 'filled', filledQuantity: '5' });
    const order = await call('GET', `/api/v1/orders/${orderId}`, trader);
    expect(order.body.status).toBe('filled');
    // Every event of the order up to the fill arrived, with increasing seq.
    const seqs = [...new Set(payloads.map((p) => p.data.seq))].sort((a, b) => a - b);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(filled.data.seq);
  }, 60_000);
});
