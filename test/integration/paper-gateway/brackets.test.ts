/**
 * A bracket placed over the wire as IB's own sample places it (parent and take-profit with
 * transmit=false, the stop-loss with transmit=true, children with parentId), and OCA groups:
 * IB's status sequences, the children's parentId in openOrder, and the OCA outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventName } from './ib.ts';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { order, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
let c: TestClient;

beforeAll(async () => {
  gw = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, seed: 3 });
  c = await new TestClient(gw.port, 17).connect();
});

afterAll(async () => {
  c.disconnect();
  await gw.close();
});

function setLast(symbol: string, last: number) {
  gw.control.setPrice(symbol, {
    last,
    bid: Number((last - 0.01).toFixed(2)),
    ask: Number((last + 0.01).toFixed(2)),
    bidSize: 1000,
    askSize: 1000,
  });
}

/** parentId as the client decoded it from the child's last openOrder. */
function parentIdSeen(orderId: number): number | undefined {
  const open = c.named(EventName.openOrder).filter((a) => a[0] === orderId);
  return (open.at(-1)?.[2] as { parentId?: number } | undefined)?.parentId;
}

describe('a bracket over the wire', () => {
  it('holds the legs until the last is transmitted, then trades them as IB does', async () => {
    setLast('IBM', 200);
    const parent = c.place(stock('IBM'), order('BUY', 10, 'LMT', { lmtPrice: 199, transmit: false }));
    const takeProfit = c.place(
      stock('IBM'),
      order('SELL', 10, 'LMT', { lmtPrice: 205, parentId: parent, transmit: false }),
    );
    await waitFor(() => c.statuses(takeProfit).includes('Inactive'), 'the held take-profit');
    expect(c.statuses(parent)).toEqual(['PendingSubmit', 'Inactive']);
    setLast('IBM', 198); // held: nothing trades
    expect(gw.control.executions()).toEqual([]);

    const stopLoss = c.place(
      stock('IBM'),
      order('SELL', 10, 'STP', { auxPrice: 190, parentId: parent, transmit: true }),
    );
    await waitFor(() => c.statuses(stopLoss).includes('PreSubmitted'), 'the stop-loss');
    await waitFor(
      () => c.statuses(parent).includes('Filled'),
      'the entry fill (the market is under its limit)',
    );
    await waitFor(() => c.statuses(takeProfit).includes('Submitted'), 'the released take-profit');
    expect(parentIdSeen(takeProfit)).toBe(parent);
    expect(parentIdSeen(stopLoss)).toBe(parent);

    setLast('IBM', 205.5);
    await waitFor(() => c.statuses(takeProfit).includes('Filled'), 'the take-profit fill');
    await waitFor(() => c.statuses(stopLoss).includes('Cancelled'), 'the stop-loss cancelled');
    expect(c.errors.some((e) => e.id === stopLoss && e.code === 202)).toBe(true);
    expect(gw.control.positions().find((p) => p.symbol === 'IBM')?.quantity).toBe(0);
    expect(c.layoutProblems()).toEqual([]);
  });

  it('cancelling the parent cancels the legs', async () => {
    setLast('MSFT', 400);
    const parent = c.place(stock('MSFT'), order('BUY', 5, 'LMT', { lmtPrice: 390, transmit: false }));
    const tp = c.place(
      stock('MSFT'),
      order('SELL', 5, 'LMT', { lmtPrice: 410, parentId: parent, transmit: false }),
    );
    const sl = c.place(stock('MSFT'), order('SELL', 5, 'STP', { auxPrice: 380, parentId: parent }));
    await waitFor(() => c.statuses(parent).includes('Submitted'), 'the working entry');
    c.api.cancelOrder(parent);
    for (const id of [parent, tp, sl])
      await waitFor(() => c.statuses(id).includes('Cancelled'), `order ${id} cancelled`);
    expect(gw.control.executions().filter((e) => e.symbol === 'MSFT')).toEqual([]);
  });

  it('refuses a child whose parent is unknown', async () => {
    const id = c.place(stock('AAPL'), order('SELL', 1, 'LMT', { lmtPrice: 300, parentId: 999_999 }));
    await waitFor(() => c.errors.find((e) => e.id === id && e.code === 201), 'error 201');
    expect(c.errors.find((e) => e.id === id)?.message).toContain('Parent order 999999');
  });
});

describe('OCA groups over the wire', () => {
  it('type 1: the first fill cancels the other member', async () => {
    setLast('AMZN', 180);
    const a = c.place(
      stock('AMZN'),
      order('BUY', 3, 'LMT', { lmtPrice: 179, ocaGroup: 'oca-1', ocaType: 1 }),
    );
    const b = c.place(
      stock('AMZN'),
      order('BUY', 3, 'STP', { auxPrice: 185, ocaGroup: 'oca-1', ocaType: 1 }),
    );
    await waitFor(() => c.statuses(b).includes('PreSubmitted'), 'both working');
    setLast('AMZN', 178.5);
    await waitFor(() => c.statuses(a).includes('Filled'), 'the limit fill');
    await waitFor(() => c.statuses(b).includes('Cancelled'), 'the stop cancelled');
  });
});
