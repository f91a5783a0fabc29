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
});
