/**
 * Version conformance: clients offering the ranges real IB clients offer (older ibapi releases,
 * the ib_insync family, @stoqey/ib) and clients pinned to each boundary version connect, get
 * nextValidId and managedAccounts, trade a market and a limit order, cancel, and query
 * executions, positions and account values at the negotiated version, with no protocol error
 * on either side: the client reports no decode problem (505, underrun, unprocessed data) and
 * the gateway never answers 320 (a request it could not read).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { EventName } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, RawClient, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
const handshakes: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  gw = await startPaperGateway({
    port: 0,
    controlPort: null,
    tickIntervalMs: 0,
    seed: 13,
    log: (line) => handshakes.push(JSON.parse(line) as Record<string, unknown>),
  });
});

afterAll(async () => {
  await gw.close();
});

const CASES: ReadonlyArray<{ offered: [number, number]; negotiated: number; who: string }> = [
  { offered: [100, 176], negotiated: 176, who: 'ibapi 10.19-style range' },
  { offered: [100, 178], negotiated: 178, who: 'ibapi 10.2x-style range' },
  { offered: [100, 187], negotiated: 187, who: 'ibapi 10.30-style range' },
  { offered: [157, 178], negotiated: 178, who: 'ib_insync-style range' },
  { offered: [100, 193], negotiated: 193, who: '@stoqey/ib 1.6' },
  { offered: [100, 200], negotiated: 193, who: 'a newer client (range above ours)' },
  { offered: [100, 100], negotiated: 100, who: 'pinned to 100' },
  { offered: [157, 157], negotiated: 157, who: 'pinned to 157' },
  { offered: [176, 176], negotiated: 176, who: 'pinned to 176' },
  { offered: [178, 178], negotiated: 178, who: 'pinned to 178' },
  { offered: [187, 187], negotiated: 187, who: 'pinned to 187' },
  { offered: [193, 193], negotiated: 193, who: 'pinned to 193' },
];

describe.each(CASES.map((c, i) => ({ ...c, clientId: 100 + i })))(
  'a client offering v$offered.0..$offered.1 ($who)',
  ({ offered, negotiated, clientId }) => {
    it(`speaks ${negotiated}: connects, trades, cancels and queries without a protocol error`, async () => {
      const c = new TestClient(gw.port, clientId, 1000, { min: offered[0], max: offered[1] });
      await c.connect();
      try {
        expect(c.api.serverVersion).toBe(negotiated);
        expect(c.named(EventName.managedAccounts)).toEqual([['DU1234567']]);
        expect(c.nextValidId).toBeGreaterThan(0);
        const logged = handshakes.filter((h) => h.offered === `v${offered[0]}..${offered[1]}`);
        expect(logged.at(-1)).toMatchObject({ accepted: true, version: negotiated, supported: 'v100..193' });

        // A market order fills.
        const ref = `v${negotiated}-${clientId}`;
        const mkt = c.place(stock('MSFT'), order('BUY', 10, 'MKT', { orderRef: `${ref}-mkt` }));
        await waitFor(() => c.statuses(mkt).includes('Filled'), 'market order filled');
        const [, , o, state] = c.named(EventName.openOrder).find((a) => a[0] === mkt) as [
          number,
          { symbol: string },
          { orderRef: string; totalQuantity: number },
          { status: string },
        ];
        expect(o).toMatchObject({ orderRef: `${ref}-mkt`, totalQuantity: 10 });
        expect(state.status).toBeDefined();
        await waitFor(() => c.named(EventName.commissionReport).length > 0, 'commission report');

        // A limit order away from the market rests, then is cancelled.
        const bid = gw.control.quote('MSFT').bid;
        const lmt = c.place(
          stock('MSFT'),
          order('BUY', 5, 'LMT', { lmtPrice: Number((bid - 5).toFixed(2)) }),
        );
        await waitFor(() => c.statuses(lmt).includes('Submitted'), 'limit order working');
        c.api.cancelOrder(lmt);
        await waitFor(() => c.statuses(lmt).includes('Cancelled'), 'limit order cancelled');

        // Executions, positions and account values.
        c.api.reqExecutions(7, { clientId: String(clientId) });
        await waitFor(() => c.named(EventName.execDetailsEnd).length > 0, 'execDetailsEnd');
        const execs = c.named(EventName.execDetails).filter((a) => a[0] === 7);
        expect(execs.length).toBeGreaterThan(0);
        expect(execs.map((a) => (a[2] as { orderId: number }).orderId)).toContain(mkt);

        c.api.reqPositions();
        await waitFor(() => c.named(EventName.positionEnd).length > 0, 'positionEnd');
        const msft = c
          .named(EventName.position)
          .find((a) => (a[1] as { symbol: string }).symbol === 'MSFT') as [string, unknown, number, number];
        expect(Number(msft[2])).toBeGreaterThanOrEqual(10);

        c.api.reqAccountSummary(8, 'All', 'NetLiquidation,TotalCashValue');
        await waitFor(() => c.named(EventName.accountSummaryEnd).length > 0, 'accountSummaryEnd');
        const tags = c.named(EventName.accountSummary).map((a) => a[2]);
        expect(tags).toEqual(expect.arrayContaining(['NetLiquidation', 'TotalCashValue']));

        c.api.reqAccountUpdates(true, 'DU1234567');
        await waitFor(() => c.named(EventName.accountDownloadEnd).length > 0, 'accountDownloadEnd');
        expect(c.named(EventName.updatePortfolio).length).toBeGreaterThan(0);
        c.api.reqAccountUpdates(false, 'DU1234567');

        c.api.reqCurrentTime();
        await waitFor(() => c.named(EventName.currentTime).length > 0, 'currentTime');
        expect(c.layoutProblems()).toEqual([]);
        expect(c.errors.filter((e) => e.code === 320 || e.code === 505 || e.code === 503)).toEqual([]);
      } finally {
        c.disconnect();
      }
    });
  },
);

describe('a client whose range does not overlap 100..193', () => {
  it.each([
    ['v194..200', '193'],
    ['v38..99', '100'],
  ])(
    'offering %s gets IB refusal: version %s (outside its range, which an IB client reports as 506 Unsupported Version), then the socket closes',
    async (range, announced) => {
      const raw = new RawClient(gw.port);
      await new Promise((r) => raw.socket.once('connect', r));
      raw.handshake(range);
      await waitFor(() => raw.closed, 'socket closed by the gateway');
      expect(raw.messages).toHaveLength(1);
      expect(raw.messages[0]?.[0]).toBe(announced);
      expect(handshakes.find((h) => h.offered === range)).toMatchObject({
        accepted: false,
        announced: Number(announced),
      });
    },
  );
});
