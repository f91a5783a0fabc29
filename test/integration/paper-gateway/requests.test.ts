/**
 * The requests popular clients send besides trading, served at the negotiated version (here
 * 176, an older ibapi's, and 193): the per-account "multi" subscriptions, P&L, historical bars
 * (from the same seeded path as the quotes, keepUpToDate included), symbol search, option
 * chains, market rules and head timestamps; and every request the gateway does not serve gets
 * an error on its own id at once.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { EventName, SecType } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, stock, TestClient, waitFor } from './harness.ts';

/** Wednesday 4 March 2026, 10:00 in New York: a regular session. */
const CLOCK_START = '2026-03-04T15:00:00Z';

describe.each([176, 193])('at server version %i', (version) => {
  let gw: PaperGateway;
  let c: TestClient;

  beforeAll(async () => {
    gw = await startPaperGateway({
      port: 0,
      controlPort: null,
      tickIntervalMs: 0,
      seed: 21,
      clockStart: CLOCK_START,
      tradingHours: 'exchange',
    });
    c = await new TestClient(gw.port, 1, 1000, { min: 100, max: version }).connect();
    expect(c.api.serverVersion).toBe(version);
    const id = c.place(stock('AAPL'), order('BUY', 20, 'MKT', { orderRef: 'seed-position' }));
    await waitFor(() => c.statuses(id).includes('Filled'), 'position opened');
  });

  afterAll(async () => {
    c.disconnect();
    await gw.close();
    expect(c.layoutProblems()).toEqual([]);
    expect(c.errors.filter((e) => e.code === 320)).toEqual([]);
  });

  it('serves reqAccountUpdatesMulti and reqPositionsMulti, and pushes changes after a fill', async () => {
    c.api.reqAccountUpdatesMulti(31, 'DU1234567', '', false);
    c.api.reqPositionsMulti(32, 'DU1234567', '');
    await waitFor(
      () =>
        c.named(EventName.accountUpdateMultiEnd).length > 0 && c.named(EventName.positionMultiEnd).length > 0,
      'both ends',
    );
    const keys = c.named(EventName.accountUpdateMulti).map((a) => a[3]);
    expect(keys).toEqual(expect.arrayContaining(['NetLiquidation', 'TotalCashValue']));
    const aapl = c.named(EventName.positionMulti).find((a) => (a[3] as { symbol: string }).symbol === 'AAPL');
    expect(aapl?.[0]).toBe(32);
    expect(Number(aapl?.[4])).toBe(20);
    const before = c.named(EventName.positionMulti).length;
    const id = c.place(stock('AAPL'), order('BUY', 5, 'MKT'));
    await waitFor(() => c.statuses(id).includes('Filled'), 'second fill');
    await waitFor(() => c.named(EventName.positionMulti).length > before, 'positionMulti pushed');
    expect(Number(c.named(EventName.positionMulti).at(-1)?.[4])).toBe(25);
    c.api.cancelPositionsMulti(32);
    c.api.cancelAccountUpdatesMulti(31);
  });

  it('serves reqPnL and reqPnLSingle with figures that follow the price', async () => {
    c.api.reqPnL(41, 'DU1234567', '');
    c.api.reqPnLSingle(42, 'DU1234567', '', 265598);
    await waitFor(() => c.named(EventName.pnl).length > 0 && c.named(EventName.pnlSingle).length > 0, 'pnl');
    const [, pos, , , , value] = c.named(EventName.pnlSingle).at(-1) as number[];
    expect(Number(pos)).toBe(25);
    const last = gw.control.quote('AAPL').last;
    expect(value).toBeCloseTo(25 * last, 2);
    const count = c.named(EventName.pnlSingle).length;
    gw.control.setPrice('AAPL', { last: Number((last + 2).toFixed(2)) });
    await waitFor(() => c.named(EventName.pnlSingle).length > count, 'pnlSingle after the move');
    const moved = c.named(EventName.pnlSingle).at(-1) as number[];
    expect(moved[5]).toBeCloseTo(25 * (last + 2), 2);
    const pnl = c.named(EventName.pnl).at(-1) as Array<number | undefined>;
    expect(pnl[0]).toBe(41);
    expect(typeof pnl[2]).toBe('number'); // unrealized (server version 129 on)
    c.api.cancelPnL(41);
    c.api.cancelPnLSingle(42);
  });

  it('serves historical bars that agree with the streamed quotes, and keepUpToDate bars', async () => {
    // One price step a minute for ten minutes, then ask for the last hour of 1-minute bars.
    const lasts: Array<{ minute: number; last: number }> = [];
    for (let i = 0; i < 10; i++) {
      gw.control.advanceClock(60_000);
      const [q] = gw.control.step('IBM');
      lasts.push({ minute: Math.floor(gw.control.clock().now / 60_000), last: q?.last as number });
    }
    c.api.reqHistoricalData(51, stock('IBM'), '', '3600 S', '1 min' as never, 'TRADES' as never, 1, 2, false);
    await waitFor(
      () => c.named(EventName.historicalData).some((a) => a[0] === 51 && String(a[1]).startsWith('finished')),
      'bars',
    );
    const bars = c
      .named(EventName.historicalData)
      .filter((a) => a[0] === 51 && !String(a[1]).startsWith('finished'))
      .map((a) => ({
        minute: Math.floor(Number(a[1]) / 60),
        close: a[5] as number,
        high: a[3] as number,
        low: a[4] as number,
      }));
    expect(bars.length).toBeGreaterThan(30);
    expect(
      lasts.map(({ minute }) => ({ minute, close: bars.find((b) => b.minute === minute)?.close })),
    ).toEqual(lasts.map(({ minute, last }) => ({ minute, close: last })));
    expect(bars.at(-1)?.close).toBe(gw.control.quote('IBM').last);
    for (const b of bars) expect(b.high).toBeGreaterThanOrEqual(b.low);

    c.api.reqHistoricalData(52, stock('IBM'), '', '1800 S', '1 min' as never, 'TRADES' as never, 1, 2, true);
    await waitFor(
      () => c.named(EventName.historicalData).some((a) => a[0] === 52 && String(a[1]).startsWith('finished')),
      'live bars',
    );
    gw.control.advanceClock(60_000);
    const [q] = gw.control.step('IBM');
    await waitFor(() => c.named(EventName.historicalDataUpdate).some((a) => a[0] === 52), 'bar update');
    const update = c.named(EventName.historicalDataUpdate).at(-1) as unknown[];
    expect(update[5]).toBe(q?.last); // close
    c.api.cancelHistoricalData(52);
  });

  it('refuses a bar size IB does not have, and a duration it cannot read, on the request id', async () => {
    c.api.reqHistoricalData(53, stock('IBM'), '', '1 D', '7 mins' as never, 'TRADES' as never, 1, 1, false);
    c.api.reqHistoricalData(
      54,
      stock('IBM'),
      '',
      'forever',
      '1 min' as never,
      'TRADES' as never,
      1,
      1,
      false,
    );
    await waitFor(() => c.errors.some((e) => e.id === 53) && c.errors.some((e) => e.id === 54), 'errors');
    expect(c.errors.find((e) => e.id === 53)?.code).toBe(321);
    expect(c.errors.find((e) => e.id === 54)?.message).toMatch(/duration/);
  });

  it('serves reqMatchingSymbols, reqSecDefOptParams, reqMarketRule and reqHeadTimestamp', async () => {
    c.api.reqMatchingSymbols(61, 'MS');
    c.api.reqSecDefOptParams(62, 'AAPL', '', SecType.STK, 265598);
    c.api.reqMarketRule(26);
    c.api.reqHeadTimestamp(63, stock('AAPL'), 'TRADES' as never, true, 1);
    await waitFor(
      () =>
        c.named(EventName.symbolSamples).length > 0 &&
        c.named(EventName.securityDefinitionOptionParameterEnd).length > 0 &&
        c.named(EventName.marketRule).length > 0 &&
        c.named(EventName.headTimestamp).length > 0,
      'reference data',
    );
    const [, samples] = c.named(EventName.symbolSamples)[0] as [
      number,
      Array<{ contract: { symbol: string } }>,
    ];
    expect(samples.map((s) => s.contract.symbol)).toContain('MSFT');
    const chain = c.named(EventName.securityDefinitionOptionParameter)[0] as unknown[];
    expect(chain.slice(0, 4)).toEqual([62, 'SMART', 265598, 'AAPL']);
    expect((chain[5] as string[]).length).toBeGreaterThanOrEqual(4);
    expect((chain[6] as number[]).length).toBe(21);
    expect(c.named(EventName.marketRule)[0]).toEqual([26, [{ lowEdge: 0, increment: 0.01 }]]);
    expect(c.named(EventName.headTimestamp)[0]).toEqual([63, '20040102-14:30:00']);
  });

  it('answers every request it does not serve with an error on that request id, before the next reply', async () => {
    const contract = stock('AAPL');
    const asked: Array<[number, () => unknown]> = [
      [71, () => c.api.reqFundamentalData(71, contract, 'ReportSnapshot')],
      [72, () => c.api.reqMktDepth(72, contract, 5, false)],
      [73, () => c.api.reqRealTimeBars(73, contract, 5, 'TRADES' as never, true)],
      [
        74,
        () =>
          c.api.reqHistoricalTicks(74, contract, '20260304 10:00:00', null, 10, 'TRADES' as never, 1, false),
      ],
      [75, () => c.api.reqTickByTickData(75, contract, 'Last' as never, 0, false)],
      [76, () => c.api.reqNewsArticle(76, 'BRFG', 'x')],
      [77, () => c.api.reqHistoricalNews(77, 265598, 'BRFG', '', '', 5)],
      [78, () => c.api.reqSoftDollarTiers(78)],
      [79, () => c.api.reqSmartComponents(79, 'a6')],
      [80, () => c.api.calculateImpliedVolatility(80, contract, 1, 190)],
      [81, () => c.api.calculateOptionPrice(81, contract, 0.2, 190)],
      [82, () => c.api.queryDisplayGroups(82)],
      [
        83,
        () =>
          c.api.reqScannerSubscription(83, {
            instrument: 'STK',
            locationCode: 'STK.US',
            scanCode: 'TOP_PERC_GAIN',
          } as never),
      ],
      [84, () => c.api.reqHistogramData(84, contract, true, 1, 'W' as never)],
      [85, () => c.api.reqWshMetaData(85)],
      [86, () => c.api.reqUserInfo(86)],
      [87, () => c.api.subscribeToGroupEvents(87, 1)],
    ];
    const before = c.named(EventName.currentTime).length;
    for (const [, ask] of asked) ask();
    c.api.reqCurrentTime();
    await waitFor(() => c.named(EventName.currentTime).length > before, 'currentTime after the requests');
    for (const [reqId] of asked) {
      const error = c.errors.find((e) => e.id === reqId);
      expect({ reqId, code: error?.code }).toEqual({ reqId, code: 321 });
      expect(error?.message).toMatch(/does not serve/);
    }
  });
});
