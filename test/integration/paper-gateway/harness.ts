/**
 * Test harness: a real @stoqey/ib IBApi client over a real socket that records every event, and
 * a layout guard that fails the test if the client ever reports a decode problem (505 / underrun /
 * unprocessed data), which is how the client checks each message's field layout.
 */
import net from 'node:net';
import { IBApi, EventName, IBApiNext, SecType, OrderAction, type Contract, type Order } from './ib.ts';
import { encodeFrame, type Field } from '../../../paper-gateway/framing.ts';

/** One event the client emitted. */
export interface Recorded {
  name: string;
  args: unknown[];
}

/** A client-side error or info notice. */
export interface Notice {
  code: number;
  id: number;
  message: string;
}

const LAYOUT_PROBLEM = /underrun|unprocessed data|decoding error|no parser implementation/i;

/** Whether a client error is a layout (decode) problem. */
export function isLayoutProblem(n: Notice): boolean {
  return n.code === 505 || LAYOUT_PROBLEM.test(n.message);
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs` (a safety net only). */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A stock contract of the default universe. */
export function stock(symbol: string): Contract {
  return { symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
}

/** An order with the fields most tests set. */
export function order(
  action: 'BUY' | 'SELL',
  totalQuantity: number,
  orderType: string,
  extra: Partial<Order> = {},
): Order {
  return {
    action: action === 'BUY' ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity,
    orderType: orderType as Order['orderType'],
    transmit: true,
    ...extra,
  };
}

/**
 * Makes an IBApi offer a chosen version range at its handshake instead of its own v100..193.
 * @stoqey/ib encodes and decodes every message by the negotiated server version (as IB's own
 * clients do), so a client offering `v100..176` then speaks exactly 176, like an older ibapi.
 */
export function offerVersions(api: InstanceType<typeof IBApi>, min: number, max: number): void {
  const socket = (api as unknown as { controller: { socket: { buildVersionString: () => string } } })
    .controller.socket;
  socket.buildVersionString = () => (min < max ? `v${min}..${max}` : `v${min}`);
}

/** An IBApi client that records everything it receives. */
export class TestClient {
  readonly api: InstanceType<typeof IBApi>;
  readonly events: Recorded[] = [];
  readonly errors: Notice[] = [];
  readonly infos: Notice[] = [];
  nextValidId = -1;
  connected = false;

  constructor(port: number, clientId: number, maxReqPerSec = 1000, versions?: { min: number; max: number }) {
    this.api = new IBApi({ host: '127.0.0.1', port, clientId, maxReqPerSec });
    if (versions) offerVersions(this.api, versions.min, versions.max);
    this.api.on(EventName.all, (name: string, args: unknown[]) => {
      if (name !== EventName.received && name !== EventName.sent) this.events.push({ name, args });
    });
    this.api.on(EventName.error, (error: Error, code: number, id: number) => {
      this.errors.push({ code, id, message: error.message });
    });
    this.api.on(EventName.info, (message: string, code: number) =>
      this.infos.push({ code, id: -1, message }),
    );
    this.api.on(EventName.nextValidId, (id: number) => {
      this.nextValidId = id;
    });
    this.api.on(EventName.connected, () => {
      this.connected = true;
    });
    this.api.on(EventName.disconnected, () => {
      this.connected = false;
    });
  }

  /** Connects and waits for nextValidId. */
  async connect(): Promise<this> {
    this.nextValidId = -1;
    this.api.connect();
    await waitFor(() => this.nextValidId >= 0, 'nextValidId');
    return this;
  }

  /** Events of one name, in order. */
  named(name: string): unknown[][] {
    return this.events.filter((e) => e.name === name).map((e) => e.args);
  }

  /** orderStatus statuses seen for an order id, in order. */
  statuses(orderId: number): string[] {
    return this.named(EventName.orderStatus)
      .filter((a) => a[0] === orderId)
      .map((a) => a[1] as string);
  }

  /** Client errors that show a layout problem. */
  layoutProblems(): Notice[] {
    return [...this.errors, ...this.infos].filter(isLayoutProblem);
  }

  /** Places an order with the next id and returns the id. */
  place(contract: Contract, o: Order): number {
    const id = this.nextValidId++;
    this.api.placeOrder(id, contract, o);
    return id;
  }

  disconnect(): void {
    this.api.disconnect();
  }
}

/** An IBApiNext whose logger records decode errors so tests can assert there were none. */
export function nextClient(
  port: number,
  reconnectInterval?: number,
): { api: InstanceType<typeof IBApiNext>; logged: string[] } {
  const logged: string[] = [];
  const log = (tag: string, ...args: unknown[]): void => {
    logged.push(`${tag} ${args.map(String).join(' ')}`);
  };
  const api = new IBApiNext({
    host: '127.0.0.1',
    port,
    maxReqPerSec: 1000,
    reconnectInterval,
    logger: { info: () => {}, debug: () => {}, warn: log, error: log },
  });
  return { api, logged };
}

/** A raw TCP client speaking the framing by hand (for malformed input and benchmarks). */
export class RawClient {
  readonly socket: net.Socket;
  readonly messages: string[][] = [];
  closed = false;
  #buffer = Buffer.alloc(0);

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4) {
        const length = this.#buffer.readUInt32BE(0);
        if (this.#buffer.length < 4 + length) break;
        const body = this.#buffer.subarray(4, 4 + length).toString('utf8');
        this.#buffer = this.#buffer.subarray(4 + length);
        this.messages.push(body.split('\0').slice(0, -1));
      }
    });
    this.socket.on('close', () => {
      this.closed = true;
    });
    this.socket.on('error', () => {});
  }

  /** Sends `API\0` and the version range. */
  handshake(range = 'v100..193'): void {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(range.length, 0);
    this.socket.write(Buffer.concat([Buffer.from('API\0'), head, Buffer.from(range)]));
  }

  /** Sends one framed message. */
  send(fields: Field[]): void {
    this.socket.write(encodeFrame(fields));
  }

  /** Sends raw bytes. */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Handshake plus startApi, then waits for nextValidId. */
  async start(clientId: number): Promise<this> {
    if (this.socket.readyState !== 'open')
      await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
    this.handshake();
    this.send([71, 2, clientId, '']);
    await waitFor(() => this.messages.some((m) => m[0] === '9'), 'raw nextValidId');
    return this;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The first value of an observable that satisfies `test` (the subscription is then closed). */
export function firstMatching<T>(
  source: { subscribe(observer: { next(value: T): void; error(e: unknown): void }): { unsubscribe(): void } },
  test: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const holder: { sub?: { unsubscribe(): void } } = {};
    const timer = setTimeout(
      () => finish(() => reject(new Error('timed out waiting for an observable value'))),
      timeoutMs,
    );
    const finish = (action: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => holder.sub?.unsubscribe());
      action();
    };
    holder.sub = source.subscribe({
      next: (value) => {
        if (test(value)) finish(() => resolve(value));
      },
      error: (e) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))),
    });
    if (done) holder.sub.unsubscribe();
  });
}
