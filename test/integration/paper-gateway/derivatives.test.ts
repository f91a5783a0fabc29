/**
 * Options, futures and forex at the paper gateway, through @stoqey/ib at server versions 176 and
 * 193: contract details for a partial contract (every match) and by conId (one), symbol search
 * with derivative types, quotes, fills with IB's contract fields and per-kind commissions, and
 * positions with IB's average cost per contract (price × multiplier).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, SecType, type Contract } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, TestClient, waitFor } from './harness.ts';

/** Wednesday 4 March 2026, 10:00 in New York. */
const CLOCK_START = '2026-03-04T15:00:00Z';

interface Details {
  contract: Contract & { localSymbol?: string; lastTradeDateOrContractMonth?: string };
  minTick?: number;
  underConId?: number;
  marketRuleIds?: string;
  minSize?: number;
  longName?: string;
}

describe.each([176, 193])('derivatives at server version %i', (version) => {
  let gw: PaperGateway;
  let c: TestClient;
  let reqId = 1000;

  beforeAll(async () => {
    gw = await startPaperGateway({
      port: 0,
      controlPort: null,
      tickIntervalMs: 0,
      seed: 5,
      clockStart: CLOCK_START,
    });
    c = await new TestClient(gw.port, 1, 1000, { min: 100, max: version }).connect();
  });

  afterAll(async () => {
    c.disconnect();
    await gw.close();
    expect(c.layoutProblems()).toEqual([]);
  });

  async function details(contract: Contract): Promise<Details[]> {
    const id = ++reqId;
    c.api.reqContractDetails(id, contract);
    await waitFor(
      () =>
        c.named(EventName.contractDetailsEnd).some((a) => a[0] === id) || c.errors.some((e) => e.id === id),
      `contract details ${id}`,
    );
    return c
      .named(EventName.contractDetails)
      .filter((a) => a[0] === id)
      .map((a) => a[1] as Details);
  }

  async function fill(contract: Contract, side: 'BUY' | 'SELL', quantity: number) {
    const id = c.place(contract, order(side, quantity, 'MKT', { orderRef: `t-${side}-${quantity}` }));
    await waitFor(() => c.statuses(id).includes('Filled'), `fill of ${id}`);
    const execution = c
      .named(EventName.execDetails)
      .find((a) => (a[2] as { orderId: number }).orderId === id) as [
      number,
      Contract & { localSymbol: string },
      { execId: string; price: number; shares: number },
    ];
    await waitFor(
      () =>
        c
          .named(EventName.commissionReport)
          .some((a) => (a[0] as { execId: string }).execId === execution[2].execId),
      'commission',
    );
    const commission = c
      .named(EventName.commissionReport)
      .map((a) => a[0] as { execId: string; commission: number; currency: string; realizedPNL?: number })
      .find((r) => r.execId === execution[2].execId)!;
    return { contract: execution[1], execution: execution[2], commission };
  }

  it('lists an option chain for a partial contract and one option by conId', async () => {
    const expiryChain = await details({
      symbol: 'AAPL',
      secType: SecType.OPT,
      exchange: 'SMART',
      currency: 'USD',
    });
    expect(expiryChain.length).toBe(7 * 21 * 2);
    const call = expiryChain.find((d) => d.contract.right === 'C' && d.contract.strike === 190)!;
    expect(call.contract.multiplier).toBe(100);
    expect(call.contract.localSymbol).toMatch(/^AAPL {2}\d{6}C00190000$/);
    expect(call.underConId).toBe(265598);
    const byConId = await details({ conId: call.contract.conId, exchange: 'SMART' });
    expect(byConId).toHaveLength(1);
    expect(byConId[0]?.contract.localSymbol).toBe(call.contract.localSymbol);
    const exact = await details({
      symbol: 'AAPL',
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: call.contract.lastTradeDateOrContractMonth,
      strike: 190,
      right: 'C' as never,
      exchange: 'SMART',
      currency: 'USD',
    });
    expect(exact.map((d) => d.contract.conId)).toEqual([call.contract.conId]);
  });

  it('lists the quarterly ES futures with IB conventions, and the forex pairs on IDEALPRO', async () => {
    const es = await details({ symbol: 'ES', secType: SecType.FUT, exchange: 'CME', currency: 'USD' });
    expect(es.map((d) => d.contract.localSymbol)).toEqual(['ESH6', 'ESM6', 'ESU6', 'ESZ6']);
    expect(es[0]).toMatchObject({ minTick: 0.25, contract: { multiplier: 50, exchange: 'CME' } });
    expect(es[0]?.contract.lastTradeDateOrContractMonth).toBe('20260320');
    const eur = await details({
      symbol: 'EUR',
      secType: SecType.CASH,
      exchange: 'IDEALPRO',
      currency: 'USD',
    });
    expect(eur).toHaveLength(1);
    expect(eur[0]?.contract).toMatchObject({ conId: 12087792, localSymbol: 'EUR.USD', currency: 'USD' });
    if (version >= 164) expect(eur[0]?.minSize).toBe(20000);
    const none = ++reqId;
    c.api.reqContractDetails(none, {
      symbol: 'ES',
      secType: SecType.FUT,
      lastTradeDateOrContractMonth: '203001',
    });
    await waitFor(() => c.errors.some((e) => e.id === none), 'unknown future');
    expect(c.errors.find((e) => e.id === none)?.code).toBe(200);
  });

  it('finds futures products and currencies by name, with their derivative types', async () => {
    const id = ++reqId;
    c.api.reqMatchingSymbols(id, 'E');
    await waitFor(() => c.named(EventName.symbolSamples).some((a) => a[0] === id), 'samples');
    const samples = c.named(EventName.symbolSamples).find((a) => a[0] === id)![1] as Array<{
      contract: Contract;
      derivativeSecTypes: string[];
    }>;
    const es = samples.find((s) => s.contract.symbol === 'ES');
    expect(es?.contract.secType).toBe('IND');
    expect(es?.derivativeSecTypes).toEqual(['FUT', 'FOP']);
    expect(samples.find((s) => s.contract.symbol === 'EUR')?.contract.secType).toBe('CASH');
  });

  it('quotes and fills an option, with the commission per contract and the cost per contract', async () => {
    const [call] = await details({
      symbol: 'MSFT',
      secType: SecType.OPT,
      strike: 410,
      right: 'C' as never,
      lastTradeDateOrContractMonth: '20260417',
      exchange: 'SMART',
      currency: 'USD',
    });
    expect(call).toBeDefined();
    const contract = { conId: call!.contract.conId, exchange: 'SMART' };
    const mkt = ++reqId;
    c.api.reqMktData(mkt, contract, '', true, false);
    await waitFor(() => c.named(EventName.tickSnapshotEnd).some((a) => a[0] === mkt), 'snapshot');
    const last = c.named(EventName.tickPrice).find((a) => a[0] === mkt && a[1] === 4)?.[2] as number;
    // At the money with six weeks to go: about 0.4 × 0.3 × 410 × √(44/365), a little over 17.
    expect(last).toBeGreaterThan(10);
    expect(last).toBeLessThan(25);
    const bought = await fill(contract, 'BUY', 3);
    expect(bought.contract).toMatchObject({ secType: 'OPT', symbol: 'MSFT', strike: 410, multiplier: 100 });
    expect(bought.commission.commission).toBeCloseTo(1.95, 6);
    c.api.reqPositions();
    await waitFor(() => c.named(EventName.positionEnd).length > 0, 'positions');
    const pos = c
      .named(EventName.position)
      .find((a) => (a[1] as Contract).conId === call!.contract.conId) as [string, Contract, number, number];
    expect(pos[2]).toBe(3);
    expect(pos[3]).toBeCloseTo(bought.execution.price * 100 + 1.95 / 3, 6);
    c.api.cancelPositions();
  });

  it('fills a future and a currency pair with their own commissions and P&L per point', async () => {
    const [es] = await details({
      symbol: 'ES',
      secType: SecType.FUT,
      lastTradeDateOrContractMonth: '202603',
      exchange: 'CME',
    });
    const future = { conId: es!.contract.conId, exchange: 'CME' };
    const opened = await fill(future, 'BUY', 2);
    expect(opened.contract).toMatchObject({
      secType: 'FUT',
      symbol: 'ES',
      localSymbol: 'ESH6',
      multiplier: 50,
    });
    expect(opened.commission.commission).toBeCloseTo(4.5, 6);
    gw.control.setPrice('ESH6', {
      last: opened.execution.price + 10,
      bid: opened.execution.price + 10,
      ask: opened.execution.price + 10.25,
    });
    const closed = await fill(future, 'SELL', 2);
    // 10 points × 2 contracts × 50, less the opening and closing commissions.
    expect(closed.commission.realizedPNL).toBeCloseTo(1000 - 9, 6);

    const eur = { symbol: 'EUR', secType: SecType.CASH, exchange: 'IDEALPRO', currency: 'USD' };
    const fx = await fill(eur, 'BUY', 25000);
    expect(fx.contract).toMatchObject({
      secType: 'CASH',
      symbol: 'EUR',
      currency: 'USD',
      localSymbol: 'EUR.USD',
    });
    // 0.2 bp of about 27,000 USD is under the 2 USD minimum.
    expect(fx.commission.commission).toBe(2);
    expect(fx.commission.currency).toBe('USD');
  });
});

describe('derivatives across a restart', () => {
  it('a restart on the state file keeps an option position with its contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-gateway-derivs-'));
    const stateFile = join(dir, 'state.json');
    const options = {
      port: 0,
      controlPort: null,
      tickIntervalMs: 0,
      seed: 5,
      clockStart: CLOCK_START,
      stateFile,
    };
    try {
      const first = await startPaperGateway(options);
      const c = await new TestClient(first.port, 4).connect();
      const put = {
        symbol: 'IBM',
        secType: SecType.OPT,
        lastTradeDateOrContractMonth: '20260320',
        strike: 195,
        right: 'P' as never,
        exchange: 'SMART',
        currency: 'USD',
      };
      const id = c.place(put, order('BUY', 4, 'MKT', { orderRef: 'persist-put' }));
      await waitFor(() => c.statuses(id).includes('Filled'), 'put filled');
      c.disconnect();
      await first.close();

      const second = await startPaperGateway(options);
      try {
        const again = await new TestClient(second.port, 4).connect();
        again.api.reqPositions();
        await waitFor(() => again.named(EventName.positionEnd).length > 0, 'positions');
        const [, contract, quantity] = again.named(EventName.position)[0] as [string, Contract, number];
        expect(contract).toMatchObject({
          secType: 'OPT',
          symbol: 'IBM',
          strike: 195,
          right: 'P',
          multiplier: 100,
        });
        expect(quantity).toBe(4);
        again.disconnect();
        expect(again.layoutProblems()).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
