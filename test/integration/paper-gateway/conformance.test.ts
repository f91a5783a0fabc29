/**
 * Conformance: @stoqey/ib (IBApi events and IBApiNext) drives every message the gateway
 * supports over a real socket, and the client never reports a layout problem.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import {
  EventName,
  MarketDataType,
  TickType,
  type AccountPositionsUpdate,
  type AccountSummariesUpdate,
} from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { firstMatching, nextClient, order, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
const clients: TestClient[] = [];

async function client(clientId: number): Promise<TestClient> {
  const c = await new TestClient(gw.port, clientId).connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  gw = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, seed: 7 });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await gw.close();
  for (const c of clients) expect(c.layoutProblems()).toEqual([]);
});

describe('connection start-up', () => {
  it('answers the handshake with server version 193, then managedAccounts, nextValidId and farm notices', async () => {
    const c = await client(1);
    expect(c.api.serverVersion).toBe(193);
    expect(c.named(EventName.managedAccounts)).toEqual([['DU1234567']]);
    expect(c.nextValidId).toBe(1);
    await waitFor(() => c.infos.some((i) => i.code === 2158), 'farm notices');
    expect(c.infos.map((i) => i.code)).toEqual(expect.arrayContaining([2104, 2106, 2158]));
  });

  it('serves reqIds, reqCurrentTime and reqManagedAccts', async () => {
    const c = await client(2);
    const before = Math.floor(Date.now() / 1000);
    c.api.reqCurrentTime();
    c.api.reqIds(1);
    c.api.reqManagedAccts();
    await waitFor(
      () => c.named(EventName.currentTime).length > 0 && c.named(EventName.managedAccounts).length > 1,
      'replies',
    );
    const time = c.named(EventName.currentTime)[0]?.[0] as number;
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    await waitFor(() => c.named(EventName.nextValidId).length >= 2, 'reqIds reply');
  });

  it('gives a duplicate client id error 326 and disconnects only the newcomer', async () => {
    const first = await client(3);
    const dup = new TestClient(gw.port, 3);
    dup.api.connect();
    await waitFor(() => dup.infos.some((i) => i.code === 326), 'error 326');
    await waitFor(() => !dup.connected, 'newcomer disconnected');
    expect(dup.nextValidId).toBe(-1);
    first.api.reqCurrentTime();
    await waitFor(() => first.named(EventName.currentTime).length > 0, 'first client still served');
    expect(dup.layoutProblems()).toEqual([]);
  });
});

describe('orders', () => {
  it('reports a filled market order with openOrder, orderStatus, execDetails and commissionReport', async () => {
    const c = await client(10);
    const id = c.place(stock('AAPL'), order('BUY', 100, 'MKT', { orderRef: 'conf-1' }));
    await waitFor(() => c.named(EventName.commissionReport).length > 0, 'commission report');
    expect(c.statuses(id)).toEqual(['PendingSubmit', 'PreSubmitted', 'Submitted', 'Filled', 'Filled']);
    const [, contract, o, state] = c.named(EventName.openOrder).at(-1) as [
      number,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(contract).toMatchObject({ symbol: 'AAPL', conId: 265598, secType: 'STK' });
    expect(o).toMatchObject({
      orderId: id,
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'MKT',
      orderRef: 'conf-1',
      clientId: 10,
      account: 'DU1234567',
    });
    expect(state).toMatchObject({ status: 'Filled', commissionCurrency: 'USD' });
    const [reqId, , exec] = c.named(EventName.execDetails)[0] as [number, unknown, Record<string, unknown>];
    expect(reqId).toBe(-1);
    expect(exec).toMatchObject({
      orderId: id,
      shares: 100,
      side: 'BOT',
      clientId: 10,
      orderRef: 'conf-1',
      acctNumber: 'DU1234567',
    });
    expect(exec.execId).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{8}\.01\.01$/);
    expect(exec.permId).toBe(o.permId);
    const [report] = c.named(EventName.commissionReport)[0] as [Record<string, unknown>];
    expect(report).toMatchObject({ execId: exec.execId, commission: 1, currency: 'USD' });
    expect(report.realizedPNL).toBeUndefined();
  });

  it('modifies a working order by re-placing its id, cancels it, and answers reqOpenOrders', async () => {
    const c = await client(11);
    const bid = gw.control.quote('MSFT').bid;
    const o = order('BUY', 10, 'LMT', { lmtPrice: bid - 5, orderRef: 'conf-mod' });
    const id = c.place(stock('MSFT'), o);
    await waitFor(() => c.statuses(id).includes('Submitted'), 'submitted');
    c.api.placeOrder(id, stock('MSFT'), { ...o, lmtPrice: bid - 4, totalQuantity: 20 });
    await waitFor(
      () =>
        c
          .named(EventName.openOrder)
          .some((a) => a[0] === id && (a[2] as { totalQuantity: number }).totalQuantity === 20),
      'modified openOrder',
    );
    expect(gw.control.placementsByOrderRef()['conf-mod']).toEqual({ placed: 1, modified: 1 });
    c.api.reqOpenOrders();
    await waitFor(() => c.named(EventName.openOrderEnd).length > 0, 'openOrderEnd');
    c.api.cancelOrder(id);
    await waitFor(() => c.statuses(id).includes('Cancelled'), 'cancelled');
    expect(c.statuses(id).slice(-2)).toEqual(['PendingCancel', 'Cancelled']);
    expect(c.errors.some((e) => e.code === 202 && e.id === id)).toBe(true);
  });

  it('cancels every working order on reqGlobalCancel', async () => {
    const c = await client(12);
    const px = gw.control.quote('IBM').bid - 10;
    const ids = [
      c.place(stock('IBM'), order('BUY', 5, 'LMT', { lmtPrice: px })),
      c.place(stock('IBM'), order('BUY', 5, 'LMT', { lmtPrice: px - 1 })),
    ];
    await waitFor(() => ids.every((id) => c.statuses(id).includes('Submitted')), 'both submitted');
    c.api.reqGlobalCancel();
    await waitFor(() => ids.every((id) => c.statuses(id).includes('Cancelled')), 'both cancelled');
  });

  it('rejects an unknown symbol with 200 and a bad price with 201 and a reason', async () => {
    const c = await client(13);
    const unknown = c.place(stock('NOPE'), order('BUY', 1, 'MKT'));
    const badPrice = c.place(stock('AAPL'), order('BUY', 1, 'LMT', { lmtPrice: 100.123 }));
    const badSize = c.place(stock('AAPL'), order('BUY', 0, 'MKT'));
    await waitFor(() => c.errors.filter((e) => e.id === badSize).length > 0, 'size rejection');
    expect(c.errors.find((e) => e.id === unknown)).toMatchObject({ code: 200 });
    expect(c.errors.find((e) => e.id === badPrice)?.message).toMatch(
      /^Order rejected - reason:.*minimum price variation/,
    );
    expect(c.errors.find((e) => e.id === badSize)?.message).toMatch(/reason:Invalid order size/);
    await waitFor(() => c.statuses(badSize).includes('Inactive'), 'Inactive status');
  });

  it('refuses features it does not simulate with a clear reason', async () => {
    const c = await client(14);
    const id = c.place(
      stock('AAPL'),
      order('BUY', 1, 'MKT', {
        algoStrategy: 'Adaptive',
        algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
      }),
    );
    await waitFor(() => c.errors.some((e) => e.id === id), 'rejection');
    expect(c.errors.find((e) => e.id === id)).toMatchObject({ code: 201 });
    expect(c.errors.find((e) => e.id === id)?.message).toContain('does not simulate algo strategy Adaptive');
  });

  it('reports duplicate order ids with 103', async () => {
    const c = await client(15);
    const id = c.place(stock('AAPL'), order('BUY', 1, 'MKT'));
    await waitFor(() => c.statuses(id).includes('Filled'), 'filled');
    c.api.placeOrder(id - 0, stock('AAPL'), order('BUY', 1, 'MKT'));
    c.api.placeOrder(id + 5, stock('AAPL'), order('BUY', 1, 'MKT'));
    c.api.placeOrder(id + 2, stock('AAPL'), order('BUY', 1, 'MKT'));
    await waitFor(() => c.errors.some((e) => e.id === id + 2), 'lower id refused');
    expect(c.errors.find((e) => e.id === id)?.code).toBe(103);
    expect(c.errors.find((e) => e.id === id + 2)).toMatchObject({ code: 103, message: 'Duplicate order id' });
  });
});

describe('requests', () => {
  it('replays executions with filters and commission reports, and lists completed orders', async () => {
    const c = await client(20);
    const buy = c.place(stock('NVDA'), order('BUY', 50, 'MKT', { orderRef: 'exec-a' }));
    const sell = c.place(stock('NVDA'), order('SELL', 20, 'MKT', { orderRef: 'exec-b' }));
    await waitFor(
      () => c.statuses(buy).includes('Filled') && c.statuses(sell).includes('Filled'),
      'both filled',
    );
    const mine = gw.control.executions().filter((e) => e.clientId === 20);
    c.api.reqExecutions(501, { clientId: '20', symbol: 'NVDA', side: 'SELL' });
    c.api.reqExecutions(502, { clientId: '20' });
    await waitFor(
      () => c.named(EventName.execDetailsEnd).filter((a) => a[0] === 502).length > 0,
      'execDetailsEnd',
    );
    const byReq = (reqId: number) =>
      c
        .named(EventName.execDetails)
        .filter((a) => a[0] === reqId)
        .map((a) => (a[2] as { execId: string }).execId);
    expect(byReq(501)).toEqual(mine.filter((e) => e.side === 'SLD').map((e) => e.execId));
    expect(byReq(502)).toEqual(mine.map((e) => e.execId));
    c.api.reqCompletedOrders(true);
    await waitFor(() => c.named(EventName.completedOrdersEnd).length > 0, 'completedOrdersEnd');
    const refs = c.named(EventName.completedOrder).map((a) => (a[1] as { orderRef: string }).orderRef);
    expect(refs).toEqual(expect.arrayContaining(['exec-a', 'exec-b']));
  });

  it('answers reqPositions, reqAccountSummary, reqAccountUpdates and reqContractDetails', async () => {
    const c = await client(21);
    c.api.reqPositions();
    await waitFor(() => c.named(EventName.positionEnd).length > 0, 'positionEnd');
    for (const [account, contract, pos, avg] of c.named(EventName.position) as Array<
      [string, { symbol: string }, number, number]
    >) {
      const expected = gw.control.positions().find((p) => p.symbol === contract.symbol);
      expect({ account, pos, avg }).toEqual({
        account: 'DU1234567',
        pos: expected?.quantity,
        avg: expected?.avgCost,
      });
    }
    c.api.reqAccountSummary(7, 'All', 'NetLiquidation,TotalCashValue,BuyingPower,$LEDGER');
    await waitFor(() => c.named(EventName.accountSummaryEnd).length > 0, 'accountSummaryEnd');
    const tags = c.named(EventName.accountSummary).map((a) => a[2]);
    expect(tags).toEqual(
      expect.arrayContaining(['NetLiquidation', 'TotalCashValue', 'BuyingPower', 'RealizedPnL']),
    );
    c.api.reqAccountUpdates(true, 'DU1234567');
    await waitFor(() => c.named(EventName.accountDownloadEnd).length > 0, 'accountDownloadEnd');
    c.api.reqContractDetails(8, stock('AAPL'));
    c.api.reqContractDetails(9, stock('ZZZZ'));
    await waitFor(
      () => c.named(EventName.contractDetailsEnd).length > 0 && c.errors.some((e) => e.id === 9),
      'contract details',
    );
    const [, details] = c.named(EventName.contractDetails)[0] as [
      number,
      { contract: { conId: number }; minTick: number; longName: string },
    ];
    expect(details.contract.conId).toBe(265598);
    expect(details.minTick).toBe(0.01);
    expect(details.longName).toBe('APPLE INC');
    expect(c.errors.find((e) => e.id === 9)?.code).toBe(200);
  });

  it('streams market data, serves snapshots, and switches to delayed ticks on reqMarketDataType', async () => {
    const c = await client(22);
    c.api.reqMktData(31, stock('SPY'), '', false, false);
    await waitFor(
      () => c.named(EventName.tickPrice).some((a) => a[0] === 31 && a[1] === TickType.ASK),
      'initial ticks',
    );
    gw.control.setPrice('SPY', { bid: 551.1, ask: 551.12, last: 551.11 });
    await waitFor(
      () => c.named(EventName.tickPrice).some((a) => a[0] === 31 && a[1] === TickType.BID && a[2] === 551.1),
      'streamed bid',
    );
    expect(c.named(EventName.tickSize).some((a) => a[0] === 31 && a[1] === TickType.BID_SIZE)).toBe(true);
    c.api.cancelMktData(31);
    c.api.reqMktData(32, stock('SPY'), '', true, false);
    await waitFor(() => c.named(EventName.tickSnapshotEnd).some((a) => a[0] === 32), 'snapshot end');
    c.api.reqMarketDataType(MarketDataType.DELAYED);
    c.api.reqMktData(33, stock('SPY'), '', true, false);
    await waitFor(() => c.named(EventName.tickSnapshotEnd).some((a) => a[0] === 33), 'delayed snapshot end');
    expect(c.named(EventName.tickPrice).some((a) => a[0] === 33 && a[1] === TickType.DELAYED_LAST)).toBe(
      true,
    );
    expect(
      c.named(EventName.marketDataType).some((a) => a[0] === 33 && a[1] === MarketDataType.DELAYED),
    ).toBe(true);
  });

  it('binds manual orders to client 0 with reqAutoOpenOrders and lists them with reqAllOpenOrders', async () => {
    const c0 = await client(0);
    c0.api.reqAutoOpenOrders(true);
    await waitFor(() => c0.events.length > 0, 'events');
    const px = gw.control.quote('AMZN').bid - 20;
    const { permId } = gw.control.enterManualOrder({
      symbol: 'AMZN',
      action: 'BUY',
      quantity: 10,
      lmtPrice: Number(px.toFixed(2)),
    });
    await waitFor(
      () => c0.named(EventName.openOrder).some((a) => (a[2] as { permId: number }).permId === permId),
      'manual openOrder',
    );
    const [orderId] = c0
      .named(EventName.openOrder)
      .find((a) => (a[2] as { permId: number }).permId === permId) as [number];
    expect(orderId).toBe(0);
    const other = await client(23);
    other.api.reqAllOpenOrders();
    await waitFor(() => other.named(EventName.openOrderEnd).length > 0, 'openOrderEnd');
    expect(other.named(EventName.openOrder).some((a) => (a[2] as { permId: number }).permId === permId)).toBe(
      true,
    );
    other.api.reqAutoOpenOrders(true);
    await waitFor(() => other.infos.some((i) => i.code === 321), 'only client 0 may bind');
  });
});

describe('IBApiNext', () => {
  it('connects, reads time, accounts, contract details, snapshots, positions, summaries, open orders and executions', async () => {
    const { api, logged } = nextClient(gw.port);
    api.connect(40);
    try {
      const time = await api.getCurrentTime();
      expect(time).toBeGreaterThan(1_600_000_000);
      expect(await api.getManagedAccounts()).toEqual(['DU1234567']);
      const details = await api.getContractDetails(stock('MSFT'));
      expect(details[0]?.contract.conId).toBe(272093);
      const snapshot = await api.getMarketDataSnapshot(stock('MSFT'), '', false);
      expect(snapshot.get(TickType.BID)?.value).toBe(gw.control.quote('MSFT').bid);
      const id = await api.getNextValidOrderId();
      api.placeOrder(id, stock('MSFT'), order('BUY', 3, 'MKT', { orderRef: 'next-1' }));
      await waitFor(
        () => gw.control.orders().find((o) => o.orderRef === 'next-1')?.status === 'Filled',
        'filled',
      );
      const executions = await api.getExecutionDetails({ clientId: '40' });
      expect(executions.map((e) => e.execution.orderRef)).toContain('next-1');
      const positions = await firstMatching<AccountPositionsUpdate>(
        api.getPositions(),
        (u) => (u.all.get('DU1234567')?.length ?? 0) > 0,
      );
      expect(positions.all.get('DU1234567')?.some((p) => p.contract.symbol === 'MSFT')).toBe(true);
      const summary = await firstMatching<AccountSummariesUpdate>(
        api.getAccountSummary('All', 'NetLiquidation'),
        (u) => u.all.size > 0,
      );
      expect(summary.all.get('DU1234567')?.get('NetLiquidation')?.get('USD')?.value).toBeDefined();
      const working = await api.getAllOpenOrders();
      expect(Array.isArray(working)).toBe(true);
    } finally {
      api.disconnect();
    }
    expect(logged.filter((l) => /underrun|unprocessed|decod/i.test(l))).toEqual([]);
  });
});
