/**
 * Market data end to end: the HTTP API, DynamoDB Local, the bridge's broker connection and
 * market-data service, and the paper gateway streaming quotes over the TWS protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoQuoteCache } from '../../adapters/dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from '../../adapters/dynamodb/subscriptions-store.ts';
import { MARKET_DATA_DEFAULTS, type MarketDataConfig } from '../../core/marketdata/config.ts';
import type { Quote } from '../../core/marketdata/quote.ts';
import { BrokerConnection } from '../../ib-bridge/connection.ts';
import { jsonLogger } from '../../ib-bridge/log.ts';
import {
  followConnection,
  startMarketData,
  type MarketDataService,
} from '../../ib-bridge/market-data/index.ts';
import { startPaperGateway, type PaperGateway } from '../../paper-gateway/index.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { createTestTenant, type TestTenant } from '../support/tenants.ts';
import { limitOrder, postOrder, setLimits } from '../support/orders.ts';

const WRITES_PER_SECOND = 10;
let api: TestApi;
let gw: PaperGateway;
let broker: BrokerConnection;
let md: MarketDataService;
let tenant: TestTenant;
/** Every cache write, with the service's clock when it was made. */
const writes: Array<{ at: number; quote: Quote }> = [];

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTestTenant(api);
  gw = await startPaperGateway({ port: 0, controlPort: null, seed: 7, tickIntervalMs: 0 });
  const log = jsonLogger('ib-bridge', 'silent');
  broker = new BrokerConnection({
    host: gw.host,
    port: gw.port,
    clientId: 41,
    maxMessagesPerSecond: 45,
    log,
  });
  const cache = new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 3600 });
  const config: MarketDataConfig = {
    ...MARKET_DATA_DEFAULTS,
    maxWritesPerSecond: WRITES_PER_SECOND,
    pollIntervalMs: 50,
    snapshotTimeoutMs: 1000,
  };
  md = startMarketData({
    link: broker,
    // Counts writes on their way to the real cache.
    quoteCache: {
      put: (quote) => {
        writes.push({ at: Date.now(), quote });
        return cache.put(quote);
      },
      get: (symbol) => cache.get(symbol),
    },
    subscriptions: new DynamoSubscriptionStore(api.resources.dynamo, api.resources.tableName),
    config,
    logger: log,
  });
  // The bridge's own wiring, so these tests follow it if it changes.
  followConnection(broker, md);
  const session = new Promise((resolve) => broker.once('session', resolve));
  broker.start();
  await session;
});

afterAll(async () => {
  await md.stop();
  broker.close();
  await gw.close();
  await api.close();
});

const quote = (symbol: string) =>
  api.request('GET', `/api/v1/marketdata/${symbol}`, { headers: tenant.headers('viewer') });

/** Polls GET /marketdata/{symbol} until `ok` holds (or fails after a few seconds). */
async function quoteWhen(symbol: string, ok: (body: Record<string, unknown>) => boolean, what: string) {
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    const res = await quote(symbol);
    last = res.body;
    if (res.status === 200 && ok(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${symbol}: never ${what}; last ${JSON.stringify(last)}`);
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never ${what}`);
}

describe('market data from the paper gateway', () => {
  it('streams subscribed symbols into GET /marketdata/{symbol}, and the quote moves', async () => {
    const res = await api.request('POST', '/api/v1/marketdata/subscriptions', {
      body: { symbols: ['AAPL', 'MSFT'] },
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(201);
    const start = gw.control.quote('AAPL');
    const first = await quoteWhen('AAPL', (q) => q.last === String(start.last), 'the gateway quote');
    expect(first).toMatchObject({
      bid: String(start.bid),
      ask: String(start.ask),
      // Bid size comes as its own tickSize (the client drops it from tickPrice).
      bidSize: String(start.bidSize),
      askSize: String(start.askSize),
      stale: false,
      marketDataType: 'live',
      source: 'stream',
    });

    gw.control.setPrice('AAPL', {
      bid: 150,
      ask: 150.1,
      last: 150.05,
      bidSize: 700,
      askSize: 400,
      lastSize: 100,
    });
    await quoteWhen(
      'AAPL',
      (q) => q.bid === '150' && q.ask === '150.1' && q.last === '150.05' && q.bidSize === '700',
      'moved to 150',
    );
    gw.control.step('AAPL', 3);
    const stepped = gw.control.quote('AAPL');
    await quoteWhen(
      'AAPL',
      (q) => q.last === String(stepped.last) && q.bid === String(stepped.bid),
      'stepped',
    );
    expect(md.held()).toEqual(['AAPL', 'MSFT']);
  });

  it('the price collar works on the streamed quote', async () => {
    gw.control.setPrice('AAPL', { bid: 100, ask: 100.1, last: 100.05 });
    await quoteWhen('AAPL', (q) => q.ask === '100.1' && q.bid === '100', 'at 100');
    await setLimits(api, tenant, { priceCollarPercent: '2' });
    const far = await postOrder(api, tenant, limitOrder({ symbol: 'AAPL', limitPrice: '110' }));
    expect(far.status).toBe(422);
    expect(far.body.code).toBe('RISK_PRICE_COLLAR');
    expect((await postOrder(api, tenant, limitOrder({ symbol: 'AAPL', limitPrice: '101' }))).status).toBe(
      201,
    );
  });

  it('an unsubscribed symbol turns stale and its line is closed', async () => {
    await quoteWhen('MSFT', () => true, 'cached');
    const res = await api.request('DELETE', '/api/v1/marketdata/subscriptions/MSFT', {
      headers: tenant.headers('trader'),
    });
    expect(res.status).toBe(204);
    expect((await quote('MSFT')).body.stale).toBe(true);
    await until(() => !md.held().includes('MSFT'), 'closed the MSFT line');
    expect(md.held()).toEqual(['AAPL']);
  });

  it('the feed comes back after connectivity is restored with data lost (1101)', async () => {
    gw.control.connectivityLost();
    gw.control.connectivityRestored(true);
    gw.control.setPrice('AAPL', { bid: 151, ask: 151.1, last: 151.05 });
    // 1101 dropped the gateway's subscriptions: only a new reqMktData brings this price.
    await quoteWhen('AAPL', (q) => q.bid === '151', 'restored after 1101');
  });

  it('the feed comes back after the gateway restarts (socket lost, new session)', async () => {
    const sessions = broker.sessions;
    await gw.control.restart({ downMs: 100 });
    await until(() => broker.sessions > sessions && broker.up, 'reconnected');
    gw.control.setPrice('AAPL', { bid: 152, ask: 152.1, last: 152.05 });
    await quoteWhen('AAPL', (q) => q.bid === '152' && q.stale === false, 'restored after a restart');
    expect(md.held()).toEqual(['AAPL']);
  });

  it('takes a snapshot of a symbol nobody streams, and refuses an unknown one', async () => {
    const ibm = gw.control.quote('IBM');
    const res = await quote('IBM');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      symbol: 'IBM',
      last: String(ibm.last),
      source: 'snapshot',
      stale: false,
    });
    expect(md.held()).not.toContain('IBM');
    const unknown = await quote('NOSUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('MARKET_DATA_UNAVAILABLE');
    expect(unknown.body.detail).toMatch(/IB error 200/);
  });

  it('coalesces a fast tick stream into at most the configured writes per second', async () => {
    const before = writes.length;
    const minInterval = Math.ceil(1000 / WRITES_PER_SECOND);
    // 400 price changes as fast as the gateway sends them.
    for (let i = 0; i < 400; i++) {
      gw.control.step('AAPL');
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const final = gw.control.quote('AAPL');
    await quoteWhen(
      'AAPL',
      (q) => q.last === String(final.last) && q.bid === String(final.bid),
      'the final price',
    );
    const aapl = writes.slice(before).filter((w) => w.quote.symbol === 'AAPL');
    expect(aapl.length).toBeLessThan(400 / 4);
    // Writes are at least the interval apart (1 ms slack for the clock read after the flush decision).
    for (let i = 1; i < aapl.length; i++) {
      expect(aapl[i]!.at - aapl[i - 1]!.at).toBeGreaterThanOrEqual(minInterval - 1);
    }
  });
});
