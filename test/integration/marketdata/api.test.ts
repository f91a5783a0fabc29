import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from '../../../adapters/dynamodb/subscriptions-store.ts';
import { MARKET_DATA_ENV } from '../../../core/marketdata/config.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { limitOrder, postOrder, setLimits } from '../../support/orders.ts';

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
let store: DynamoSubscriptionStore;
let cache: DynamoQuoteCache;

beforeAll(async () => {
  api = await startTestApi();
  [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
  store = new DynamoSubscriptionStore(api.resources.dynamo, api.resources.tableName);
  cache = new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 3600 });
});
afterAll(() => api.close());
beforeEach(() => {
  process.env[MARKET_DATA_ENV.lineLimit] = '100';
  process.env[MARKET_DATA_ENV.snapshotWaitMs] = '300';
});

const subscribe = (t: TestTenant, symbols: unknown, role: 'trader' | 'viewer' | 'admin' = 'trader') =>
  api.request('POST', '/api/v1/marketdata/subscriptions', { body: { symbols }, headers: t.headers(role) });
const list = (t: TestTenant) =>
  api.request('GET', '/api/v1/marketdata/subscriptions', { headers: t.headers('viewer') });
const unsubscribe = (t: TestTenant, symbol: string) =>
  api.request('DELETE', `/api/v1/marketdata/subscriptions/${symbol}`, { headers: t.headers('trader') });
const quote = (t: TestTenant, symbol: string, query = '') =>
  api.request('GET', `/api/v1/marketdata/${symbol}${query}`, { headers: t.headers('viewer') });
const refsOf = async (symbol: string) =>
  (await store.wanted()).symbols.find((s) => s.symbol === symbol)?.refs ?? 0;

describe('market-data subscriptions', () => {
  it('are per tenant, shared as one broker line per symbol, reference-counted', async () => {
    const first = await subscribe(a, ['aapl', 'MSFT']);
    expect(first.status).toBe(201);
    expect(first.body.added.sort()).toEqual(['AAPL', 'MSFT']);
    expect((await subscribe(a, ['AAPL'])).status).toBe(200);
    expect((await subscribe(b, ['AAPL'])).status).toBe(201);

    expect((await list(a)).body.items.map((s: { symbol: string }) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    expect((await list(b)).body.items).toEqual([
      expect.objectContaining({ symbol: 'AAPL', createdBy: `user:${b.usernames.trader}` }),
    ]);
    expect(await refsOf('AAPL')).toBe(2);
    const linesBefore = (await store.wanted()).linesInUse;

    expect((await unsubscribe(a, 'AAPL')).status).toBe(204);
    expect(await refsOf('AAPL')).toBe(1);
    expect((await store.wanted()).linesInUse).toBe(linesBefore);
    expect((await unsubscribe(b, 'AAPL')).status).toBe(204);
    expect(await refsOf('AAPL')).toBe(0);
    expect((await store.wanted()).linesInUse).toBe(linesBefore - 1);

    const again = await unsubscribe(a, 'AAPL');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('MARKET_DATA_SUBSCRIPTION_NOT_FOUND');
    await unsubscribe(a, 'MSFT');
  });

  it('refuse a new symbol beyond the line limit, all or none, but share lines already open', async () => {
    const inUse = (await store.wanted()).linesInUse;
    process.env[MARKET_DATA_ENV.lineLimit] = String(inUse + 2);
    expect((await subscribe(a, ['IBM', 'SPY'])).status).toBe(201);
    const refused = await subscribe(b, ['TSLA', 'IBM']);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'MARKET_DATA_LINE_LIMIT',
      limit: inUse + 2,
      symbols: ['TSLA'],
    });
    // Nothing of the refused request was written.
    expect((await list(b)).body.items).toEqual([]);
    // A symbol with a line already costs nothing.
    expect((await subscribe(b, ['SPY'])).status).toBe(201);
    // Two tenants racing for the last line: exactly one gets it.
    await unsubscribe(a, 'IBM');
    const race = await Promise.all([subscribe(a, ['NVDA']), subscribe(b, ['AMZN'])]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await store.wanted()).linesInUse).toBe(inUse + 2);
  });

  it('need the marketdata:write scope to change and refuse bad input', async () => {
    expect((await subscribe(a, ['AAPL'], 'viewer')).status).toBe(403);
    for (const bad of [[], ['not a ticker'], 'AAPL', Array.from({ length: 41 }, (_, i) => `S${i}`)]) {
      const res = await subscribe(a, bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await unsubscribe(a, 'bad%20symbol')).status).toBe(400);
    expect((await api.request('GET', '/api/v1/marketdata/subscriptions')).status).toBe(401);
  });
});

describe('GET /marketdata/{symbol}', () => {
  it('serves the cached quote with the fields the bridge writes, stale once nobody streams it', async () => {
    await subscribe(a, ['GOOGL']);
    await cache.put({
      symbol: 'GOOGL',
      bid: '170.1',
      ask: '170.2',
      last: '170.15',
      bidSize: '300',
      askSize: '200',
      lastSize: '100',
      at: new Date().toISOString(),
      marketDataType: 1,
      source: 'stream',
    });
    const fresh = await quote(b, 'googl');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({
      symbol: 'GOOGL',
      bid: '170.1',
      ask: '170.2',
      last: '170.15',
      bidSize: '300',
      askSize: '200',
      lastSize: '100',
      at: expect.any(String),
      stale: false,
      marketDataType: 'live',
      source: 'stream',
    });
    await unsubscribe(a, 'GOOGL');
    expect((await quote(b, 'GOOGL')).body.stale).toBe(true);
  });

  it('is a 404 problem when nothing is cached and no snapshot comes', async () => {
    const res = await quote(a, 'ZZZZ');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('MARKET_DATA_UNAVAILABLE');
    // The request was left for the bridge.
    expect((await store.snapshotRequest('ZZZZ'))?.status).toBe('pending');
  });

  it('returns the snapshot the bridge serves, and the reason when the bridge could not', async () => {
    process.env[MARKET_DATA_ENV.snapshotWaitMs] = '3000';
    const served = quote(a, 'ORCL');
    const failed = quote(a, 'NOPE');
    // Plays the bridge: waits for the requests, answers one, refuses the other.
    for (let i = 0; i < 50; i++) {
      const { snapshots } = await store.wanted();
      const orcl = snapshots.find((s) => s.symbol === 'ORCL');
      const nope = snapshots.find((s) => s.symbol === 'NOPE');
      if (orcl && nope) {
        await cache.put({
          symbol: 'ORCL',
          last: '99',
          at: new Date().toISOString(),
          marketDataType: 3,
          source: 'snapshot',
        });
        await store.finishSnapshot('ORCL', orcl.requestId);
        await store.finishSnapshot(
          'NOPE',
          nope.requestId,
          'IB error 200: No security definition has been found',
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const ok = await served;
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      symbol: 'ORCL',
      last: '99',
      bid: null,
      stale: false,
      marketDataType: 'delayed',
      source: 'snapshot',
    });
    const no = await failed;
    expect(no.status).toBe(404);
    expect(no.body.detail).toContain('No security definition');
  });
});

describe('risk checks on the cached quote', () => {
  it('the price collar refuses a limit price too far from the quote', async () => {
    await cache.put({
      symbol: 'IBM',
      bid: '200',
      ask: '200.2',
      at: new Date().toISOString(),
      marketDataType: 1,
      source: 'stream',
    });
    await setLimits(api, a, { priceCollarPercent: '5' });
    const far = await postOrder(api, a, limitOrder({ symbol: 'IBM', limitPrice: '215' }));
    expect(far.status).toBe(422);
    expect(far.body.code).toBe('RISK_PRICE_COLLAR');
    const near = await postOrder(api, a, limitOrder({ symbol: 'IBM', limitPrice: '205' }));
    expect(near.status).toBe(201);
  });

  it('market orders are sized with the quote: the notional limit follows the price', async () => {
    await setLimits(api, b, { maxOrderNotional: '10000', priceCollarPercent: null });
    const market = (quantity: string) =>
      postOrder(api, b, { symbol: 'TSLA', side: 'buy', quantity, type: 'market' });
    await cache.put({
      symbol: 'TSLA',
      bid: '100',
      ask: '100.2',
      at: new Date().toISOString(),
      marketDataType: 1,
      source: 'stream',
    });
    // Mid 100.1: 100 shares are 10010, over; 99 are 9909.9, under.
    const over = await market('100');
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('RISK_MAX_NOTIONAL');
    expect((await market('99')).status).toBe(201);
    // The price halves: 150 shares now fit.
    await cache.put({
      symbol: 'TSLA',
      bid: '50',
      ask: '50',
      at: new Date().toISOString(),
      marketDataType: 1,
      source: 'stream',
    });
    expect((await market('150')).status).toBe(201);
  });
});
