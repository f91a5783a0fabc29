/**
 * Acceptance 2: 300 orders from 8 concurrent clients while the bridge process is killed (SIGKILL)
 * at least 3 times and the gateway drops the connection at least twice, with prices moving (so
 * orders fill) during the gaps. Afterwards every order is in the state the gateway reports, no
 * orderRef was placed twice as a new order, every fill was applied once, positions equal the sum
 * of fills, and the risk counters equal what they stand for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Decimal } from 'decimal.js';
import { bridgeWorld, countersCheck, waitFor, type BridgeWorld } from '../integration/bridge/harness.ts';
import { postOrder } from '../support/orders.ts';
import type { TestTenant } from '../support/tenants.ts';
import type { OrderRecord } from '../../paper-gateway/index.ts';

const CLIENTS = 8;
const ORDERS = 300;
const KILLS = 3;
const DROPS = 2;
const SYMBOLS = ['AAPL', 'MSFT', 'AMZN', 'GOOGL', 'NVDA', 'TSLA', 'IBM', 'SPY'];

let world: BridgeWorld;
beforeAll(async () => {
  world = await bridgeWorld({ seed: 2024, tickIntervalMs: 0 });
});
/** Ends the kill, drop and price loops, also when the test fails half way. */
let stopChaos = () => undefined as void;
afterAll(async () => {
  stopChaos();
  await world.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded generator, so a failing run can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Our status for the gateway's view of an order. */
function expectedStatus(
  g: OrderRecord | undefined,
  ours: { status: string; filledQuantity: string },
): string[] {
  if (!g) return ['cancelled']; // cancelled before it was ever routed
  switch (g.status) {
    case 'Filled':
      return ['filled'];
    case 'Cancelled':
      return ['cancelled', 'expired'];
    case 'Inactive':
      return g.filled > 0 ? ['cancelled'] : ['rejected'];
    case 'PendingCancel':
      return ['pending_cancel'];
    default:
      return g.filled > 0 ? ['partially_filled'] : ['submitted'];
  }
  void ours;
}

describe('chaos', () => {
  it(`${ORDERS} orders from ${CLIENTS} clients survive ${KILLS} bridge kills and ${DROPS} dropped connections`, async () => {
    const bridge = world.superviseBridge({ BRIDGE_VISIBILITY_SECONDS: '3' });
    const control = world.gateway.control;
    await waitFor(() => control.clients().length > 0, 'bridge connected', 30_000);

    const tenants: TestTenant[] = [];
    for (let i = 0; i < CLIENTS; i++) tenants.push(await world.tenant());
    const orders: Array<{ tenant: TestTenant; id: string }> = [];

    // Prices move all along, also while the bridge is down: fills happen in the gaps.
    const stepper = setInterval(() => control.step(), 120);
    let posting = true;
    let chaos = true;
    stopChaos = () => {
      chaos = false;
      posting = false;
      clearInterval(stepper);
    };
    const kills = (async () => {
      let done = 0;
      while ((done < KILLS || posting) && chaos) {
        await sleep(1200 + done * 300);
        const child = bridge.child;
        if (!child) continue;
        child.kill('SIGKILL');
        done++;
        if (done >= KILLS + 2) break;
      }
      return done;
    })();
    const drops = (async () => {
      let done = 0;
      await sleep(700);
      while (done < DROPS && chaos) {
        await sleep(1500);
        if (control.dropConnections() > 0) done++;
      }
      return done;
    })();

    const perClient = Math.ceil(ORDERS / CLIENTS);
    let issued = 0;
    await Promise.all(
      tenants.map(async (tenant, c) => {
        const random = rng(1000 + c);
        const mine: string[] = [];
        for (let i = 0; i < perClient; i++) {
          if (issued >= ORDERS) break;
          issued++;
          const symbol = SYMBOLS[Math.floor(random() * SYMBOLS.length)] as string;
          const q = control.quote(symbol);
          const side = random() < 0.55 ? 'buy' : 'sell';
          const marketable = random() < 0.5;
          const ticks = 1 + Math.floor(random() * 6);
          const price =
            side === 'buy'
              ? marketable
                ? q.ask + 0.5
                : q.bid - ticks * 0.01
              : marketable
                ? q.bid - 0.5
                : q.ask + ticks * 0.01;
          const res = await postOrder(world.api, tenant, {
            symbol,
            side,
            quantity: String(1 + Math.floor(random() * 20)),
            type: 'limit',
            limitPrice: price.toFixed(2),
            timeInForce: 'gtc',
          });
          if (res.status !== 201) throw new Error(`POST → ${res.status} ${JSON.stringify(res.body)}`);
          orders.push({ tenant, id: res.body.id });
          mine.push(res.body.id);
          const roll = random();
          if (roll < 0.12 && mine.length > 1) {
            const target = mine[Math.floor(random() * (mine.length - 1))] as string;
            await world.api.request('POST', `/api/v1/orders/${target}/cancel`, {
              headers: tenant.headers('trader'),
            });
          } else if (roll < 0.2 && mine.length > 1) {
            const target = mine[Math.floor(random() * (mine.length - 1))] as string;
            await world.api.request('PATCH', `/api/v1/orders/${target}`, {
              body: { quantity: String(21 + Math.floor(random() * 5)) },
              headers: tenant.headers('trader'),
            });
          }
          await sleep(80 + random() * 120);
        }
      }),
    );
    posting = false;
    const [killed, dropped] = await Promise.all([kills, drops]);
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    expect(dropped).toBeGreaterThanOrEqual(DROPS);
    expect(orders).toHaveLength(ORDERS);
    expect(bridge.starts).toBeGreaterThanOrEqual(KILLS + 1);

    // Let the last commands through, then freeze the market and compare.
    const byId = new Map(orders.map((o) => [o.id, o]));
    const gatewayByRef = () =>
      new Map(
        control
          .orders()
          .filter((o) => byId.has(o.orderRef))
          .map((o) => [o.orderRef, o]),
      );
    await waitFor(
      async () => {
        for (const t of tenants) {
          const pending = await world.store.orders.workingOrders(t.tenantId);
          if (
            pending.some(
              (o) =>
                o.status === 'pending_new' || o.status === 'pending_replace' || o.status === 'pending_cancel',
            )
          )
            return false;
        }
        return true;
      },
      'every command taken by the bridge',
      90_000,
    );
    clearInterval(stepper);

    const mismatches = await waitFor(
      async () => {
        const gw = gatewayByRef();
        const wrong: string[] = [];
        for (const { tenant, id } of orders) {
          const ours = await world.store.getOrder(tenant.tenantId, id);
          if (!ours) {
            wrong.push(`${id}: missing`);
            continue;
          }
          const g = gw.get(id);
          const want = expectedStatus(g, {
            status: ours.status,
            filledQuantity: ours.filledQuantity.toFixed(),
          });
          if (!want.includes(ours.status) || (g && !ours.filledQuantity.eq(g.filled))) {
            wrong.push(
              `${id}: ours ${ours.status}/${ours.filledQuantity.toFixed()} gateway ${g?.status ?? 'none'}/${g?.filled ?? '-'}`,
            );
          }
        }
        return wrong.length === 0 ? wrong : undefined;
      },
      'every order in the state the gateway reports',
      60_000,
    ).catch(async (error: unknown) => {
      const gw = gatewayByRef();
      const wrong: string[] = [];
      for (const { tenant, id } of orders) {
        const ours = await world.store.getOrder(tenant.tenantId, id);
        const g = gw.get(id);
        if (
          !ours ||
          !expectedStatus(g, { status: ours.status, filledQuantity: '' }).includes(ours.status) ||
          (g && !ours.filledQuantity.eq(g.filled))
        )
          wrong.push(
            `${id}: ours ${ours?.status}/${ours?.filledQuantity.toFixed()} gateway ${g?.status ?? 'none'}/${g?.filled ?? '-'}`,
          );
      }
      for (const line of wrong.slice(0, 4)) {
        const id = line.slice(0, 26);
        const t = byId.get(id)?.tenant;
        if (!t) continue;
        const ev = await world.store.orders.events(t.tenantId, id);
        console.log(
          id,
          JSON.stringify(
            ev.map((e) => [
              e.type,
              e.actor,
              e.reason,
              (e.data as { brokerOrderId?: number }).brokerOrderId,
              (e.data as { order?: { status?: string } }).order?.status,
            ]),
          ),
        );
        const mineP = control.placements().filter((p) => p.orderRef === id);
        console.log(JSON.stringify(mineP));
        for (const p of mineP)
          console.log('same id', JSON.stringify(control.placements().filter((q) => q.orderId === p.orderId)));
      }
      console.log(
        wrong.slice(0, 20).join('\n'),
        '\n',
        bridge.output
          .filter((l) => !l.includes('"info"') || l.includes('session started') || l.includes('reconciled'))
          .slice(-60)
          .join('\n'),
      );
      throw error;
    });
    expect(mismatches).toEqual([]);

    // No orderRef placed twice as a new order: the gateway's own record.
    const placed = control.placementsByOrderRef();
    const twice = Object.entries(placed).filter(([ref, c]) => byId.has(ref) && c.placed > 1);
    expect(twice).toEqual([]);
    expect(control.placements().filter((p) => p.outcome === 103)).toEqual([]);

    // Every execution of our orders applied exactly once; positions are the sum of fills.
    const executions = control.executions().filter((e) => byId.has(e.orderRef));
    const house = new Map<string, Decimal>();
    let applied = 0;
    for (const tenant of tenants) {
      const fills = await world.store.fills(tenant.tenantId);
      applied += fills.length;
      const sums = new Map<string, Decimal>();
      for (const f of fills) {
        const signed = new Decimal(f.quantity.toFixed()).times(f.side === 'buy' ? 1 : -1);
        sums.set(f.symbol, (sums.get(f.symbol) ?? new Decimal(0)).plus(signed));
        house.set(f.symbol, (house.get(f.symbol) ?? new Decimal(0)).plus(signed));
      }
      const positions = await world.store.positions(tenant.tenantId);
      for (const p of positions)
        expect([p.symbol, p.quantity.toFixed()]).toEqual([
          p.symbol,
          (sums.get(p.symbol) ?? new Decimal(0)).toFixed(),
        ]);
      const c = await countersCheck(world, tenant.tenantId);
      expect(c.actual).toEqual(c.expected);
      // Every commission charged once as well.
      await waitFor(
        async () => (await world.store.fills(tenant.tenantId)).every((f) => f.commission !== undefined),
        'commissions applied',
      );
    }
    expect(applied).toBe(executions.length);
    const storedExecIds = new Set<string>();
    for (const tenant of tenants)
      for (const f of await world.store.fills(tenant.tenantId)) storedExecIds.add(f.execId);
    expect([...storedExecIds].sort()).toEqual(executions.map((e) => e.execId).sort());
    for (const p of control.positions()) {
      expect([p.symbol, new Decimal(String(p.quantity)).toFixed()]).toEqual([
        p.symbol,
        (house.get(p.symbol) ?? new Decimal(0)).toFixed(),
      ]);
    }
  }, 240_000);
});
