/**
 * Sessions follow the simulated clock in 'exchange' mode: nothing trades at the weekend,
 * outsideRth limit orders trade pre-market, everything trades from the open; and contract
 * details carry the trading hours of the clock's week, not fixed dates.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { EventName } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
let c: TestClient;

beforeAll(async () => {
  gw = await startPaperGateway({
    port: 0,
    controlPort: null,
    tickIntervalMs: 0,
    seed: 4,
    clockStart: '2026-03-07T16:00:00Z', // a Saturday
    tradingHours: 'exchange',
  });
  c = await new TestClient(gw.port, 1, 1000, { min: 100, max: 178 }).connect();
});

afterAll(async () => {
  c.disconnect();
  await gw.close();
  expect(c.layoutProblems()).toEqual([]);
});

describe('trading hours from the simulated clock', () => {
  it('holds orders at the weekend, fills outsideRth limits pre-market, and the rest from the open', async () => {
    expect(gw.control.clock().session).toBe('closed');
    const ask = gw.control.quote('SPY').ask;
    const limit = c.place(stock('SPY'), order('BUY', 10, 'LMT', { lmtPrice: ask + 1, outsideRth: true }));
    const market = c.place(stock('SPY'), order('BUY', 10, 'MKT'));
    await waitFor(
      () => c.statuses(limit).includes('PreSubmitted') && c.statuses(market).includes('PreSubmitted'),
      'held',
    );
    gw.control.step('SPY');
    expect(gw.control.orders().map((o) => o.status)).toEqual(['PreSubmitted', 'PreSubmitted']);

    // Monday 9 March 2026, 08:00 in New York (summer time began on the 8th): pre-market.
    expect(gw.control.setClock(Date.parse('2026-03-09T12:00:00Z')).session).toBe('pre-market');
    await waitFor(() => c.statuses(limit).includes('Filled'), 'outsideRth limit filled pre-market');
    expect(c.statuses(market)).not.toContain('Filled');

    expect(gw.control.setClock(Date.parse('2026-03-09T13:30:00Z')).session).toBe('regular');
    await waitFor(() => c.statuses(market).includes('Filled'), 'market order filled at the open');
  });

  it("gives contract details the trading hours of the clock's own week", async () => {
    c.api.reqContractDetails(5, stock('AAPL'));
    await waitFor(() => c.named(EventName.contractDetailsEnd).length > 0, 'details');
    const details = c.named(EventName.contractDetails)[0]?.[1] as {
      tradingHours: string;
      liquidHours: string;
      timeZoneId: string;
    };
    expect(details.timeZoneId).toBe('US/Eastern');
    expect(details.liquidHours.split(';').slice(0, 2)).toEqual([
      '20260309:0930-20260309:1600',
      '20260310:0930-20260310:1600',
    ]);
    expect(details.tradingHours.split(';')[5]).toBe('20260314:CLOSED');
  });
});
