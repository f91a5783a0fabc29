/**
 * Paper gateway throughput and latency over loopback, from a raw socket client that does not
 * throttle itself (its client id is exempt from pacing). The floor is a bare TCP echo server on
 * the same loopback with the same framing, measured in the same run.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import { startPaperGateway } from '../paper-gateway/index.ts';
import { encodeFrame, formatField, type Field } from '../paper-gateway/framing.ts';
import { percentile, type BenchSection } from './types.ts';

const CLIENT_ID = 900;
const IB_LIMIT = 50;
const ROUND_TRIPS = 20_000;
const ORDERS = 3_000;
const SAMPLES = 500;
const WINDOW = 64;
const WARM_UP = 2_000;
const PHASE_LIMIT_MS = 15_000;

/** Length-prefixed frame reader for the client side (no handshake). */
class Frames {
  #buffer: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onFrame: (fields: string[]) => void): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let offset = 0;
    while (this.#buffer.length - offset >= 4) {
      const length = this.#buffer.readUInt32BE(offset);
      if (this.#buffer.length - offset < 4 + length) break;
      onFrame(this.#buffer.toString('utf8', offset + 4, offset + 4 + length).split('\0'));
      offset += 4 + length;
    }
    this.#buffer = this.#buffer.subarray(offset);
  }
}

/** A socket client that counts the replies it is waiting for. */
class Client {
  readonly socket: net.Socket;
  readonly #frames = new Frames();
  onFrame: (fields: string[]) => void = () => {};

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#frames.push(chunk, (f) => this.onFrame(f)));
  }

  static async connect(port: number): Promise<Client> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new Client(socket);
  }

  send(fields: Field[]): void {
    this.socket.write(encodeFrame(fields));
  }

  /** Waits until `done` says so after a frame, or fails after the phase limit. */
  until(done: (fields: string[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('benchmark phase timed out')), PHASE_LIMIT_MS);
      this.onFrame = (fields) => {
        if (done(fields)) {
          clearTimeout(timer);
          this.onFrame = () => {};
          resolve();
        }
      };
    });
  }
}

/** Pipelined round trips: keep `WINDOW` requests in flight; returns completed per second. */
async function pipelined(
  client: Client,
  total: number,
  send: (i: number) => void,
  isReply: (fields: string[]) => boolean,
): Promise<number> {
  let sent = 0;
  let received = 0;
  const start = performance.now();
  const finished = client.until((fields) => {
    if (!isReply(fields)) return false;
    received += 1;
    if (sent < total) send(sent++);
    return received >= total;
  });
  while (sent < Math.min(WINDOW, total)) send(sent++);
  await finished;
  return total / ((performance.now() - start) / 1000);
}

/** One request at a time; returns each round trip in ms. */
async function sequential(
  client: Client,
  count: number,
  send: (i: number) => void,
  isReply: (fields: string[], i: number) => boolean,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const done = client.until((fields) => isReply(fields, i));
    send(i);
    await done;
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** The echo floor: reads frames with the gateway's reader and answers each with a currentTime frame. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const frames = new Frames();
    socket.on('data', (chunk: Buffer) =>
      frames.push(chunk, () => socket.write(encodeFrame([49, 1, Math.floor(Date.now() / 1000)]))),
    );
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.unref();
      }),
  };
}

function placeOrderFields(orderId: number): string[] {
  let fields: string[] = [];
  const encoder = new Encoder({
    serverVersion: 193,
    sendMsg: (tokens: unknown[]) => {
      fields = (tokens.flat(Infinity) as Field[]).map(formatField);
    },
    emitError: (message: string) => {
      throw new Error(message);
    },
  } as never);
  encoder.placeOrder(
    orderId,
    { symbol: 'AAPL', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' },
    {
      action: 'BUY' as never,
      orderType: 'MKT' as never,
      totalQuantity: 1,
      transmit: true,
      orderRef: `bench-${orderId}`,
    },
  );
  return fields;
}

/** Benchmark entry point. */
export default async function (): Promise<BenchSection> {
  // Deep displayed size so that market orders of one share always fill without price steps.
  const gateway = await startPaperGateway({
    port: 0,
    controlPort: null,
    tickIntervalMs: 0,
    unpacedClientIds: [CLIENT_ID],
    universe: [{ symbol: 'AAPL', conId: 265598, price: 190, lotSize: 10_000_000 }],
  });
  const echo = await echoServer();
  try {
    const gw = await Client.connect(gateway.port);
    const hello = Buffer.from('v100..193');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(hello.length, 0);
    const ready = gw.until((f) => f[0] === '9');
    gw.socket.write(Buffer.concat([Buffer.from('API\0'), head, hello]));
    gw.send([71, 2, CLIENT_ID, '']);
    await ready;
    const floorClient = await Client.connect(echo.port);

    const isTime = (f: string[]): boolean => f[0] === '49';
    // Warm both ends up first so that neither measurement pays for JIT compilation.
    await pipelined(floorClient, WARM_UP, () => floorClient.send([49, 1]), isTime);
    await pipelined(gw, WARM_UP, () => gw.send([49, 1]), isTime);
    await sequential(floorClient, WARM_UP / 10, () => floorClient.send([49, 1]), isTime);
    const floorBefore = await pipelined(floorClient, ROUND_TRIPS, () => floorClient.send([49, 1]), isTime);
    const timeRate = await pipelined(gw, ROUND_TRIPS, () => gw.send([49, 1]), isTime);
    // The floor is measured on both sides of the gateway run and the better kept, so that a
    // noisy neighbour during one of them does not flatter the gateway.
    const floorAfter = await pipelined(floorClient, ROUND_TRIPS, () => floorClient.send([49, 1]), isTime);
    const floorRate = Math.max(floorBefore, floorAfter);

    const templates = Array.from({ length: ORDERS + SAMPLES }, (_, i) => placeOrderFields(i + 1));
    const filled = (f: string[]): boolean => f[0] === '3' && f[2] === 'Filled' && f[4] === '0';
    // Each order's final orderStatus comes twice (IB repeats it); count only the first.
    const seen = new Set<string>();
    const firstFill = (f: string[]): boolean =>
      filled(f) && !seen.has(f[1] as string) && (seen.add(f[1] as string), true);
    const orderRate = await pipelined(gw, ORDERS, (i) => gw.send(templates[i] as string[]), firstFill);
    const orderLatency = await sequential(
      gw,
      SAMPLES,
      (i) => gw.send(templates[ORDERS + i] as string[]),
      (f, i) => filled(f) && f[1] === String(ORDERS + i + 1),
    );
    const floorLatency = await sequential(floorClient, SAMPLES, () => floorClient.send([49, 1]), isTime);
    const messagesPerOrder =
      (gateway.control.messageCount(CLIENT_ID) - 1 - ROUND_TRIPS - WARM_UP) / (ORDERS + SAMPLES);

    gw.socket.destroy();
    floorClient.socket.destroy();
    return {
      title: 'Paper gateway (TWS API server version 193, loopback)',
      rows: [
        {
          metric: 'reqCurrentTime round trips, pipelined ×64',
          value: Math.round(timeRate),
          unit: 'msg/s',
          floor: { metric: 'framed TCP echo', value: Math.round(floorRate) },
        },
        {
          metric: 'placeOrder → Filled, pipelined ×64',
          value: Math.round(orderRate),
          unit: 'orders/s',
          floor: { metric: 'framed TCP echo', value: Math.round(floorRate) },
        },
        {
          metric: 'placeOrder → Filled p50, one at a time',
          value: Number(percentile(orderLatency, 50).toFixed(3)),
          unit: 'ms',
          floor: { metric: 'echo p50', value: Number(percentile(floorLatency, 50).toFixed(3)) },
        },
        {
          metric: 'placeOrder → Filled p99, one at a time',
          value: Number(percentile(orderLatency, 99).toFixed(3)),
          unit: 'ms',
          floor: { metric: 'echo p99', value: Number(percentile(floorLatency, 99).toFixed(3)) },
        },
        {
          metric: 'request rate over IB pacing limit',
          value: Math.round(timeRate / IB_LIMIT),
          unit: '× 50 msg/s',
        },
      ],
      notes: [
        `IB accepts at most ${IB_LIMIT} messages per second per client; the gateway enforces that for every client but the benchmark's (id ${CLIENT_ID}, exempt).`,
        `${ROUND_TRIPS} reqCurrentTime, ${ORDERS} pipelined and ${SAMPLES} sequential market orders of 1 share; each order gets ${Math.round(messagesPerOrder * 10) / 10} inbound message(s) and about 11 outbound (statuses, openOrder, execDetails, commissionReport).`,
      ],
    };
  } finally {
    await echo.close();
    await gateway.close();
  }
}
