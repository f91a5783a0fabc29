/**
 * What-if orders: answered with an openOrder previewing margin, equity and commission, at the
 * negotiated version, with no orderStatus, and nothing placed or filled.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { EventName } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;

beforeAll(async () => {
  gw = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, seed: 9 });
});

afterAll(async () => {
  await gw.close();
});

describe.each([176, 193])('a what-if order at server version %i', (version) => {
  it('previews margin and commission and places nothing', async () => {
    const c = await new TestClient(gw.port, version, 1000, { min: 100, max: version }).connect();
    try {
      const before = gw.control.orders().length;
      const ask = gw.control.quote('NVDA').ask;
      const id = c.place(
        stock('NVDA'),
        order('BUY', 100, 'MKT', { whatIf: true, orderRef: `what-if-${version}` }),
      );
      await waitFor(() => c.named(EventName.openOrder).some((a) => a[0] === id), 'preview');
      const [, , o, state] = c.named(EventName.openOrder).find((a) => a[0] === id) as [
        number,
        unknown,
        { whatIf: boolean },
        {
          status: string;
          initMarginChange: number;
          maintMarginAfter: number;
          commission: number;
          minCommission: number;
        },
      ];
      expect(o.whatIf).toBe(true);
      expect(state.status).toBe('PreSubmitted');
      expect(Number(state.initMarginChange)).toBeCloseTo(0.25 * 100 * gw.control.quote('NVDA').last, 2);
      expect(state.commission).toBe(1); // 100 shares × USD 0.005 = 0.50, raised to the USD 1.00 minimum
      expect(state.minCommission).toBe(1);
      expect(Number(state.maintMarginAfter)).toBeGreaterThan(0);
      // Nothing was placed: no status, no fill, no order in the book.
      c.api.reqCurrentTime();
      await waitFor(() => c.named(EventName.currentTime).length > 0, 'a later reply');
      expect(c.statuses(id)).toEqual([]);
      expect(gw.control.orders()).toHaveLength(before);
      expect(gw.control.placements().find((p) => p.orderRef === `what-if-${version}`)?.outcome).toBe(
        'what-if',
      );
      expect(ask).toBe(gw.control.quote('NVDA').ask);
      expect(c.layoutProblems()).toEqual([]);
    } finally {
      c.disconnect();
    }
  });
});
