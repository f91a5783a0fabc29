/**
 * The TWS socket: connects with backoff, tells connectivity (socket, 1100/1101/1102) apart from
 * order traffic, paces every message it sends, and turns request/end message pairs (open orders,
 * completed orders, executions, positions) into promises.
 */
import { EventEmitter } from 'node:events';
import {
  EventName,
  IBApi,
  type CommissionReport,
  type Contract,
  type Execution,
  type ExecutionFilter,
  type IBApiInstance,
  type IbOrder,
  type OrderState,
} from './ib.ts';
import { TokenBucket } from './pacing.ts';
import type { Logger } from './log.ts';

/** Connection state as the bridge sees it. */
export type LinkState = 'disconnected' | 'connecting' | 'connected' | 'broker_lost';

export interface OpenOrderMessage {
  orderId: number;
  contract: Contract;
  order: IbOrder;
  state: OrderState;
}

export interface ExecutionMessage {
  reqId: number;
  contract: Contract;
  execution: Execution;
}

export interface CompletedOrderMessage {
  contract: Contract;
  order: IbOrder;
  state: OrderState;
}

/** Events of a BrokerConnection. */
export interface BrokerEvents {
  /** A session started (after nextValidId): reconcile before trading. */
  session: [nextValidId: number];
  /** Socket lost or broker connectivity lost (1100). */
  down: [reason: string];
  /** 1101/1102: the broker is back on the same socket; executions may have been missed. */
  restored: [dataLost: boolean];
  orderStatus: [
    orderId: number,
    status: string,
    filled: number,
    remaining: number,
    avgFillPrice: number,
    permId: number | undefined,
    clientId: number | undefined,
  ];
  openOrder: [OpenOrderMessage];
  execDetails: [ExecutionMessage];
  commissionReport: [CommissionReport];
  completedOrder: [CompletedOrderMessage];
  orderError: [id: number, code: number, message: string];
  notice: [code: number, message: string];
  managedAccounts: [accounts: string[]]; // the login's accounts, sent at every session start
}

const REQUEST_TIMEOUT_MS = 30_000;

/** One TWS API connection that reconnects until closed. */
export class BrokerConnection extends EventEmitter<BrokerEvents> {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly pacer: TokenBucket;
  readonly #log: Logger;
  #ib: IBApiInstance | null = null;
  #state: LinkState = 'disconnected';
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #nextReqId = 1_000_000;
  #sessions = 0;
  lastLoss: { reason: string; at: string } | undefined; // reported as the connection's last error

  constructor(opts: {
    host: string;
    port: number;
    clientId: number;
    maxMessagesPerSecond: number;
    burst?: number;
    log: Logger;
  }) {
    super();
    this.host = opts.host;
    this.port = opts.port;
    this.clientId = opts.clientId;
    this.pacer = new TokenBucket(opts.maxMessagesPerSecond, opts.burst ?? 1);
    this.#log = opts.log;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Whether orders can be sent now. */
  get up(): boolean {
    return this.#state === 'connected';
  }

  get sessions(): number {
    return this.#sessions;
  }

  /** Starts connecting (and keeps reconnecting until close). */
  start(): void {
    this.#connect();
  }

  #connect(): void {
    if (this.#closed) return;
    this.#teardown();
    this.#state = 'connecting';
    // Our own bucket paces; the client's limiter (40/s by default) would only add delay.
    const ib = new IBApi({ host: this.host, port: this.port, clientId: this.clientId, maxReqPerSec: 10_000 });
    this.#ib = ib;
    let sessionStarted = false;
    ib.on(EventName.nextValidId, (id: number) => {
      if (this.#ib !== ib || sessionStarted) return;
      sessionStarted = true;
      this.#attempt = 0;
      this.#state = 'connected';
      this.#sessions++;
      this.#log.info('broker session started', {
        host: this.host,
        port: this.port,
        clientId: this.clientId,
        nextValidId: id,
      });
      this.emit('session', id);
    });
    ib.on(EventName.disconnected, () => {
      if (this.#ib !== ib) return;
      this.#lost('socket closed');
    });
    ib.on(EventName.info, (message: string, code: number) => {
      if (this.#ib !== ib) return;
      this.#onNotice(code, message);
    });
    ib.on(EventName.error, (error: Error, code: number, reqId: number) => {
      if (this.#ib !== ib) return;
      const message = error?.message ?? String(error);
      if (reqId !== undefined && reqId >= 0) {
        this.emit('orderError', reqId, code, message);
        return;
      }
      if (code === 502 || code === 1300 || /ECONNREFUSED|ECONNRESET|EPIPE/.test(message)) {
        this.#lost(`connect failed: ${message}`);
        return;
      }
      if (code === 326) {
        // The previous session of this client id is still open at the gateway: wait and retry.
        this.#log.warn('client id in use at the gateway; retrying', { clientId: this.clientId });
        this.#lost('client id in use');
        return;
      }
      this.#onNotice(code, message);
    });
    ib.on(
      EventName.orderStatus,
      (orderId, status, filled, remaining, avgFillPrice, permId, _parentId, _lastFillPrice, clientId) => {
        if (this.#ib !== ib) return;
        this.emit('orderStatus', orderId, String(status), filled, remaining, avgFillPrice, permId, clientId);
      },
    );
    ib.on(EventName.openOrder, (orderId, contract, order, state) => {
      if (this.#ib !== ib) return;
      this.emit('openOrder', { orderId, contract, order, state });
    });
    ib.on(EventName.execDetails, (reqId, contract, execution) => {
      if (this.#ib !== ib) return;
      this.emit('execDetails', { reqId, contract, execution });
    });
    ib.on(EventName.commissionReport, (report) => {
      if (this.#ib !== ib) return;
      this.emit('commissionReport', report);
    });
    ib.on(EventName.managedAccounts, (list: string) => {
      if (this.#ib === ib) this.emit('managedAccounts', list.split(',').filter(Boolean));
    });
    ib.on(EventName.completedOrder, (contract, order, state) => {
      if (this.#ib !== ib) return;
      this.emit('completedOrder', { contract, order, state });
    });
    ib.connect(this.clientId);
  }

  #onNotice(code: number, message: string): void {
    if (code === 1100 || code === 2110) {
      if (this.#state === 'connected') {
        this.#state = 'broker_lost';
        this.#log.warn('broker connectivity lost', { code, message });
        this.emit('down', `${code}: ${message}`);
      }
      return;
    }
    if (code === 1101 || code === 1102) {
      if (this.#state === 'broker_lost' || this.#state === 'connected') {
        this.#state = 'connected';
        this.#log.info('broker connectivity restored', { code, dataLost: code === 1101 });
        this.emit('restored', code === 1101);
      }
      return;
    }
    this.emit('notice', code, message);
  }

  #lost(reason: string): void {
    const wasUp = this.#state === 'connected' || this.#state === 'broker_lost';
    if (this.#state === 'disconnected' && this.#retryTimer) return;
    this.#state = 'disconnected';
    this.lastLoss = { reason, at: new Date().toISOString() };
    this.#teardown();
    if (wasUp) {
      this.#log.warn('broker connection lost', { reason });
      this.emit('down', reason);
    }
    if (this.#closed) return;
    // Exponential backoff with jitter, 250 ms to 10 s.
    const delay = Math.min(10_000, 250 * 2 ** Math.min(this.#attempt, 6)) * (0.75 + Math.random() * 0.5);
    this.#attempt++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delay);
    this.#retryTimer.unref();
  }

  #teardown(): void {
    const ib = this.#ib;
    this.#ib = null;
    if (!ib) return;
    ib.removeAllListeners();
    // A late socket error after teardown must not become an unhandled 'error' event.
    ib.on(EventName.error, () => undefined);
    try {
      ib.disconnect();
    } catch {
      // already down
    }
  }

  #api(): IBApiInstance {
    if (!this.#ib || this.#state === 'disconnected' || this.#state === 'connecting') {
      throw new BrokerUnavailableError('not connected to the broker');
    }
    return this.#ib;
  }

  /** Sends one message, paced; fails if the session it was meant for is gone. */
  async send(fn: (ib: IBApiInstance) => void, urgent = false): Promise<void> {
    const session = this.#sessions;
    this.#api();
    await this.pacer.take(urgent);
    if (session !== this.#sessions) throw new BrokerUnavailableError('the broker session changed');
    fn(this.#api());
  }

  /** Places (or, with the same id, modifies) an order, paced. */
  placeOrder(id: number, contract: Contract, order: IbOrder): Promise<void> {
    return this.send((ib) => ib.placeOrder(id, contract, order));
  }

  /** Cancels an order ahead of other paced messages. */
  cancelOrder(id: number): Promise<void> {
    return this.send((ib) => ib.cancelOrder(id), true);
  }

  /** A fresh request id. */
  requestId(): number {
    return this.#nextReqId++;
  }

  /** Collects messages of `event` until `end` fires; `start` sends the request. */
  async collect<T>(
    event: 'openOrder' | 'completedOrder' | 'execDetails',
    endEvent: (typeof EventName)[keyof typeof EventName],
    start: (ib: IBApiInstance) => void,
    filter: (item: T) => boolean = () => true,
  ): Promise<T[]> {
    const ib = this.#api();
    const items: T[] = [];
    const onItem = (item: T) => {
      if (filter(item)) items.push(item);
    };
    let cleanup = () => undefined as void;
    const done = new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new BrokerUnavailableError(`no ${String(endEvent)} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      const onEnd = () => {
        cleanup();
        resolve(items);
      };
      const onDown = () => {
        cleanup();
        reject(new BrokerUnavailableError('connection lost during a request'));
      };
      cleanup = () => {
        clearTimeout(timer);
        this.off(event, onItem as never);
        ib.off(endEvent as never, onEnd as never);
        this.off('down', onDown);
      };
      this.on(event, onItem as never);
      ib.on(endEvent as never, onEnd as never);
      this.on('down', onDown);
    });
    await this.send(start, true).catch((error: unknown) => {
      cleanup();
      throw error;
    });
    return done;
  }

  /** Every open order of the account (all clients, and orders entered by hand). */
  openOrders(): Promise<OpenOrderMessage[]> {
    return this.collect<OpenOrderMessage>('openOrder', EventName.openOrderEnd, (ib) => ib.reqAllOpenOrders());
  }

  /** Orders that ended (filled, cancelled, inactive) as the broker still remembers them. */
  completedOrders(): Promise<CompletedOrderMessage[]> {
    return this.collect<CompletedOrderMessage>('completedOrder', EventName.completedOrdersEnd, (ib) =>
      ib.reqCompletedOrders(false),
    );
  }

  /** Executions matching the filter (each followed by its commissionReport). */
  executions(filter: ExecutionFilter): Promise<ExecutionMessage[]> {
    const reqId = this.requestId();
    return this.collect<ExecutionMessage>(
      'execDetails',
      EventName.execDetailsEnd,
      (ib) => ib.reqExecutions(reqId, filter),
      (m) => m.reqId === reqId,
    );
  }

  /** The account's positions. */
  async positions(): Promise<Array<{ account: string; contract: Contract; pos: number; avgCost?: number }>> {
    const ib = this.#api();
    const items: Array<{ account: string; contract: Contract; pos: number; avgCost?: number }> = [];
    const onPosition = (account: string, contract: Contract, pos: number, avgCost?: number) => {
      items.push({ account, contract, pos, ...(avgCost !== undefined ? { avgCost } : {}) });
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new BrokerUnavailableError('no positionEnd')),
        REQUEST_TIMEOUT_MS,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        ib.off(EventName.position, onPosition);
        ib.off(EventName.positionEnd, onEnd);
        if (error) reject(error);
        else {
          this.send((api) => api.cancelPositions(), true).catch(() => undefined);
          resolve(items);
        }
      };
      const onEnd = () => finish();
      ib.on(EventName.position, onPosition);
      ib.on(EventName.positionEnd, onEnd);
      this.send((api) => api.reqPositions(), true).catch((e: Error) => finish(e));
    });
  }

  /** Closes the socket for good. */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#state = 'disconnected';
    this.#teardown();
    this.pacer.close();
  }
}

/** The broker cannot be reached now; the work is retried after reconnecting. */
export class BrokerUnavailableError extends Error {
  readonly code = 'BROKER_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}
