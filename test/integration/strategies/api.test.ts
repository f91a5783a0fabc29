/**
 * The strategy routes over HTTP: upload (compile errors with line and column), versions, params,
 * start and stop with their events in the outbox, tenant isolation, and a backtest over uploaded
 * bars with its JSON result and SVG chart, the same twice.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { finishedBacktest, startBacktestWorker } from '../../support/backtests.ts';
import type { QueuePoller } from '../../../local/queue-poller.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { waveBars } from '../../unit/strategies/wave-bars.ts';

const SMA = readFileSync(new URL('../../../examples/strategies/sma-crossover.ts', import.meta.url), 'utf8');

let api: TestApi;
let tenant: TestTenant;
let other: TestTenant;
let worker: QueuePoller;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTestTenant(api);
  other = await createTestTenant(api);
  worker = startBacktestWorker(api);
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await api.close();
});

const create = (t: TestTenant, body: Record<string, unknown>, role: 'trader' | 'viewer' = 'trader') =>
  api.request('POST', '/api/v1/strategies', { body, headers: t.headers(role) });

describe('strategy routes', () => {
  it('refuses source that does not compile with 422 and the error positions', async () => {
    const res = await create(tenant, { name: 'broken', source: 'export default {\n  onBar(ctx {\n}' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('STRATEGY_COMPILE_ERROR');
    expect(res.body.errors[0]).toMatchObject({
      line: 2,
      column: expect.any(Number),
      message: expect.any(String),
    });
    expect(
      (await api.request('GET', '/api/v1/strategies', { headers: tenant.headers('viewer') })).body.items,
    ).toEqual([]);
  });

  it('uploads, versions, starts and stops a strategy; viewers read, other tenants see nothing', async () => {
    expect((await create(tenant, { name: 'x', source: SMA }, 'viewer')).status).toBe(403);
    const res = await create(tenant, { name: 'sma', source: SMA, params: { fast: 3 }, symbols: ['AAPL'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'sma', version: 1, status: 'stopped', symbols: ['AAPL'] });
    const id = res.body.id as string;

    const put = await api.request('PUT', `/api/v1/strategies/${id}`, {
      body: { source: SMA.replace('fast ?? 5', 'fast ?? 4'), params: { fast: 4, slow: 10 } },
      headers: tenant.headers('trader'),
    });
    expect(put.body).toMatchObject({ version: 2, params: { fast: 4, slow: 10 } });
    const versions = await api.request('GET', `/api/v1/strategies/${id}/versions`, {
      headers: tenant.headers('viewer'),
    });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    const started = await api.request('POST', `/api/v1/strategies/${id}/start`, {
      headers: tenant.headers('trader'),
    });
    expect(started.body.status).toBe('running');
    const stopped = await api.request('POST', `/api/v1/strategies/${id}/stop`, {
      headers: tenant.headers('trader'),
    });
    expect(stopped.body.status).toBe('stopped');
    const got = await api.request('GET', `/api/v1/strategies/${id}`, { headers: tenant.headers('viewer') });
    expect(got.body).toMatchObject({ status: 'stopped', stats: { events: 0, orders: 0, cpuMs: 0 } });

    for (const [method, path] of [
      ['GET', `/api/v1/strategies/${id}`],
      ['POST', `/api/v1/strategies/${id}/start`],
      ['GET', `/api/v1/strategies/${id}/logs`],
      ['PUT', `/api/v1/strategies/${id}`],
    ] as const) {
      const res = await api.request(method, path, {
        headers: other.headers('admin'),
        ...(method === 'PUT' ? { body: { name: 'mine' } } : {}),
      });
      expect(res.status).toBe(404);
    }
  });

  it('backtests over uploaded bars: the same result twice, trades, equity, statistics and an SVG chart', async () => {
    const id = (
      await create(tenant, { name: 'sma-bt', source: SMA, params: { fast: 5, slow: 20, quantity: 10 } })
    ).body.id as string;
    const bars = waveBars(120).map((b) => ({
      time: b.time,
      open: b.open.toFixed(),
      high: b.high.toFixed(),
      low: b.low.toFixed(),
      close: b.close.toFixed(),
      volume: b.volume.toFixed(),
    }));
    const body = {
      from: '2025-01-01T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
      barSize: '1 day',
      symbols: ['AAPL'],
      initialCash: '100000',
      commissionPerShare: '0.005',
      slippageTicks: 1,
      bars,
    };
    const results = [];
    for (let i = 0; i < 2; i++) {
      const posted = await api.request('POST', `/api/v1/strategies/${id}/backtests`, {
        body,
        headers: tenant.headers('trader'),
      });
      // Answered at once, queued; the worker runs it and the caller polls.
      expect(posted.status).toBe(202);
      expect(posted.body.status).toBe('queued');
      const got = await finishedBacktest(api, posted.body.id, tenant.headers('viewer'));
      expect(got.body.status).toBe('done');
      expect(got.seen.every((s) => ['queued', 'running', 'done'].includes(s))).toBe(true);
      results.push(got.body);
    }
    const [a, b] = results;
    expect(a.stats).toEqual(b.stats);
    expect(a.trades).toEqual(b.trades);
    expect(a.equity).toEqual(b.equity);
    expect(a.equity).toHaveLength(120);
    expect(a.stats.trades).toBe(a.trades.length);
    expect(Object.keys(a.stats).sort()).toEqual(
      ['exposure', 'maxDrawdownPct', 'pnl', 'returnPct', 'sharpe', 'trades', 'winRate'].sort(),
    );

    const svg = await fetch(`${api.url}/api/v1/backtests/${a.id}/equity.svg`, {
      headers: tenant.headers('viewer'),
    });
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    const text = await svg.text();
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text.match(/<polyline[^>]*points="([^"]+)"/)?.[1]?.split(' ')).toHaveLength(120);

    expect(
      (await api.request('GET', `/api/v1/backtests/${a.id}`, { headers: other.headers('admin') })).status,
    ).toBe(404);

    // A redelivered job finds the backtest finished and leaves it as it is.
    const { handler } = await import('../../../functions/strategies/run-backtest.ts');
    const again = await handler({
      Records: [
        { messageId: 'again', body: JSON.stringify({ tenantId: tenant.tenantId, backtestId: a.id }) },
      ],
    } as never);
    expect(again.batchItemFailures).toEqual([]);
    const after = await api.request('GET', `/api/v1/backtests/${a.id}`, {
      headers: tenant.headers('viewer'),
    });
    expect(after.body).toEqual(a);
  });

  it('refuses a backtest without bars where no broker history is configured, and bad bars', async () => {
    const id = (await create(tenant, { name: 'nobars', source: SMA, symbols: ['AAPL'] })).body.id as string;
    const base = {
      from: '2025-01-01T00:00:00Z',
      to: '2025-02-01T00:00:00Z',
      barSize: '1 day',
      initialCash: '1000',
    };
    const none = await api.request('POST', `/api/v1/strategies/${id}/backtests`, {
      body: base,
      headers: tenant.headers('trader'),
    });
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('BARS_UNAVAILABLE');
    const bad = await api.request('POST', `/api/v1/strategies/${id}/backtests`, {
      body: { ...base, bars: [{ time: '2025-01-02T00:00:00Z', open: 10, high: 9, low: 8, close: 9 }] },
      headers: tenant.headers('trader'),
    });
    expect(bad.status).toBe(400);
  });
});
