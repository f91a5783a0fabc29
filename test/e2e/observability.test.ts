/**
 * Acceptance (issue 17, operations) through `npm start`: a scripted session (orders, fills, a risk
 * reject, a broker reject, a webhook failure, a stream socket, a market-data line, a position the
 * broker holds and the OMS does not) moves every metric of `/metrics` (the HTTP gateway's and the
 * bridge health port's) by the expected amount, read with a Prometheus text-format parser.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports.ts';
import { Scrape } from '../support/metrics.ts';
import { StreamClient } from '../support/stream.ts';

const root = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'oms-observability-e2e-'));
let child: ChildProcess | undefined;
let baseUrl = '';
let output = '';
let receiver: Server;
let receiverUrl = '';
const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      // `/down` is an endpoint that fails: every delivery to it is a failed attempt.
      res.writeHead(req.url === '/down' ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const port = await freePort();
  child = spawn(process.execPath, ['bin/local.ts'], {
    cwd: root,
    env: {
      ...process.env,
      OMS_PORT: String(port),
      OMS_DATA_DIR: dataDir,
      // Every JSON log line, one per line, handlers' and the bridge's alike (acceptance 2).
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_DEV: 'false',
      OMS_CHILD_LOGS: 'all',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
}, 90_000);

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes
type Json = any;

async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
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
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
}

async function login(role: string): Promise<string> {
  const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
    users: Array<{ username: string; password: string; role: string }>;
  };
  const user = creds.users.find((u) => u.role === role)!;
  const res = await call('POST', '/api/v1/auth/login', undefined, user);
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

/** The paper gateway's control API, as the stack printed it. */
function paperControl(): { url: string; token: string } {
  const line = /control (http:\/\/\S+?)\/?, bearer token (\S+)\)/.exec(output);
  if (!line?.[1] || !line[2]) throw new Error(`no paper gateway control line in:\n${output}`);
  const token = line[2].startsWith('/') ? readFileSync(line[2], 'utf8').trim() : line[2];
  return { url: line[1], token };
}

async function control(method: string, path: string, body?: unknown): Promise<Json> {
  const { url, token } = paperControl();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

function bridgeHealthUrl(): string {
  // The demo connection's bridge (`npm start` also runs the second demo tenant's, `cdemo2`); its
  // lines are plain or JSON (OMS_CHILD_LOGS=all), on one line either way.
  const ports = [...output.matchAll(/\[cdemo\] bridge: .*bridge health on port (\d+)/g)];
  const port = ports.at(-1)?.[1];
  if (!port) throw new Error('the bridge has not printed its health port');
  return `http://127.0.0.1:${port}`;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 45_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function orderStatus(token: string, id: string): Promise<string> {
  return (await call('GET', `/api/v1/orders/${id}`, token)).body.status as string;
}

async function reconciliations(): Promise<number> {
  const res = await fetch(`${bridgeHealthUrl()}/health/ready`);
  return Number(((await res.json()) as Json).reconciliations);
}

describe('npm start: /metrics after a scripted session', () => {
  it('parses as Prometheus text, and every metric moved by what the session did', async () => {
    const admin = await login('admin');
    const trader = await login('trader');
    await until(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, 'stack ready');
    const api0 = await Scrape.of(`${baseUrl}/metrics`);
    const bridge0 = await Scrape.of(`${bridgeHealthUrl()}/metrics`);
    // The demo tenant's connection: its bridge labels every metric with it.
    const conn = { connection: 'cdemo' };

    // A webhook endpoint that fails, for order.filled.
    const sub = await call('POST', '/api/v1/webhooks', admin, {
      url: `${receiverUrl}/down`,
      events: ['order.filled'],
    });
    expect(sub.status).toBe(201);

    // An order that fills (AAPL trades near 190: a buy limit at 215 is marketable).
    const filled = await call(
      'POST',
      '/api/v1/orders',
      trader,
      { symbol: 'AAPL', side: 'buy', quantity: '5', type: 'limit', limitPrice: '215' },
      { 'idempotency-key': randomUUID() },
    );
    expect(filled.status).toBe(201);
    await until(async () => (await orderStatus(trader, filled.body.id)) === 'filled', 'order filled');

    // A risk reject and an invalid order.
    const denied = await call(
      'POST',
      '/api/v1/orders',
      trader,
      { symbol: 'AAPL', side: 'buy', quantity: '5000000', type: 'limit', limitPrice: '150' },
      { 'idempotency-key': randomUUID() },
    );
    expect(denied.status).toBe(422);
    const invalid = await call(
      'POST',
      '/api/v1/orders',
      trader,
      { side: 'buy' },
      { 'idempotency-key': randomUUID() },
    );
    expect(invalid.status).toBe(400);

    // A broker reject (IB error 201).
    await control('POST', '/reject-next-order', { code: 201, reason: 'Order rejected - reason: test' });
    const brokerRejected = await call(
      'POST',
      '/api/v1/orders',
      trader,
      { symbol: 'AAPL', side: 'buy', quantity: '1', type: 'limit', limitPrice: '150' },
      { 'idempotency-key': randomUUID() },
    );
    expect(brokerRejected.status).toBe(201);
    await until(
      async () => (await orderStatus(trader, brokerRejected.body.id)) === 'rejected',
      'broker reject',
    );

    // A stream socket opened and closed.
    const socket = await StreamClient.authenticated(baseUrl, { token: trader });
    await socket.close();

    // A market-data line.
    const md = await call('POST', '/api/v1/marketdata/subscriptions', trader, { symbols: ['MSFT'] });
    expect(md.status).toBeLessThan(300);

    // A position at the broker the OMS does not hold (entered by hand), then a reconnect reconciles.
    await control('POST', '/manual-order', { symbol: 'IBM', action: 'BUY', quantity: 3, orderType: 'MKT' });
    const before = await reconciliations();
    await control('POST', '/drop-connections', { clientId: 1 });
    await until(async () => (await reconciliations().catch(() => before)) > before, 'a reconciliation');

    // The failed webhook attempt is recorded on the delivery.
    const attempts = await until(async () => {
      const res = await call('GET', `/api/v1/webhooks/${sub.body.id}/deliveries`, admin);
      const n = (res.body.items as Json[]).reduce((sum, d) => sum + (d.attempts as Json[]).length, 0);
      return n > 0 ? n : undefined;
    }, 'a failed webhook attempt');

    const fillEvents = (
      await call('GET', `/api/v1/orders/${filled.body.id}/events`, trader)
    ).body.items.filter((e: Json) => e.type === 'order.filled' || e.type === 'order.partially_filled').length;
    expect(fillEvents).toBeGreaterThan(0);

    const api = await until(async () => {
      const s = await Scrape.of(`${baseUrl}/metrics`);
      return s.value('oms_stream_connections_total', { event: 'closed' }) >
        api0.value('oms_stream_connections_total', { event: 'closed' })
        ? s
        : undefined;
    }, 'the stream close counted');
    const bridge = await until(async () => {
      const s = await Scrape.of(`${bridgeHealthUrl()}/metrics`);
      return s.value('oms_marketdata_lines_in_use', conn) >= 1 && s.value('oms_bridge_connected', conn) === 1
        ? s
        : undefined;
    }, 'the market-data line and the connection');

    const moved = (after: Scrape, before: Scrape, name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    const observed = (after: Scrape, before: Scrape, name: string, labels: Record<string, string> = {}) =>
      after.count(name, labels) - before.count(name, labels);

    // The HTTP side (handlers run in the gateway's process).
    expect(moved(api, api0, 'oms_orders_accepted_total')).toBe(2);
    expect(moved(api, api0, 'oms_orders_rejected_total', { code: denied.body.code })).toBe(1);
    expect(moved(api, api0, 'oms_orders_rejected_total', { code: invalid.body.code })).toBe(1);
    expect(moved(api, api0, 'oms_webhook_deliveries_total', { outcome: 'failed' })).toBe(attempts);
    expect(moved(api, api0, 'oms_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(0);
    expect(moved(api, api0, 'oms_stream_connections_total', { event: 'opened' })).toBe(1);
    expect(moved(api, api0, 'oms_stream_connections_total', { event: 'closed' })).toBe(1);
    expect(
      observed(api, api0, 'oms_queue_message_age_seconds', { queue: 'webhooks' }),
    ).toBeGreaterThanOrEqual(attempts);

    // The bridge side, labelled with its connection.
    expect(moved(bridge, bridge0, 'oms_fills_total', conn)).toBe(fillEvents);
    expect(observed(bridge, bridge0, 'oms_fill_to_event_seconds', conn)).toBe(fillEvents);
    expect(moved(bridge, bridge0, 'oms_broker_rejects_total', { ...conn, ib_code: '201' })).toBe(1);
    expect(observed(bridge, bridge0, 'oms_order_to_wire_seconds', conn)).toBe(2);
    expect(observed(bridge, bridge0, 'oms_queue_message_age_seconds', { queue: 'orders' })).toBe(2);
    const reconciled = (await reconciliations()) - before;
    expect(moved(bridge, bridge0, 'oms_reconciliation_mismatches_total', conn)).toBe(reconciled);
    expect(moved(bridge, bridge0, 'oms_pacing_errors_total', conn)).toBe(0);
    expect(bridge.value('oms_bridge_connected', conn)).toBe(1);
    expect(bridge.value('oms_marketdata_lines_in_use', conn)).toBe(1);
    expect(bridge.family('oms_pacing_tokens_available').type).toBe('GAUGE');
    expect(bridge.value('oms_pacing_tokens_available', conn)).toBeGreaterThanOrEqual(0);
  }, 180_000);
});

/** The JSON log lines the stack printed: the handlers' (as they are) and the bridge's (after `bridge: `). */
function jsonLogLines(): Array<{ source: 'api' | 'bridge'; entry: Json }> {
  const out: Array<{ source: 'api' | 'bridge'; entry: Json }> = [];
  for (const line of output.split('\n')) {
    const bridged = /^\[oms\] (?:\[\w+\] )?bridge: (\{.*\})$/.exec(line);
    const text = bridged?.[1] ?? (line.startsWith('{') ? line : undefined);
    if (!text) continue;
    try {
      out.push({ source: bridged ? 'bridge' : 'api', entry: JSON.parse(text) as Json });
    } catch {
      // Not a JSON log line.
    }
  }
  return out;
}

describe('npm start: one x-request-id from POST /orders to the webhook', () => {
  it('is in the API log line, the bridge log lines, order.filled on the stream and the webhook with its header', async () => {
    const admin = await login('admin');
    const trader = await login('trader');
    const sub = await call('POST', '/api/v1/webhooks', admin, {
      url: `${receiverUrl}/trace`,
      events: ['order.filled'],
    });
    expect(sub.status).toBe(201);
    const socket = await StreamClient.authenticated(baseUrl, { token: trader });
    await socket.subscribe(['orders']);

    const requestId = `trace-${randomUUID()}`;
    const placed = await call(
      'POST',
      '/api/v1/orders',
      trader,
      { symbol: 'AAPL', side: 'buy', quantity: '2', type: 'limit', limitPrice: '215' },
      { 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    );
    expect(placed.status).toBe(201);
    expect(placed.headers.get('x-request-id')).toBe(requestId);
    const orderId = placed.body.id as string;

    // The stream's order.filled message.
    let filledOnStream: Json;
    while (!filledOnStream) {
      const m = await socket.next(45_000);
      if (m.type === 'event' && m.event === 'order.filled' && m.data.orderId === orderId) filledOnStream = m;
    }
    await socket.close();
    expect(filledOnStream.data.correlationId).toBe(requestId);

    // The webhook delivery of order.filled, with the id in its payload and its x-request-id header.
    const hook = await until(
      () =>
        received.find((r) => r.url === '/trace' && String(r.headers['webhook-id']).startsWith(`${orderId}:`)),
      'the order.filled webhook',
    );
    expect(hook.headers['x-request-id']).toBe(requestId);
    const payload = JSON.parse(hook.body) as Json;
    expect(payload.type).toBe('order.filled');
    expect(payload.data.correlationId).toBe(requestId);

    // The log lines: the API's (Powertools' correlation_id) and the bridge's for this order.
    const lines = await until(() => {
      const all = jsonLogLines();
      const bridge = all.filter((l) => l.source === 'bridge' && l.entry.correlationId === requestId);
      return bridge.some((l) => l.entry.message === 'execution handled') ? all : undefined;
    }, 'the bridge log lines');
    const api = lines.filter((l) => l.source === 'api' && l.entry.correlation_id === requestId);
    expect(api.map((l) => l.entry.message)).toContain('Request handled');
    const bridge = lines.filter((l) => l.source === 'bridge' && l.entry.correlationId === requestId);
    expect(bridge.map((l) => l.entry.message)).toEqual(
      expect.arrayContaining(['order command received', 'order placed at the broker', 'execution handled']),
    );
    for (const l of bridge) expect(l.entry.orderId).toBe(orderId);
  }, 120_000);
});

/** RFC 4180: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe('npm start: fills, blotter and P&L history', () => {
  it('lists fills page by page; the CSV blotter totals the positions; the history sums the fills', async () => {
    const trader = await login('trader');
    for (const [side, quantity, limitPrice] of [
      ['buy', '10', '215'],
      ['sell', '4', '150'],
    ] as const) {
      const placed = await call(
        'POST',
        '/api/v1/orders',
        trader,
        { symbol: 'AAPL', side, quantity, type: 'limit', limitPrice },
        { 'idempotency-key': randomUUID() },
      );
      expect(placed.status).toBe(201);
      await until(async () => (await orderStatus(trader, placed.body.id)) === 'filled', `${side} filled`);
    }

    // Every fill, two at a time, once each commission has come.
    const fills = await until(async () => {
      const all: Json[] = [];
      let cursor: string | undefined;
      do {
        const page = await call('GET', `/api/v1/fills?limit=2${cursor ? `&cursor=${cursor}` : ''}`, trader);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        all.push(...(page.body.items as Json[]));
        cursor = page.body.nextCursor as string | undefined;
      } while (cursor);
      return all.every((f) => f.commission !== null) ? all : undefined;
    }, 'commissions on every fill');
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    const aapl = await call('GET', '/api/v1/fills?symbol=AAPL', trader);
    expect(aapl.body.items.every((f: Json) => f.symbol === 'AAPL')).toBe(true);
    const future = await call('GET', '/api/v1/fills?from=2999-01-01T00:00:00Z', trader);
    expect(future.body.items).toEqual([]);

    // The CSV blotter: one row per fill, and its signed quantities sum to each position.
    const res = await fetch(`${baseUrl}/api/v1/reports/trades?format=csv`, {
      headers: { authorization: `Bearer ${trader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(await res.text());
    const column = (name: string) => header!.indexOf(name);
    expect(rows).toHaveLength(fills.length);
    const net = new Map<string, number>();
    for (const row of rows) {
      const key = `${row[column('account')]}|${row[column('symbol')]}`;
      const qty = Number(row[column('quantity')]) * (row[column('side')] === 'buy' ? 1 : -1);
      net.set(key, (net.get(key) ?? 0) + qty);
      expect(row[column('orderStatus')]).toBe('filled');
    }
    const positions = (await call('GET', '/api/v1/positions', trader)).body.items as Json[];
    for (const p of positions) expect(net.get(`${p.account}|${p.symbol}`) ?? 0).toBe(Number(p.quantity));
    expect([...net.keys()].sort()).toEqual(positions.map((p) => `${p.account}|${p.symbol}`).sort());

    // The P&L history sums what the fills say, and today's row is GET /pnl/today's figures.
    const history = (await call('GET', '/api/v1/pnl/history', trader)).body.items as Json[];
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const commissions = sum(fills.map((f) => Number(f.commission)));
    const grossRealized = sum(rows.map((r) => Number(r[column('realizedPnl')])));
    expect(sum(history.map((d) => d.fills))).toBe(fills.length);
    expect(sum(history.map((d) => Number(d.commissions)))).toBeCloseTo(commissions, 8);
    expect(sum(history.map((d) => Number(d.realizedPnl)))).toBeCloseTo(grossRealized - commissions, 8);
    expect(grossRealized).not.toBe(0);
    const today = (await call('GET', '/api/v1/pnl/today', trader)).body;
    const row = history.find((d) => d.date === today.date);
    expect(row).toMatchObject({
      realizedPnl: today.realizedPnl,
      commissions: today.commissions,
      fills: today.fills,
    });
  }, 120_000);
});
