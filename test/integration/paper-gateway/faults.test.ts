/**
 * Every fault the control interface injects, and what a real @stoqey/ib client sees.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { EventName } from './ib.ts';
import { nextClient, order, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
const clients: TestClient[] = [];

async function client(clientId: number): Promise<TestClient> {
  const c = await new TestClient(gw.port, clientId).connect();
  clients.push(c);
  return c;
}

function farLimit(symbol: string, side: 'BUY' | 'SELL'): number {
  const q = gw.control.quote(symbol);
  return Number((side === 'BUY' ? q.bid - 5 : q.ask + 5).toFixed(2));
}

beforeAll(async () => {
  gw = await startPaperGateway({ port: 0, controlPort: 0, tickIntervalMs: 0, seed: 11 });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await gw.close();
  for (const c of clients) expect(c.layoutProblems()).toEqual([]);
});

describe('faults', () => {
  it('drop connection: the client is disconnected, its order keeps working and fills, and a reconnect replays it', async () => {
    const c = await client(1);
    const px = farLimit('AAPL', 'BUY');
    const id = c.place(
      stock('AAPL'),
      order('BUY', 100, 'LMT', { lmtPrice: px, tif: 'GTC', orderRef: 'drop-1' }),
    );
    await waitFor(() => c.statuses(id).includes('Submitted'), 'submitted');
    expect(gw.control.dropConnections(1)).toBe(1);
    await waitFor(() => !c.connected, 'client sees the disconnect');
    gw.control.setPrice('AAPL', { bid: px - 0.02, ask: px, last: px - 0.01 });
    expect(gw.control.orders().find((o) => o.orderRef === 'drop-1')?.status).toBe('Filled');

    const again = await client(1);
    again.api.reqOpenOrders();
    again.api.reqExecutions(77, { clientId: '1' });
    await waitFor(
      () =>
        again.named(EventName.execDetailsEnd).length > 0 && again.named(EventName.openOrderEnd).length > 0,
      'replay',
    );
    const replayed = again
      .named(EventName.execDetails)
      .filter((a) => a[0] === 77)
      .map((a) => a[2] as { orderId: number; orderRef: string; shares: number });
    expect(replayed).toEqual([expect.objectContaining({ orderId: id, orderRef: 'drop-1', shares: 100 })]);
    expect(again.named(EventName.commissionReport).length).toBe(1);
    // Filled orders are no longer open; reqCompletedOrders has it instead.
    expect(again.named(EventName.openOrder).some((a) => a[0] === id)).toBe(false);
  });

  it('connectivity lost then restored with data kept (1100 → 1102): fills in between show only on reqExecutions', async () => {
    const c = await client(2);
    c.api.reqMktData(1, stock('MSFT'), '', false, false);
    const px = farLimit('MSFT', 'SELL');
    const id = c.place(stock('MSFT'), order('SELL', 10, 'LMT', { lmtPrice: px, tif: 'GTC' }));
    await waitFor(() => c.statuses(id).includes('Submitted'), 'submitted');
    gw.control.connectivityLost();
    await waitFor(() => c.infos.some((i) => i.code === 1100), '1100');
    gw.control.setPrice('MSFT', { bid: px, ask: px + 0.02, last: px + 0.01 });
    gw.control.connectivityRestored(false);
    await waitFor(() => c.infos.some((i) => i.code === 1102), '1102');
    expect(c.named(EventName.execDetails)).toEqual([]);
    expect(c.statuses(id)).not.toContain('Filled');
    c.api.reqExecutions(5, {});
    await waitFor(() => c.named(EventName.execDetailsEnd).length > 0, 'execDetailsEnd');
    expect(c.named(EventName.execDetails).map((a) => (a[2] as { orderId: number }).orderId)).toContain(id);
    // Data maintained: the market data subscription still streams.
    const before = c.named(EventName.tickPrice).length;
    gw.control.step('MSFT');
    await waitFor(() => c.named(EventName.tickPrice).length > before, 'ticks after 1102');
  });

  it('connectivity restored with data lost (1101): market data subscriptions are gone', async () => {
    const c = await client(3);
    c.api.reqMktData(9, stock('IBM'), '', false, false);
    await waitFor(() => c.named(EventName.tickPrice).length > 0, 'ticks');
    gw.control.connectivityLost();
    gw.control.connectivityRestored(true);
    await waitFor(() => c.infos.some((i) => i.code === 1101), '1101');
    const before = c.named(EventName.tickPrice).length;
    gw.control.step('IBM', 3);
    c.api.reqCurrentTime();
    await waitFor(() => c.named(EventName.currentTime).length > 0, 'round trip after the step');
    expect(c.named(EventName.tickPrice).length).toBe(before);
  });

  it('restart: every socket drops, the gateway comes back on the same port with a lower nextValidId, and reusing an old id gives 103', async () => {
    const c = await client(4);
    const first = c.place(stock('SPY'), order('BUY', 1, 'MKT'));
    const second = c.place(stock('SPY'), order('BUY', 1, 'MKT'));
    await waitFor(() => c.statuses(second).includes('Filled'), 'filled');
    const port = gw.port;
    await gw.control.restart({ nextValidId: first });
    await waitFor(() => !c.connected, 'dropped by the restart');
    expect(gw.port).toBe(port);
    const back = await client(4);
    expect(back.nextValidId).toBe(first);
    back.api.placeOrder(first + 1, stock('SPY'), order('BUY', 1, 'MKT'));
    await waitFor(() => back.errors.some((e) => e.id === first + 1), 'error for the reused id');
    expect(back.errors.find((e) => e.id === first + 1)?.code).toBe(103);
  });

  it('restart seen by IBApiNext: the connection state drops and comes back by itself with reconnectInterval', async () => {
    const { api, logged } = nextClient(gw.port, 100);
    const states: number[] = [];
    const sub = api.connectionState.subscribe((s) => states.push(s));
    api.connect(30);
    try {
      await waitFor(() => api.isConnected, 'connected');
      await gw.control.restart({ downMs: 50 });
      await waitFor(() => states.lastIndexOf(0) > states.indexOf(2), 'disconnected by the restart');
      await waitFor(() => api.isConnected, 'reconnected', 10_000);
      expect(await api.getCurrentTime()).toBeGreaterThan(1_600_000_000);
    } finally {
      sub.unsubscribe();
      api.disconnect();
    }
    expect(logged.filter((l) => /underrun|unprocessed|decod/i.test(l))).toEqual([]);
  });

  it('omitted orderStatus: the fill is visible only through execDetails and commissionReport', async () => {
    const c = await client(5);
    gw.control.omitOrderStatus(1);
    const id = c.place(stock('NVDA'), order('BUY', 10, 'MKT', { orderRef: 'omit-1' }));
    const control = c.place(stock('NVDA'), order('BUY', 10, 'MKT'));
    await waitFor(
      () => c.statuses(control).includes('Filled') && c.named(EventName.commissionReport).length >= 2,
      'both reported',
    );
    expect(c.statuses(id)).toEqual([]);
    expect(c.named(EventName.openOrder).some((a) => a[0] === id)).toBe(false);
    expect(c.named(EventName.execDetails).some((a) => (a[2] as { orderId: number }).orderId === id)).toBe(
      true,
    );
    expect(gw.control.orders().find((o) => o.orderRef === 'omit-1')?.status).toBe('Filled');
  });

  it('delayed orderStatus: execDetails arrives first, the statuses later', async () => {
    const c = await client(6);
    gw.control.delayOrderStatus(1, 150);
    const id = c.place(stock('AMZN'), order('BUY', 10, 'MKT'));
    await waitFor(
      () => c.named(EventName.execDetails).some((a) => (a[2] as { orderId: number }).orderId === id),
      'execDetails',
    );
    expect(c.statuses(id)).toEqual([]);
    await waitFor(() => c.statuses(id).includes('Filled'), 'late statuses');
    expect(c.statuses(id)).toEqual(['PendingSubmit', 'PreSubmitted', 'Submitted', 'Filled', 'Filled']);
  });

  it('rejected next order: error with the chosen code and reason, then Inactive', async () => {
    const c = await client(7);
    gw.control.rejectNextOrder(201, 'Insufficient buying power');
    const id = c.place(stock('AAPL'), order('BUY', 10, 'MKT'));
    await waitFor(() => c.statuses(id).includes('Inactive'), 'Inactive');
    expect(c.errors.find((e) => e.id === id)).toMatchObject({
      code: 201,
      message: 'Order rejected - reason:Insufficient buying power',
    });
    const next = c.place(stock('AAPL'), order('BUY', 10, 'MKT'));
    await waitFor(() => c.statuses(next).includes('Filled'), 'the following order is unaffected');
  });

  it('fill while pending cancel: PendingCancel, then a fill and Filled, and the cancel is refused with 10148', async () => {
    const c = await client(8);
    const px = farLimit('TSLA', 'BUY');
    const id = c.place(stock('TSLA'), order('BUY', 10, 'LMT', { lmtPrice: px }));
    await waitFor(() => c.statuses(id).includes('Submitted'), 'submitted');
    gw.control.fillWhilePendingCancel();
    c.api.cancelOrder(id);
    await waitFor(() => c.errors.some((e) => e.id === id && e.code === 10148), '10148');
    expect(c.statuses(id).slice(-3)).toEqual(['PendingCancel', 'Filled', 'Filled']);
    expect(c.errors.some((e) => e.id === id && e.code === 202)).toBe(false);
    const exec = c
      .named(EventName.execDetails)
      .find((a) => (a[2] as { orderId: number }).orderId === id)?.[2] as { price: number };
    expect(exec.price).toBe(px);
  });

  it('manual order: orderId 0, known by permId, its fills reported to client 0 and on reqExecutions', async () => {
    const c0 = await client(0);
    c0.api.reqAutoOpenOrders(true);
    c0.api.reqCurrentTime();
    await waitFor(() => c0.named(EventName.currentTime).length > 0, 'bound');
    const { permId } = gw.control.enterManualOrder({ symbol: 'GOOGL', action: 'SELL', quantity: 5 });
    await waitFor(() => c0.named(EventName.execDetails).length > 0, 'manual execDetails');
    const exec = c0.named(EventName.execDetails)[0]?.[2] as { orderId: number; permId: number };
    expect(exec).toMatchObject({ orderId: 0, permId });
    expect(
      c0
        .named(EventName.orderStatus)
        .filter((a) => a[5] === permId)
        .map((a) => [a[0], a[1]])
        .at(-1),
    ).toEqual([0, 'Filled']);
    const other = await client(9);
    other.api.reqExecutions(3, {});
    await waitFor(() => other.named(EventName.execDetailsEnd).length > 0, 'replay');
    expect(
      other
        .named(EventName.execDetails)
        .some((a) => (a[2] as { permId: number; orderId: number }).permId === permId),
    ).toBe(true);
  });

  it('pacing: more than 50 messages in one second from one client gets error 100, counted per client', async () => {
    const c = await client(10);
    for (let i = 0; i < 70; i++) c.api.reqCurrentTime();
    await waitFor(() => c.infos.some((i) => i.code === 100), 'error 100');
    expect(c.infos.find((i) => i.code === 100)?.message).toMatch(
      /^Max rate of messages per second has been exceeded:max=50 rec=\d+/,
    );
    expect(gw.control.pacingViolations()[10]).toBeGreaterThan(0);
    expect(gw.control.pacingViolations()[1]).toBeUndefined();
  });

  it('exposes the same operations over HTTP on 127.0.0.1', async () => {
    const base = `http://127.0.0.1:${gw.controlPort}`;
    const headers = { authorization: `Bearer ${gw.controlToken}` };
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: 'POST', body: JSON.stringify(body), headers });
    const get = (path: string) => fetch(base + path, { headers });
    const c = await client(11);
    expect((await post('/reject-next-order', { code: 460, reason: 'Order size too large' })).status).toBe(
      200,
    );
    const id = c.place(stock('IBM'), order('BUY', 1, 'MKT', { orderRef: 'http-1' }));
    await waitFor(() => c.errors.some((e) => e.id === id), 'rejection');
    expect(c.errors.find((e) => e.id === id)).toMatchObject({ code: 460, message: 'Order size too large' });
    const quotes = (await (await post('/step', { symbol: 'IBM', count: 2 })).json()) as Array<{
      symbol: string;
    }>;
    expect(quotes.map((q) => q.symbol)).toEqual(['IBM']);
    const orders = (await (await get('/orders')).json()) as Array<{
      orderRef: string;
      status: string;
    }>;
    expect(orders.find((o) => o.orderRef === 'http-1')?.status).toBe('Inactive');
    const counts = (await (await get('/placements-by-order-ref')).json()) as Record<
      string,
      { placed: number }
    >;
    expect(counts['http-1']).toEqual({ placed: 1, modified: 0 });
    const bad = await post('/set-price', { symbol: 'NOPE', last: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toBe('unknown symbol NOPE');
    expect((await get('/nothing')).status).toBe(404);
    expect((await post('/drop-connections', { clientId: 11 })).status).toBe(200);
    await waitFor(() => !c.connected, 'dropped over HTTP');
  });

  it('sets a price over HTTP: the quote moves and a resting order fills against it', async () => {
    const base = `http://127.0.0.1:${gw.controlPort}`;
    const headers = { authorization: `Bearer ${gw.controlToken}` };
    const c = await client(12);
    const q = gw.control.quote('AMZN');
    const cents = (n: number): number => Number(n.toFixed(2));
    const id = c.place(
      stock('AMZN'),
      order('BUY', 10, 'LMT', { lmtPrice: cents(q.bid - 1), orderRef: 'http-set' }),
    );
    await waitFor(() => c.statuses(id).includes('Submitted'), 'resting');
    const res = await fetch(`${base}/set-price`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        symbol: 'AMZN',
        bid: cents(q.bid - 1.05),
        ask: cents(q.bid - 1.01),
        last: cents(q.bid - 1.03),
      }),
    });
    expect(res.status).toBe(200);
    const moved = (await res.json()) as { symbol: string; ask: number; last: number };
    expect(moved).toMatchObject({ symbol: 'AMZN', ask: cents(q.bid - 1.01) });
    expect(gw.control.quote('AMZN').ask).toBe(moved.ask);
    await waitFor(() => c.statuses(id).includes('Filled'), 'filled at the new price');
    const read = await fetch(`${base}/quote?symbol=AMZN`, { headers });
    expect(((await read.json()) as { last: number }).last).toBe(moved.last);
  });

  it('refuses every control request without the token (401), whatever the route', async () => {
    const base = `http://127.0.0.1:${gw.controlPort}`;
    const before = gw.control.quote('TSLA');
    const unauthenticated = await fetch(`${base}/set-price`, {
      method: 'POST',
      body: JSON.stringify({ symbol: 'TSLA', last: 1 }),
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${base}/drop-connections`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.controlToken.slice(0, -1)}${gw.controlToken.endsWith('x') ? 'y' : 'x'}`,
      },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${base}/orders`)).status).toBe(401);
    expect((await fetch(`${base}/nothing`)).status).toBe(401);
    expect(gw.control.quote('TSLA')).toEqual(before);
  });
});
