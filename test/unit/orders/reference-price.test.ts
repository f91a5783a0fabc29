import { describe, expect, it } from '@jest/globals';
import type { QuoteCache, SnapshotRequest, SubscriptionStore } from '../../../core/marketdata/ports.ts';
import type { Quote } from '../../../core/marketdata/quote.ts';
import { awaitSnapshot } from '../../../core/marketdata/service.ts';
import { Dec } from '../../../core/money.ts';
import { checkWithReferencePrice, type PriceSnapshot } from '../../../core/orders/reference-price.ts';
import { RISK_CODES, type OrderIntent } from '../../../core/risk/checks.ts';
import { defaultRiskLimits } from '../../../core/risk/limits.ts';

const limits = { ...defaultRiskLimits(), maxOrderNotional: new Dec(10_000) };
const running = { engaged: false };
const market = (quantity: string): OrderIntent => ({
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  quantity: new Dec(quantity),
});

/** A virtual clock: `sleep` moves time and lets the test's "bridge" act at a given moment. */
function virtualClock() {
  let nowMs = 1_000_000;
  const actions: Array<{ at: number; run: () => void }> = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      nowMs += ms;
      for (const a of actions.filter((x) => x.at <= nowMs)) {
        a.run();
        actions.splice(actions.indexOf(a), 1);
      }
    },
    at: (offsetMs: number, run: () => void) => actions.push({ at: nowMs + offsetMs, run }),
    elapsed: (since: number) => nowMs - since,
  };
}

function memoryStores() {
  const quotes = new Map<string, Quote>();
  const snapshots = new Map<string, SnapshotRequest>();
  const cache: QuoteCache = {
    put: async (q) => void quotes.set(q.symbol, q),
    get: async (symbol) => quotes.get(symbol),
  };
  const subscriptions = {
    requestSnapshot: async (request: SnapshotRequest) => void snapshots.set(request.symbol, request),
    snapshotRequest: async (symbol: string) => snapshots.get(symbol),
  } as unknown as SubscriptionStore;
  return { cache, subscriptions, snapshots, quotes };
}

const quote = (symbol: string, at: string): Quote => ({
  symbol,
  bid: '187.20',
  ask: '187.30',
  last: '187.25',
  bidSize: '100',
  askSize: '100',
  lastSize: '10',
  at,
  marketDataType: 1,
  source: 'snapshot',
});

describe('a snapshot when risk needs a price (virtual clock)', () => {
  it('returns the quote the bridge writes within the wait', async () => {
    const clock = virtualClock();
    const stores = memoryStores();
    const start = clock.now();
    clock.at(700, () => stores.quotes.set('AAPL', quote('AAPL', new Date(clock.now()).toISOString())));
    const outcome = await awaitSnapshot(
      { subscriptions: stores.subscriptions, quotes: stores.cache, now: clock.now, sleep: clock.sleep },
      'AAPL',
      undefined,
      2000,
    );
    expect(outcome).toEqual({ quote: expect.objectContaining({ symbol: 'AAPL' }) });
    expect(clock.elapsed(start)).toBe(700);
    expect(stores.snapshots.get('AAPL')).toMatchObject({ status: 'pending' });
  });

  it('gives up at the bound when no quote arrives, and says so', async () => {
    const clock = virtualClock();
    const stores = memoryStores();
    const start = clock.now();
    const outcome = await awaitSnapshot(
      { subscriptions: stores.subscriptions, quotes: stores.cache, now: clock.now, sleep: clock.sleep },
      'AAPL',
      undefined,
      2000,
    );
    expect(outcome).toEqual({ failure: 'nothing is cached and no snapshot arrived within 2000 ms' });
    expect(clock.elapsed(start)).toBe(2000);
  });

  it('stops waiting at once when the broker refuses the snapshot', async () => {
    const clock = virtualClock();
    const stores = memoryStores();
    const start = clock.now();
    clock.at(300, () => {
      const request = stores.snapshots.get('ZZZZ')!;
      stores.snapshots.set('ZZZZ', {
        ...request,
        status: 'failed',
        reason: 'IB error 200: no security definition',
      });
    });
    const outcome = await awaitSnapshot(
      { subscriptions: stores.subscriptions, quotes: stores.cache, now: clock.now, sleep: clock.sleep },
      'ZZZZ',
      undefined,
      2000,
    );
    expect(outcome).toEqual({ failure: 'IB error 200: no security definition' });
    expect(clock.elapsed(start)).toBe(300);
  });
});

describe('risk checks with a fetched reference price', () => {
  const noCache = { quotes: { latestPrice: async () => undefined } };

  it('prices an uncached market order from the snapshot and checks its notional', async () => {
    const asked: string[] = [];
    const priceSnapshot: PriceSnapshot = async (symbol) => {
      asked.push(symbol);
      return { price: new Dec('187.25') };
    };
    const deps = { ...noCache, priceSnapshot };
    expect(await checkWithReferencePrice(deps, market('10'), limits, running, undefined)).toEqual({
      unitPrice: new Dec('187.25'),
    });
    const tooBig = await checkWithReferencePrice(deps, market('100'), limits, running, undefined);
    expect(tooBig).toEqual({ denial: expect.objectContaining({ code: RISK_CODES.maxOrderNotional }) });
    expect(asked).toEqual(['AAPL', 'AAPL']);
  });

  it('asks nobody when a price is cached or the order carries its own', async () => {
    const priceSnapshot: PriceSnapshot = async () => {
      throw new Error('must not be asked');
    };
    const deps = { ...noCache, priceSnapshot };
    expect(await checkWithReferencePrice(deps, market('1'), limits, running, new Dec(10))).toEqual({
      unitPrice: new Dec(10),
    });
    const limit: OrderIntent = { ...market('1'), type: 'limit', limitPrice: new Dec(5) };
    expect(await checkWithReferencePrice(deps, limit, limits, running, undefined)).toEqual({
      unitPrice: new Dec(5),
    });
  });

  it('rejects RISK_NO_REFERENCE_PRICE only when no price arrives, saying why and how to fix it', async () => {
    const deps = {
      ...noCache,
      priceSnapshot: async () => ({ failure: 'no snapshot arrived within 2000 ms' }),
    };
    const result = await checkWithReferencePrice(deps, market('10'), limits, running, undefined);
    expect(result).toEqual({ denial: expect.objectContaining({ code: RISK_CODES.noReferencePrice }) });
    const reason = 'denial' in result ? result.denial.reason : '';
    expect(reason).toContain('(no snapshot arrived within 2000 ms)');
    expect(reason).toContain('POST /api/v1/marketdata/subscriptions');
    expect(reason).toContain('referencePrices.AAPL');
    expect(reason).toContain('marketOrderWithoutPrice: "allow"');
  });
});
