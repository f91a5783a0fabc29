/**
 * A bracket whose bridge is killed (SIGKILL) in the middle of placing it: once the supervisor has
 * restarted the bridge, every leg is at IB exactly once (orderRef per leg), the group is
 * transmitted, and it trades as IB works it (acceptance 3, "the same holds after a bridge kill").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bridgeWorld, countersCheck, orderIn, waitFor, type BridgeWorld } from './harness.ts';
import { postOrder } from '../../support/orders.ts';
import type { SupervisedBridge } from '../../../local/supervisor.ts';

let world: BridgeWorld;
let bridge: SupervisedBridge;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 15 });
  bridge = world.superviseBridge({ BRIDGE_VISIBILITY_SECONDS: '3' });
  await waitFor(() => world.gateway.control.clients().length > 0, 'bridge connected', 60_000);
}, 90_000);
afterAll(() => world.close());

function setLast(symbol: string, last: number) {
  world.gateway.control.setPrice(symbol, {
    bid: Number((last - 0.01).toFixed(2)),
    ask: Number((last + 0.01).toFixed(2)),
    last,
    bidSize: 10_000,
    askSize: 10_000,
  });
}

/** Kills the bridge the moment the gateway has received a placement of `orderRef`. */
async function killOnPlacement(orderRef: string): Promise<void> {
  const control = world.gateway.control;
  for (;;) {
    if (control.placements().some((p) => p.orderRef === orderRef)) {
      bridge.child?.kill('SIGKILL');
      return;
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe.each([
  ['after the entry', 0, 'AAPL', 150],
  ['after the take-profit', 1, 'GOOGL', 120],
])('a bracket with the bridge killed %s', (_when, killAfter, symbol, price) => {
  it('places every leg exactly once and still trades as IB works the group', async () => {
    setLast(symbol, price);
    const tenant = await world.tenant({ referencePrices: { [symbol]: String(price) } });
    const res = await postOrder(world.api, tenant, {
      orderClass: 'bracket',
      symbol,
      side: 'buy',
      quantity: '4',
      type: 'limit',
      limitPrice: String(price - 1),
      timeInForce: 'gtc',
      takeProfit: { limitPrice: String(price + 5) },
      stopLoss: { stopPrice: String(price - 6) },
    });
    expect(res.status).toBe(201);
    const ids = (res.body.legs as Array<{ id: string }>).map((l) => l.id);
    const [entry, tp, sl] = ids as [string, string, string];
    const killedAt = ids[killAfter] as string;
    const starts = bridge.starts;
    await killOnPlacement(killedAt);
    await waitFor(() => bridge.starts > starts, 'the supervisor to restart the bridge', 60_000);

    for (const id of ids) await orderIn(world, tenant, id, 'submitted', 60_000);
    const counts = world.gateway.control.placementsByOrderRef();
    for (const id of ids) expect(counts[id]).toEqual({ placed: 1, modified: 0 });
    const at = (id: string) => world.gateway.control.orders().find((o) => o.orderRef === id);
    expect(at(tp)?.parentKey).toBe(at(entry)?.key);
    expect(at(sl)?.parentKey).toBe(at(entry)?.key);

    setLast(symbol, price - 1.5);
    await orderIn(world, tenant, entry, 'filled', 60_000);
    setLast(symbol, price - 7);
    await orderIn(world, tenant, sl, 'filled', 60_000);
    await orderIn(world, tenant, tp, 'cancelled', 60_000);
    const c = await countersCheck(world, tenant.tenantId);
    expect(c.actual).toEqual(c.expected);
  }, 240_000);
});
