/**
 * Acceptance 2: hostile strategies are contained. Each one ends `failed` with a clear reason and a
 * strategy.failed event on the bus, while another tenant's strategy keeps trading through the
 * same host, and the hostile tenant's sandbox process stays within its memory bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestTenant } from '../../support/tenants.ts';
import { waitFor } from '../bridge/harness.ts';
import { strategyWorld, type StrategyWorld } from './world.ts';

/** Trades one share every 1.5 s on a timer, alternating sides so it stays flat. */
const STEADY = `
export default {
  onStart(ctx) { ctx.state.ticks = 0; ctx.setTimer('tick', 1500); },
  onTimer(ctx) {
    ctx.state.ticks++;
    const buy = ctx.state.ticks % 2 === 1;
    ctx.placeOrder({ symbol: 'AAPL', side: buy ? 'buy' : 'sell', quantity: 1, type: 'limit', limitPrice: buy ? '200' : '180' });
    ctx.setTimer('tick', 1500);
  },
};
`;

const HOSTILE: Record<string, { source: string; code: string; detail: RegExp }> = {
  'an infinite loop': {
    source: 'export default { onStart() { for (;;) {} } }',
    code: 'STRATEGY_CPU_LIMIT',
    detail: /instruction budget/,
  },
  'a memory bomb': {
    source: 'export default { onStart() { const a = []; for (;;) a.push(new Array(100000).fill(7)); } }',
    code: 'STRATEGY_MEMORY_LIMIT',
    detail: /out of memory/,
  },
  require: {
    source: "export default { onStart() { const fs = require('fs'); fs.readFileSync('/etc/passwd'); } }",
    code: 'STRATEGY_THREW',
    detail: /'require' is not defined/,
  },
  'a static import': {
    source:
      "import { readFileSync } from 'node:fs';\nexport default { onStart() { readFileSync('/etc/passwd'); } }",
    code: 'STRATEGY_THREW',
    detail: /'require' is not defined/,
  },
  'a dynamic import': {
    source: "export default { async onStart() { await import('node:child_process'); } }",
    code: 'STRATEGY_THREW',
    detail: /could not load module/,
  },
  process: {
    source: 'export default { onStart() { process.exit(1); } }',
    code: 'STRATEGY_THREW',
    detail: /'process' is not defined/,
  },
  'globalThis.constructor.constructor("return process")()': {
    source:
      'export default { onStart() { const p = globalThis.constructor.constructor("return process")(); p.kill(p.ppid); } }',
    code: 'STRATEGY_THREW',
    detail: /'process' is not defined/,
  },
  'prototype tampering of ctx': {
    source:
      'export default { onStart(ctx) { Object.getPrototypeOf(ctx).placeOrder = () => "forged"; ctx.placeOrder = () => "forged"; } }',
    code: 'STRATEGY_TAMPERED',
    detail: /tried to change ctx or a built-in/,
  },
  'replacing a method of ctx': {
    source: 'export default { onStart(ctx) { ctx.placeOrder = () => "forged"; } }',
    code: 'STRATEGY_TAMPERED',
    detail: /'placeOrder' is read-only/,
  },
  'an order flood in one callback': {
    source:
      "export default { onStart(ctx) { for (let i = 0; i < 1000; i++) ctx.placeOrder({ symbol: 'AAPL', side: 'buy', quantity: 1, type: 'limit', limitPrice: '200' }); } }",
    code: 'STRATEGY_ORDER_LIMIT',
    detail: /placed 1000 orders in one callback/,
  },
  'an order flood over a minute': {
    source: `export default {
      onStart(ctx) { ctx.setTimer('burst', 0); },
      onTimer(ctx) {
        for (let i = 0; i < 10; i++) ctx.placeOrder({ symbol: 'MSFT', side: 'buy', quantity: 1, type: 'limit', limitPrice: '1' });
        ctx.setTimer('burst', 1);
      },
    }`,
    code: 'STRATEGY_ORDER_LIMIT',
    detail: /orders within a minute; the limit is 60/,
  },
};

let sw: StrategyWorld;
let victim: TestTenant;
let attacker: TestTenant;
let steadyId: string;

async function steadyOrders(): Promise<number> {
  return (await sw.ordersOf(victim, steadyId)).length;
}

beforeAll(async () => {
  sw = await strategyWorld();
  [victim, attacker] = [await sw.world.tenant(), await sw.world.tenant({ priceCollarPercent: null })];
  await sw.startHost();
  steadyId = await sw.upload(victim, { name: 'steady', source: STEADY, symbols: ['AAPL'] });
  await sw.start(victim, steadyId);
  await waitFor(async () => (await steadyOrders()) >= 1, 'the steady strategy to trade', 60_000);
}, 120_000);
afterAll(async () => {
  await sw.close();
});

describe('hostile strategies', () => {
  it.each(Object.entries(HOSTILE))(
    '%s ends failed with a clear reason; the other tenant keeps trading',
    async (_, h) => {
      const before = await steadyOrders();
      const id = await sw.upload(attacker, { name: 'hostile', source: h.source, symbols: ['AAPL'] });
      await sw.start(attacker, id);
      const failure = await sw.failed(attacker, id);
      expect(failure.code).toBe(h.code);
      expect(failure.detail).toMatch(h.detail);

      await waitFor(
        () =>
          sw.bus
            .published()
            .some((e) => e['detail-type'] === 'strategy.failed' && e.detail.strategyId === id),
        'strategy.failed on the bus',
        30_000,
      );
      const logs = await sw.world.api.request('GET', `/api/v1/strategies/${id}/logs`, {
        headers: attacker.headers('viewer'),
      });
      expect(logs.body.items[0].message).toContain(h.code);
      // Nothing of an order flood got through, except what the per-minute window allowed.
      expect((await sw.ordersOf(attacker, id)).length).toBeLessThanOrEqual(60);

      await waitFor(async () => (await steadyOrders()) > before, 'the other tenant to keep trading', 30_000);
      expect((await sw.strategy(victim, steadyId)).status).toBe('running');
      const memory = await sw.host().host.memory();
      for (const m of Object.values(memory)) {
        expect(m.rss).toBeLessThan(400 * 1024 * 1024);
        expect(m.wasm).toBeLessThanOrEqual(m.strategies * 64 * 1024 * 1024);
      }
    },
    90_000,
  );
});
