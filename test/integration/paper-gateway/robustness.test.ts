/**
 * Garbage and malformed frames on one connection close or error that connection only; a
 * well-behaved client on the same gateway carries on throughout. Also: state across restarts.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaperGateway, type PaperGateway } from '../../../paper-gateway/index.ts';
import { EventName } from './ib.ts';
import { order, RawClient, stock, TestClient, waitFor } from './harness.ts';

let gw: PaperGateway;
let good: TestClient;

beforeAll(async () => {
  gw = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0 });
  good = await new TestClient(gw.port, 1).connect();
});

afterAll(async () => {
  good.disconnect();
  await gw.close();
});

/** The good client still gets answers and fills. */
async function goodClientCarriesOn(): Promise<void> {
  const before = good.named(EventName.currentTime).length;
  good.api.reqCurrentTime();
  const id = good.place(stock('AAPL'), order('BUY', 1, 'MKT'));
  await waitFor(
    () => good.named(EventName.currentTime).length > before && good.statuses(id).includes('Filled'),
    'good client served',
  );
  expect(good.connected).toBe(true);
  expect(good.layoutProblems()).toEqual([]);
}

describe('malformed input', () => {
  it('closes a connection that sends garbage instead of the handshake', async () => {
    const raw = new RawClient(gw.port);
    raw.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => raw.closed, 'closed');
    await goodClientCarriesOn();
  });

  it('closes a connection whose frame length is absurd, or whose frame lacks its terminator', async () => {
    const huge = await new RawClient(gw.port).start(50);
    huge.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
    const unterminated = await new RawClient(gw.port).start(51);
    const body = Buffer.from('49\u00001');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    unterminated.write(Buffer.concat([head, body]));
    await waitFor(() => huge.closed && unterminated.closed, 'both closed');
    await goodClientCarriesOn();
  });

  it('answers a well-framed but malformed request with error 320 and keeps the connection', async () => {
    const raw = await new RawClient(gw.port).start(52);
    raw.send([3, 99, 265598, 'AAPL']); // a placeOrder cut short
    raw.send([999, 1]); // an unknown message id
    raw.send([49, 1]);
    await waitFor(() => raw.messages.some((m) => m[0] === '49'), 'currentTime after the bad requests');
    const errors = raw.messages.filter((m) => m[0] === '4' && m[3] === '320');
    expect(errors.map((m) => [m[2], m[3]])).toEqual([
      ['99', '320'],
      ['-1', '320'],
    ]);
    expect(errors[0]?.[4]).toMatch(/^Error reading request. Message id 3: message ends before field/);
    expect(raw.closed).toBe(false);
    raw.close();
    await goodClientCarriesOn();
  });

  it('closes a connection that sends requests before startApi, or offers no version it can speak', async () => {
    const early = new RawClient(gw.port);
    await new Promise((r) => early.socket.once('connect', r));
    early.handshake();
    early.send([49, 1]);
    const old = new RawClient(gw.port);
    await new Promise((r) => old.socket.once('connect', r));
    old.handshake('v38..99');
    await waitFor(() => early.closed && old.closed, 'both closed');
    // IB's refusal: its own version, outside the client's range, and nothing else.
    expect(old.messages.map((m) => m[0])).toEqual(['100']);
    await goodClientCarriesOn();
  });

  it('survives random bytes on many connections at once', async () => {
    const raws = Array.from({ length: 8 }, (_, i) => {
      const raw = new RawClient(gw.port);
      raw.socket.once('connect', () =>
        raw.write(Buffer.from(Array.from({ length: 64 }, (_, j) => (i * 31 + j * 17) % 256))),
      );
      return raw;
    });
    await waitFor(() => raws.every((r) => r.closed), 'all closed');
    await goodClientCarriesOn();
  });
});

describe('persistence', () => {
  it('keeps orders, executions, positions and order ids across a process-style restart on the same state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-gateway-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, stateFile });
      const c = await new TestClient(first.port, 3).connect();
      const filled = c.place(stock('IBM'), order('BUY', 40, 'MKT', { orderRef: 'persist-fill' }));
      const q = first.control.quote('IBM');
      const working = c.place(
        stock('IBM'),
        order('SELL', 10, 'LMT', {
          lmtPrice: Number((q.ask + 3).toFixed(2)),
          tif: 'GTC',
          orderRef: 'persist-gtc',
        }),
      );
      await waitFor(
        () => c.statuses(filled).includes('Filled') && c.statuses(working).includes('Submitted'),
        'placed',
      );
      const executions = first.control.executions();
      c.disconnect();
      await first.close();

      const second = await startPaperGateway({ port: 0, controlPort: null, tickIntervalMs: 0, stateFile });
      try {
        expect(second.control.executions()).toEqual(executions);
        expect(second.control.positions().find((p) => p.symbol === 'IBM')?.quantity).toBe(40);
        const again = await new TestClient(second.port, 3).connect();
        expect(again.nextValidId).toBe(working + 1);
        again.api.reqOpenOrders();
        await waitFor(() => again.named(EventName.openOrderEnd).length > 0, 'open orders');
        expect(again.named(EventName.openOrder).map((a) => (a[2] as { orderRef: string }).orderRef)).toEqual([
          'persist-gtc',
        ]);
        // The GTC order keeps working on the restored book.
        second.control.setPrice('IBM', { bid: q.ask + 3, ask: q.ask + 3.02, last: q.ask + 3.01 });
        await waitFor(() => again.statuses(working).includes('Filled'), 'restored order fills');
        expect(again.layoutProblems()).toEqual([]);
        again.disconnect();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
