import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { DynamoSubscriptionStore } from '../../../adapters/dynamodb/subscriptions-store.ts';
import { MARKET_DATA_DEFAULTS } from '../../../core/marketdata/config.ts';
import { BrokerConnection } from '../../../ib-bridge/connection.ts';
import { jsonLogger } from '../../../ib-bridge/log.ts';
import {
  followConnection,
  startMarketData,
  type MarketDataService,
} from '../../../ib-bridge/market-data/index.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';

let api: TestApi;
let gw: PaperGateway;
let broker: BrokerConnection;
let md: MarketDataService;
let tenant: TestTenant;

beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTestTenant(api);
  gw = await startPaperGateway({ port: 0, controlPort: null, seed: 3, tickIntervalMs: 0 });
  const log = jsonLogger('ib-bridge', 'silent');
  broker = new BrokerConnection({
    host: gw.host,
    port: gw.port,
    clientId: 43,
    maxMessagesPerSecond: 45,
    log,
  });
  md = startMarketData({
    link: broker,
    quoteCache: new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 3600 }),
    subscriptions: new DynamoSubscriptionStore(api.resources.dynamo, api.resources.tableName),
    config: { ...MARKET_DATA_DEFAULTS, pollIntervalMs: 50, marketDataType: 3 },
    logger: log,
  });
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

it('asks IB for the configured market data type and says which one the quotes are', async () => {
  await api.request('POST', '/api/v1/marketdata/subscriptions', {
    body: { symbols: ['SPY'] },
    headers: tenant.headers('trader'),
  });
  gw.control.setPrice('SPY', { bid: 500, ask: 500.05, last: 500.02, bidSize: 300 });
  let body: Record<string, unknown> = {};
  for (let i = 0; i < 200 && body.bid !== '500'; i++) {
    body = (await api.request('GET', '/api/v1/marketdata/SPY', { headers: tenant.headers('viewer') })).body;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(body).toMatchObject({
    bid: '500',
    ask: '500.05',
    bidSize: '300',
    marketDataType: 'delayed',
    stale: false,
  });

  const snapshot = await api.request('GET', '/api/v1/marketdata/NVDA', { headers: tenant.headers('viewer') });
  expect(snapshot.status).toBe(200);
  expect(snapshot.body).toMatchObject({ source: 'snapshot', marketDataType: 'delayed' });
});
