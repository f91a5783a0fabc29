/**
 * Acceptance 1: a strategy uploaded over HTTP trades against the paper gateway: its order passes
 * pre-trade risk, is filled, carries its source in the order and the audit trail, the fill comes
 * back to the strategy, and its state survives a restart of the host without placing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestTenant } from '../../support/tenants.ts';
import { orderIn, waitFor } from '../bridge/harness.ts';
import { strategyWorld, type StrategyWorld } from './world.ts';

const SOURCE = `
interface State { filled?: number; fills?: number; orderEvents?: number; starts?: number }
export default {
  onStart(ctx: { state: State; placeOrder(b: object): string; log(...a: unknown[]): void; params: { qty: number } }) {
    ctx.state.starts = (ctx.state.starts ?? 0) + 1;
    const id = ctx.placeOrder({ symbol: 'AAPL', side: 'buy', quantity: ctx.params.qty, type: 'limit', limitPrice: '200' });
    ctx.log('placed', id);
  },
  onFill(ctx: { state: State }, fill: { quantity: number }) {
    ctx.state.filled = (ctx.state.filled ?? 0) + fill.quantity;
    ctx.state.fills = (ctx.state.fills ?? 0) + 1;
  },
  onOrder(ctx: { state: State }) {
    ctx.state.orderEvents = (ctx.state.orderEvents ?? 0) + 1;
  },
};
`;

let sw: StrategyWorld;
let tenant: TestTenant;

beforeAll(async () => {
  sw = await strategyWorld();
  tenant = await sw.world.tenant();
  await sw.startHost();
}, 60_000);
afterAll(async () => {
  await sw.close();
});

describe('a strategy uploaded over HTTP, live against the paper gateway', () => {
  it('places a risk-checked order with its source, gets its fill, and keeps its state across a host restart', async () => {
    const id = await sw.upload(tenant, {
      name: 'buyer',
      source: SOURCE,
      params: { qty: 5 },
      symbols: ['AAPL'],
    });
    await sw.start(tenant, id);

    const [order] = await waitFor(async () => {
      const mine = await sw.ordersOf(tenant, id);
      return mine.length > 0 ? mine : undefined;
    }, 'the strategy order');
    expect(order).toMatchObject({
      symbol: 'AAPL',
      side: 'buy',
      quantity: '5',
      source: { strategyId: id, version: 1 },
    });
    const filled = await orderIn(sw.world, tenant, order?.id as string, 'filled');
    expect(filled.source).toEqual({ strategyId: id, version: 1 });
    expect(sw.world.gateway.control.orders().some((o) => o.orderRef === order?.id)).toBe(true);
    const trail = await sw.world.api.request('GET', `/api/v1/orders/${String(order?.id)}/events`, {
      headers: tenant.headers('trader'),
    });
    expect(trail.body.items[0]).toMatchObject({ type: 'order.accepted', actor: `strategy:${id}` });

    const store = sw.host().host;
    const runtimeOf = async () =>
      (
        await import('../../../adapters/dynamodb/strategy-store.ts')
      ).DynamoStrategyStore.fromEnvironment().runtime(tenant.tenantId, id);
    const state = await waitFor(async () => {
      const rt = await runtimeOf();
      return rt?.state.filled === 5 ? rt.state : undefined;
    }, 'the fill to reach the strategy');
    expect(state).toMatchObject({ starts: 1, filled: 5, fills: 1 });
    expect(store.running()).toContain(`${tenant.tenantId}/${id}`);

    const stats = await sw.strategy(tenant, id);
    expect(stats.status).toBe('running');
    expect(stats.stats.orders).toBe(1);
    expect(stats.stats.events).toBeGreaterThanOrEqual(3);

    // Restart the host: the state is loaded back, onStart does not run again, nothing is placed twice.
    await sw.stopHost();
    await sw.startHost();
    expect(sw.host().host.running()).toContain(`${tenant.tenantId}/${id}`);
    const after = await runtimeOf();
    expect(after?.state).toMatchObject({ starts: 1, filled: 5, fills: 1 });

    const logs = await sw.world.api.request('GET', `/api/v1/strategies/${id}/logs`, {
      headers: tenant.headers('viewer'),
    });
    expect(logs.body.items.some((l: { message: string }) => l.message.startsWith('placed'))).toBe(true);
    expect(await sw.ordersOf(tenant, id)).toHaveLength(1);
  }, 120_000);

  it('subscribes the market data a running strategy declares for its tenant, and ends it when it stops', async () => {
    const watcher = `
      export default {
        onQuote(ctx: { state: { quotes?: Record<string, number> } }, quote: { symbol: string }) {
          ctx.state.quotes = { ...ctx.state.quotes, [quote.symbol]: (ctx.state.quotes?.[quote.symbol] ?? 0) + 1 };
        },
      };`;
    const subscriptions = async () =>
      (
        await sw.world.api.request('GET', '/api/v1/marketdata/subscriptions', {
          headers: tenant.headers('viewer'),
        })
      ).body.items as Array<{ symbol: string; createdBy: string }>;
    // The tenant's own subscription of IBM, before the strategy wants it too.
    const own = await sw.world.api.request('POST', '/api/v1/marketdata/subscriptions', {
      body: { symbols: ['IBM'] },
      headers: tenant.headers('trader'),
    });
    expect(own.status).toBe(201);
    const id = await sw.upload(tenant, { name: 'watcher', source: watcher, symbols: ['MSFT', 'IBM'] });
    await sw.start(tenant, id);

    const held = await waitFor(async () => {
      const items = await subscriptions();
      return items.some((s) => s.symbol === 'MSFT') ? items : undefined;
    }, 'the strategy’s symbols to be subscribed');
    expect(held.find((s) => s.symbol === 'MSFT')?.createdBy).toBe(`strategy:${id}`);
    expect(held.find((s) => s.symbol === 'IBM')?.createdBy).not.toMatch(/^strategy:/);
    // The bridge streams the line; its quotes reach the strategy.
    await waitFor(async () => {
      const rt = await (
        await import('../../../adapters/dynamodb/strategy-store.ts')
      ).DynamoStrategyStore.fromEnvironment().runtime(tenant.tenantId, id);
      return ((rt?.state.quotes as Record<string, number> | undefined)?.MSFT ?? 0) > 0;
    }, 'a MSFT quote to reach the strategy');

    const stopped = await sw.world.api.request('POST', `/api/v1/strategies/${id}/stop`, {
      headers: tenant.headers('trader'),
    });
    expect(stopped.status).toBe(200);
    const after = await waitFor(async () => {
      const items = await subscriptions();
      return items.some((s) => s.symbol === 'MSFT') ? undefined : items;
    }, 'the strategy’s subscription to end');
    // The tenant's own subscription stays.
    expect(after.map((s) => s.symbol)).toContain('IBM');
  }, 120_000);

  it('fails a strategy whose symbols would take the broker past its market-data lines', async () => {
    await sw.stopHost();
    // One line: the two symbols nobody streams yet do not fit.
    await sw.startHost({}, { lineLimit: 1 });
    const id = await sw.upload(tenant, {
      name: 'greedy',
      source: 'export default {};',
      symbols: ['AMZN', 'NVDA'],
    });
    await sw.start(tenant, id);
    const failure = await sw.failed(tenant, id);
    expect(failure.code).toBe('MARKET_DATA_LINE_LIMIT');
    expect(failure.detail).toMatch(/AMZN, NVDA/);
    const items = (
      await sw.world.api.request('GET', '/api/v1/marketdata/subscriptions', {
        headers: tenant.headers('viewer'),
      })
    ).body.items as Array<{ symbol: string }>;
    expect(items.map((s) => s.symbol)).not.toContain('AMZN');
    await sw.stopHost();
    await sw.startHost();
  }, 120_000);
});
