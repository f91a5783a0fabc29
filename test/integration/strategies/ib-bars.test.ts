/**
 * Backtests over the broker connection's history: IbBarSource asks the paper gateway with IB's
 * reqHistoricalData and reads HISTORICAL_DATA, then the backtest route uses it when no bars are
 * uploaded. Needs the paper gateway's reqHistoricalData (added on another branch).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { HISTORICAL_GATEWAY_ENV, IbBarSource } from '../../../adapters/ib/bar-source.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { finishedBacktest, startBacktestWorker } from '../../support/backtests.ts';
import type { QueuePoller } from '../../../local/queue-poller.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';

const SMA = readFileSync(new URL('../../../examples/strategies/sma-crossover.ts', import.meta.url), 'utf8');

let gateway: PaperGateway;
let api: TestApi;
let tenant: TestTenant;
let worker: QueuePoller;

beforeAll(async () => {
  gateway = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, seed: 11 });
  api = await startTestApi();
  tenant = await createTestTenant(api);
  process.env[HISTORICAL_GATEWAY_ENV] = `${gateway.host}:${gateway.port}`;
  worker = startBacktestWorker(api);
});
afterAll(async () => {
  await worker.stop();
  delete process.env[HISTORICAL_GATEWAY_ENV];
  await api.close();
  await gateway.close();
});

describe('bars from IB historical data', () => {
  const range = { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };

  it('reads daily bars of a symbol with reqHistoricalData, in time order, inside the range', async () => {
    const source = new IbBarSource({
      host: gateway.host,
      port: gateway.port,
      clientId: 901,
      timeoutMs: 20_000,
    });
    const bars = await source.bars({ symbols: ['AAPL'], barSize: '1 day', ...range });
    expect(bars.length).toBeGreaterThan(20);
    for (const bar of bars) {
      expect(bar.symbol).toBe('AAPL');
      expect(bar.time >= range.from && bar.time < range.to).toBe(true);
      expect(bar.low.lte(bar.open) && bar.low.lte(bar.close)).toBe(true);
      expect(bar.high.gte(bar.open) && bar.high.gte(bar.close)).toBe(true);
    }
    expect([...bars].sort((a, b) => (a.time < b.time ? -1 : 1))).toEqual(bars);
  });

  it('backtests over those bars when the request uploads none', async () => {
    const created = await api.request('POST', '/api/v1/strategies', {
      body: { name: 'sma', source: SMA, params: { fast: 3, slow: 8, quantity: 5 }, symbols: ['AAPL'] },
      headers: tenant.headers('trader'),
    });
    const posted = await api.request('POST', `/api/v1/strategies/${created.body.id}/backtests`, {
      body: { ...range, barSize: '1 day', initialCash: '50000' },
      headers: tenant.headers('trader'),
    });
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('queued');
    // The worker fetches the bars from the gateway when it runs the backtest.
    const result = await finishedBacktest(api, posted.body.id, tenant.headers('viewer'));
    expect(result.body.status).toBe('done');
    expect(result.body.request.bars).toBeGreaterThan(20);
    expect(result.body.equity).toHaveLength(result.body.request.bars);
  }, 90_000);
});
