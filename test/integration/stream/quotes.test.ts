/**
 * `quotes:<SYMBOL>` on the stream, against the local gateway (real sockets), DynamoDB Local and the
 * local EventBridge: a tenant follows only symbols it holds a market-data subscription to, quote
 * updates reach exactly the sockets that follow the symbol and may, a late update is dropped, and
 * the bridge's quote cache puts each streamed quote on the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { DynamoQuoteSockets } from '../../../adapters/dynamodb/stream-quotes.ts';
import { publishingQuotes } from '../../../adapters/stream/quote-events.ts';
import { handler as fanOut } from '../../../functions/stream/fanout.ts';
import type { Quote } from '../../../core/marketdata/quote.ts';
import { QUOTE_EVENT } from '../../../core/stream/model.ts';
import { eventBus } from '../../../core/topology.ts';
import { startEventRouter } from '../../../local/event-router/router.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { StreamClient } from '../../support/stream.ts';

let api: TestApi;
let cache: DynamoQuoteCache;
let quoteSockets: DynamoQuoteSockets;

beforeAll(async () => {
  api = await startTestApi({ stream: { authDeadlineMs: 120_000 } });
  cache = new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 3600 });
  quoteSockets = new DynamoQuoteSockets(api.resources.dynamo, api.resources.tableName);
});
afterAll(async () => {
  await api.close();
});

/** Quotes are recent (the cache treats one past its TTL as gone). */
const base = Math.floor(Date.now() / 1000) * 1000;

/** Symbols of this file's own, so other suites' subscriptions never meet them. */
let next = 0;
function symbol(): string {
  next++;
  return `Q${process.pid % 1000}X${next}`.slice(0, 10);
}

function quote(sym: string, second: number, last = '100.5'): Quote {
  return {
    symbol: sym,
    bid: '100.25',
    ask: '100.75',
    last,
    bidSize: '300',
    askSize: '200',
    at: new Date(base + second * 1000).toISOString(),
    marketDataType: 1,
    source: 'stream',
  };
}

/** The bus event the bridge publishes for a streamed quote. */
function quoteEvent(q: Quote) {
  return { 'detail-type': QUOTE_EVENT, detail: { schemaVersion: 1, eventId: `${q.symbol}@${q.at}`, ...q } };
}

async function marketData(tenant: TestTenant, method: 'POST' | 'DELETE', sym: string): Promise<void> {
  const res =
    method === 'POST'
      ? await api.request('POST', '/api/v1/marketdata/subscriptions', {
          body: { symbols: [sym] },
          headers: { authorization: `Bearer ${tenant.tokens.trader}` },
        })
      : await api.request('DELETE', `/api/v1/marketdata/subscriptions/${sym}`, {
          headers: { authorization: `Bearer ${tenant.tokens.trader}` },
        });
  expect(res.status).toBe(method === 'POST' ? 201 : 204);
}

async function socket(tenant: TestTenant): Promise<StreamClient> {
  return StreamClient.authenticated(api.url, { token: tenant.tokens.viewer });
}

describe('quotes:<SYMBOL>', () => {
  it('is refused, with a clear error and the socket kept, for a symbol the tenant has no market-data subscription to', async () => {
    const tenant = await createTestTenant(api);
    const sym = symbol();
    const client = await socket(tenant);
    client.send({ action: 'subscribe', streams: ['orders', `quotes:${sym}`] });
    const refusal = await client.next();
    expect(refusal).toMatchObject({ type: 'error', code: 'MARKET_DATA_NOT_SUBSCRIBED' });
    expect(refusal.message).toContain(`POST /api/v1/marketdata/subscriptions`);
    expect(refusal.close).toBeUndefined();
    // All or nothing: the orders stream of that message was not taken either.
    expect((await client.subscribe(['orders'])).streams).toEqual(['orders']);
    expect(await fanOut(quoteEvent(quote(sym, 1)))).toMatchObject({ sent: 0 });
    expect(client.pending()).toEqual([]);
    await client.close();
  });

  it('needs the marketdata:read scope', async () => {
    const tenant = await createTestTenant(api);
    const sym = symbol();
    await marketData(tenant, 'POST', sym);
    const key = await tenant.apiKey(['orders:read']);
    const client = await StreamClient.authenticated(api.url, { apiKey: key });
    client.send({ action: 'subscribe', streams: [`quotes:${sym}`] });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    await client.close();
  });

  it('sends the cached quote at once, then each update, to the followers of the symbol only', async () => {
    const [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
    const [aapl, msft] = [symbol(), symbol()];
    await marketData(a, 'POST', aapl);
    await marketData(b, 'POST', msft);
    await cache.put(quote(aapl, 1, '99'));
    const [sa, sb] = await Promise.all([socket(a), socket(b)]);
    // Lower case is taken as the ticker it names.
    expect(await sa.subscribe(['orders', `quotes:${aapl.toLowerCase()}`])).toMatchObject({
      streams: ['orders', `quotes:${aapl}`],
    });
    const [cached] = await sa.events(1);
    expect(cached).toEqual({
      type: 'event',
      stream: `quotes:${aapl}`,
      event: 'quote.updated',
      at: quote(aapl, 1).at,
      data: {
        symbol: aapl,
        bid: '100.25',
        ask: '100.75',
        last: '99',
        bidSize: '300',
        askSize: '200',
        lastSize: null,
        at: quote(aapl, 1).at,
        stale: false,
        marketDataType: 'live',
        source: 'stream',
      },
    });
    await sb.subscribe([`quotes:${msft}`]);

    expect(await fanOut(quoteEvent(quote(aapl, 2, '101')))).toMatchObject({ sent: 1 });
    expect(await fanOut(quoteEvent(quote(msft, 2, '402')))).toMatchObject({ sent: 1 });
    const [update] = await sa.events(1);
    expect([update.stream, update.data.last]).toEqual([`quotes:${aapl}`, '101']);
    expect(update.seq).toBeUndefined();
    const [theirs] = await sb.events(1);
    expect([theirs.stream, theirs.data.last]).toEqual([`quotes:${msft}`, '402']);
    // Neither tenant got the other's symbol.
    expect(sa.pending()).toEqual([]);
    expect(sb.pending()).toEqual([]);
    await Promise.all([sa.close(), sb.close()]);
  });

  it('drops an update older than one already sent (coalesced, never out of order)', async () => {
    const tenant = await createTestTenant(api);
    const sym = symbol();
    await marketData(tenant, 'POST', sym);
    const client = await socket(tenant);
    await client.subscribe([`quotes:${sym}`]);
    expect(await fanOut(quoteEvent(quote(sym, 10, '10')))).toMatchObject({ duplicate: false, sent: 1 });
    expect(await fanOut(quoteEvent(quote(sym, 9, '9')))).toMatchObject({ duplicate: true, sent: 0 });
    expect(await fanOut(quoteEvent(quote(sym, 10, '10')))).toMatchObject({ duplicate: true, sent: 0 });
    expect(await fanOut(quoteEvent(quote(sym, 11, '11')))).toMatchObject({ sent: 1 });
    expect((await client.events(2)).map((e) => e.data.last)).toEqual(['10', '11']);
    await client.close();
  });

  it('ends for a tenant that ends its market-data subscription, which is told so', async () => {
    const tenant = await createTestTenant(api);
    const sym = symbol();
    await marketData(tenant, 'POST', sym);
    const client = await socket(tenant);
    await client.subscribe([`quotes:${sym}`]);
    await marketData(tenant, 'DELETE', sym);
    expect(await fanOut(quoteEvent(quote(sym, 1)))).toMatchObject({ sent: 0 });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'MARKET_DATA_NOT_SUBSCRIBED' });
    expect(await quoteSockets.subscribers(sym)).toEqual([]);
    expect(await fanOut(quoteEvent(quote(sym, 2)))).toMatchObject({ sent: 0 });
    client.send({ action: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
    await client.close();
  });

  it('stops at unsubscribe and is forgotten when the socket closes', async () => {
    const tenant = await createTestTenant(api);
    const [one, two] = [symbol(), symbol()];
    await marketData(tenant, 'POST', one);
    await marketData(tenant, 'POST', two);
    const client = await socket(tenant);
    await client.subscribe([`quotes:${one}`, `quotes:${two}`]);
    client.send({ action: 'unsubscribe', streams: [`quotes:${one}`] });
    expect(await client.next()).toEqual({ type: 'unsubscribed', streams: [`quotes:${one}`] });
    expect(await fanOut(quoteEvent(quote(one, 1)))).toMatchObject({ sent: 0 });
    expect(await fanOut(quoteEvent(quote(two, 1)))).toMatchObject({ sent: 1 });
    expect((await client.events(1))[0].stream).toBe(`quotes:${two}`);
    await client.close();
    // The gateway runs $disconnect after the close; the follower entry goes with it.
    for (let i = 0; i < 100 && (await quoteSockets.subscribers(two)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await quoteSockets.subscribers(two)).toEqual([]);
  });
});

describe('the bridge’s quote cache', () => {
  it('puts every streamed quote on the bus as quote.updated after storing it; snapshots stay off it', async () => {
    const bus = await startEventRouter({ rules: [], busName: eventBus.name, deliver: async () => undefined });
    const events = new EventBridgeClient({
      endpoint: bus.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const failures: unknown[] = [];
    try {
      const publishing = publishingQuotes(cache, {
        events,
        busName: eventBus.name,
        onError: (error) => failures.push(error),
      });
      const sym = symbol();
      await publishing.put(quote(sym, 5, '42'));
      await publishing.put({ ...quote(sym, 6, '43'), source: 'snapshot' });
      expect((await cache.get(sym))?.last).toBe('43');
      // A burst while the first is in flight: the newest waits, the ones between are dropped.
      for (const [second, last] of [
        [7, '44'],
        [8, '45'],
        [9, '46'],
      ] as const)
        await publishing.put(quote(sym, second, last));
      const published = async () => bus.published().map((e) => e.detail.last);
      for (let i = 0; i < 200 && !(await published()).includes('46'); i++)
        await new Promise((r) => setTimeout(r, 25));
      const onBus = bus.published();
      expect(onBus[0]).toMatchObject({
        'detail-type': 'quote.updated',
        source: eventBus.source,
        detail: { symbol: sym, last: '42', at: quote(sym, 5).at, source: 'stream' },
      });
      const lasts = onBus.map((e) => e.detail.last);
      expect(lasts[0]).toBe('42');
      expect(lasts.at(-1)).toBe('46');
      expect(lasts).not.toContain('43');
      // In order, each at most once.
      expect(lasts).toEqual([...new Set(lasts)].sort());
      expect(failures).toEqual([]);
    } finally {
      events.destroy();
      await bus.close();
    }
  });
});
