/**
 * Acceptance 4: a burst of 500 orders drains without a single pacing violation (error 100) at the
 * gateway, which counts messages per client in any one second exactly as IB does. How fast it
 * drains is a speed figure, so `npm run bench` measures it (bench/bridge.bench.ts) and the pacer's
 * rate under steady demand is proven on a virtual clock (test/unit/bridge/pacing.test.ts); a
 * wall-clock rate asserted here would only measure how loaded the machine running the suite is.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bridgeWorld, placeOrder, waitFor, type BridgeWorld } from './harness.ts';
import type { TestTenant } from '../../support/tenants.ts';
import { BrokerConnection } from '../../../ib-bridge/connection.ts';

const ORDERS = 500;
const TENANTS = Number(process.env.PACING_TENANTS ?? 10);
const SYMBOLS = ['AAPL', 'MSFT', 'AMZN', 'GOOGL', 'NVDA', 'TSLA', 'IBM', 'SPY'];

let world: BridgeWorld;
beforeAll(async () => {
  world = await bridgeWorld({ seed: 5, tickIntervalMs: 200 });
});
afterAll(() => world.close());

describe('pacing', () => {
  it(`drains a burst of ${ORDERS} orders with no error 100`, async () => {
    const tenants: TestTenant[] = [];
    for (let i = 0; i < TENANTS; i++) tenants.push(await world.tenant());
    // The burst is queued before the bridge starts, so the drain is the bridge's pace alone.
    let n = 0;
    const ids: string[] = [];
    await Promise.all(
      tenants.map(async (tenant) => {
        while (n < ORDERS) {
          const i = n++;
          const symbol = SYMBOLS[i % SYMBOLS.length] as string;
          const q = world.gateway.control.quote(symbol);
          ids.push(
            await placeOrder(world, tenant, {
              symbol,
              side: i % 2 ? 'sell' : 'buy',
              quantity: '1',
              type: 'limit',
              limitPrice: (i % 2 ? q.bid * 0.97 : q.ask * 1.03).toFixed(2),
            }),
          );
        }
      }),
    );
    const child = world.spawnBridge();
    const mine = new Set(ids);
    const placements = await waitFor(
      () => {
        const p = world.gateway.control.placements().filter((x) => mine.has(x.orderRef));
        return p.length >= ORDERS ? p : undefined;
      },
      'every order placed',
      120_000,
    );
    const clientId = placements[0]?.clientId as number;
    expect(world.gateway.control.pacingViolations()[clientId] ?? 0).toBe(0);
    // Marketable orders of one share: none rests, so IB's 20-per-side cap never refuses one.
    expect(placements.filter((p) => p.outcome !== 'accepted')).toEqual([]);
    await child.kill('SIGTERM');
  }, 180_000);

  it('the pacer alone sends 300 back-to-back requests over the socket with no error 100', async () => {
    const clientId = 77;
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const broker = new BrokerConnection({
      host: world.gateway.host,
      port: world.gateway.port,
      clientId,
      maxMessagesPerSecond: 46,
      burst: 2,
      log,
    });
    broker.start();
    await waitFor(() => broker.up, 'connected');
    const before = world.gateway.control.messageCount(clientId);
    await Promise.all(Array.from({ length: 300 }, () => broker.send((ib) => ib.reqCurrentTime())));
    await waitFor(() => world.gateway.control.messageCount(clientId) - before >= 300, 'all received');
    broker.close();
    expect(world.gateway.control.pacingViolations()[clientId] ?? 0).toBe(0);
  });
});
