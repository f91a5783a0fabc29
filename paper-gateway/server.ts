/**
 * The paper gateway server: TCP connections speaking the TWS API at server version 193, client
 * ids, pacing, request handling, and the in-process control API (faults and inspection).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Account, LEDGER_TAGS, SUMMARY_TAGS, type PositionView } from './accounts.ts';
import {
  assertSimulated,
  decodeClientMessage,
  OUT,
  type ClientMessage,
  type ContractFields,
  type ExecutionFilterRequest,
  type PlaceOrderRequest,
  type SimulatedOrderType,
  type SimulatedTif,
} from './decoder.ts';
import * as enc from './encoder.ts';
import { ControlError, DecodeError, FramingError, UnsupportedFeatureError } from './errors.ts';
import { Faults } from './faults.ts';
import { encodeFrame, FrameReader, SERVER_VERSION, type Field } from './framing.ts';
import {
  MatchingEngine,
  MAX_WORKING_PER_SIDE,
  validateNewOrder,
  type EngineEvent,
  type ExecutionRecord,
  type NewOrder,
  type OrderRecord,
} from './matching.ts';
import {
  DEFAULT_UNIVERSE,
  hashString,
  PriceBook,
  type Quote,
  type QuoteUpdate,
  type SymbolSpec,
} from './prices.ts';
import { loadState, saveState, type ClientIds, type PersistedState } from './state.ts';

/** Options of a paper gateway. */
export interface PaperGatewayOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** null = no HTTP control interface; 0 = a free port. */
  controlPort?: number | null;
  seed?: number;
  universe?: SymbolSpec[];
  stateFile?: string;
  /** Default 'DU1234567'. */
  account?: string;
  /** Price step interval; 0 = steps only on demand (control.step). Default 1000. */
  tickIntervalMs?: number;
  /** Messages per second per client before error 100; 0 disables pacing. Default 50. */
  pacingLimit?: number;
  /** Client ids exempt from pacing (benchmarks). */
  unpacedClientIds?: number[];
  /** Whether regular trading hours are on at start. Default true. */
  rth?: boolean;
}

/** One placeOrder as received. */
export interface Placement {
  /** High-resolution epoch milliseconds. */
  receivedAt: number;
  clientId: number;
  orderId: number;
  orderRef: string;
  /** The order's permId, or null when it was refused before one was assigned. */
  permId: number | null;
  symbol: string;
  action: string;
  quantity: number | undefined;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  /** True when the order id was already a working order of this client (a modification). */
  modification: boolean;
  /** 'accepted', 'modified', or the error code it was refused with. */
  outcome: 'accepted' | 'modified' | number;
}

/** How often each orderRef was placed as a new order and modified. */
export type PlacementCounts = Record<string, { placed: number; modified: number }>;

/** An order entered by hand, as in TWS. */
export interface ManualOrderInput {
  symbol: string;
  action: 'BUY' | 'SELL';
  quantity: number;
  orderType?: SimulatedOrderType;
  lmtPrice?: number;
  auxPrice?: number;
  tif?: SimulatedTif;
  outsideRth?: boolean;
  orderRef?: string;
}

/** Options of a nightly-reset style restart. */
export interface RestartOptions {
  /** How long the port stays closed. Default 0. */
  downMs?: number;
  /** nextValidId reported after the restart (lower than before reproduces error 103 on reuse). */
  nextValidId?: number;
  /** Expire DAY orders as the session end does. Default false. */
  endSession?: boolean;
}

/** In-process fault injection and inspection; the HTTP control interface exposes the same. */
export interface PaperGatewayControl {
  /** Closes the sockets of one client id, or of every client. Returns how many were closed. */
  dropConnections(clientId?: number): number;
  /** Sends 1100 to every client; order events are withheld until restored. */
  connectivityLost(): void;
  /** Sends 1101 (data lost: market data subscriptions dropped) or 1102 (data maintained). */
  connectivityRestored(dataLost?: boolean): void;
  /** Drops every socket, closes the port, and listens again; orders and executions survive. */
  restart(options?: RestartOptions): Promise<void>;
  /** The next `count` new orders get no orderStatus (fills only visible through execDetails). */
  omitOrderStatus(count?: number): void;
  /** The next `count` new orders get their orderStatus (and openOrder) `ms` late. */
  delayOrderStatus(count: number, ms: number): void;
  /** The next new order is refused with this code (default 201) and reason. */
  rejectNextOrder(code?: number, reason?: string): void;
  /** The next cancel request leaves the order PendingCancel, and it fills before the cancel lands. */
  fillWhilePendingCancel(count?: number): void;
  /** Enters an order by hand (orderId 0, known by permId). */
  enterManualOrder(input: ManualOrderInput): { permId: number; status: string };
  /** Sets quote fields of a symbol and matches against the new quote. */
  setPrice(symbol: string, update: QuoteUpdate): Quote;
  /** Steps the price path of one symbol (or all) `count` times, matching after every step. */
  step(symbol?: string, count?: number): Quote[];
  /** The current quote of a symbol. */
  quote(symbol: string): Quote;
  /** Turns regular trading hours on or off. */
  setTradingHours(rth: boolean): void;
  /** Ends the trading day: DAY orders expire. */
  endSession(): void;
  /** Every placeOrder ever received. */
  placements(): Placement[];
  /** Per orderRef: how many times placed as new, how many times modified. */
  placementsByOrderRef(): PlacementCounts;
  /** Every order's current state. */
  orders(): OrderRecord[];
  /** Every execution. */
  executions(): ExecutionRecord[];
  /** Every position (closed ones at zero). */
  positions(): PositionView[];
  /** Account summary values. */
  accountSummary(): Record<string, string>;
  /** Error-100 messages sent, per client id. */
  pacingViolations(): Record<number, number>;
  /** Messages received from clients (all, or one client id). */
  messageCount(clientId?: number): number;
  /** Client ids connected now. */
  clients(): number[];
}

const CLIENT_ID_IN_USE =
  'Unable to connect as the client id is already in use. Retry with a unique client id.';
const NO_SECURITY = 'No security definition has been found for the request';
const FARM_NOTICES: ReadonlyArray<[number, string]> = [
  [2104, 'Market data farm connection is OK:usfarm'],
  [2106, 'HMDS data farm connection is OK:ushmds'],
  [2158, 'Sec-def data farm connection is OK:secdefnj'],
];

interface Subscription {
  symbol: string;
  delayed: boolean;
}

/** One client socket. */
class Connection {
  readonly socket: net.Socket;
  readonly reader = new FrameReader();
  clientId: number | null = null;
  handshaken = false;
  marketDataType = 1;
  autoBind = false;
  positionsSubscribed = false;
  accountUpdates = false;
  readonly marketData = new Map<number, Subscription>();
  readonly recent: number[] = [];
  messages = 0;
  closed = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
  }

  send(fields: Field[]): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(encodeFrame(fields));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    this.socket.destroySoon();
  }
}

/** The gateway: listener, book, and control. */
export class PaperGatewayServer {
  readonly host: string;
  port: number;
  readonly account: string;
  readonly prices: PriceBook;
  readonly engine: MatchingEngine;
  readonly faults = new Faults();
  readonly control: PaperGatewayControl;

  readonly #opts: Required<Omit<PaperGatewayOptions, 'stateFile' | 'controlPort' | 'universe'>> & {
    stateFile: string | undefined;
  };
  readonly #accounts = new Map<string, Account>();
  readonly #connections = new Set<Connection>();
  readonly #clientIds = new Map<number, ClientIds>();
  readonly #placements: Placement[] = [];
  readonly #pacingViolations = new Map<number, number>();
  readonly #messagesByClient = new Map<number, number>();
  readonly #unpaced: Set<number>;
  readonly #execPrefix: string;
  #server: net.Server | null = null;
  #timer: NodeJS.Timeout | null = null;
  #saveTimer: NodeJS.Timeout | null = null;
  #nextPermId: number;
  #execSeq = 0;
  #rth: boolean;
  #connectivityLost = false;
  #messages = 0;
  #closing = false;
  readonly #pendingTimers = new Set<NodeJS.Timeout>();

  constructor(options: PaperGatewayOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 4002;
    this.account = options.account ?? 'DU1234567';
    const seed = options.seed ?? 1;
    this.#opts = {
      host: this.host,
      port: this.port,
      seed,
      account: this.account,
      tickIntervalMs: options.tickIntervalMs ?? 1000,
      pacingLimit: options.pacingLimit ?? 50,
      unpacedClientIds: options.unpacedClientIds ?? [],
      rth: options.rth ?? true,
      stateFile: options.stateFile,
    };
    this.#unpaced = new Set(this.#opts.unpacedClientIds);
    this.#rth = this.#opts.rth;
    this.#nextPermId = 1_700_000_000 + (hashString(`perm${seed}`) % 100_000_000);
    this.#execPrefix = (hashString(`exec${seed}`) >>> 0).toString(16).padStart(8, '0');
    this.prices = new PriceBook(options.universe ?? DEFAULT_UNIVERSE, seed);
    this.engine = new MatchingEngine({
      prices: this.prices,
      account: (id) => this.#accountFor(id),
      nextPermId: () => this.#nextPermId++,
      nextExecId: () => `${this.#execPrefix}.${(++this.#execSeq).toString(16).padStart(8, '0')}.01.01`,
      now: () => Date.now(),
      isRth: () => this.#rth,
    });
    this.#accountFor(this.account);
    if (this.#opts.stateFile) this.#restore(this.#opts.stateFile);
    this.control = this.#makeControl();
  }

  #accountFor(id: string): Account {
    let account = this.#accounts.get(id);
    if (!account) {
      account = new Account(id);
      this.#accounts.set(id, account);
    }
    return account;
  }

  get #mainAccount(): Account {
    return this.#accountFor(this.account);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts listening (and the price timer). */
  async listen(): Promise<void> {
    await this.#listen(this.port);
    if (this.#opts.tickIntervalMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => this.control.step(), this.#opts.tickIntervalMs);
      this.#timer.unref();
    }
  }

  #listen(port: number): Promise<void> {
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  async #stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const c of this.#connections) {
      c.closed = true;
      c.socket.destroy();
    }
    this.#connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops everything and writes the state file. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const t of this.#pendingTimers) clearTimeout(t);
    this.#pendingTimers.clear();
    await this.#stopListening();
    this.#flushState();
  }

  // ---------------------------------------------------------------- persistence

  #restore(path: string): void {
    const state = loadState(path);
    if (!state) return;
    this.#nextPermId = state.nextPermId;
    this.#execSeq = state.execSeq;
    for (const [id, ids] of Object.entries(state.clientIds)) this.#clientIds.set(Number(id), { ...ids });
    this.engine.restore(state.orders, state.executions);
    this.#accounts.set(state.account.id, Account.fromJSON(state.account));
    this.prices.restore(state.quotes);
  }

  #scheduleSave(): void {
    if (!this.#opts.stateFile || this.#saveTimer || this.#closing) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.#flushState();
    }, 50);
    this.#saveTimer.unref();
  }

  #flushState(): void {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    if (!this.#opts.stateFile) return;
    const state: PersistedState = {
      format: 1,
      savedAt: new Date().toISOString(),
      nextPermId: this.#nextPermId,
      execSeq: this.#execSeq,
      clientIds: Object.fromEntries([...this.#clientIds].map(([id, ids]) => [String(id), ids])),
      orders: this.engine.orders(),
      executions: this.engine.executions(),
      account: this.#mainAccount.toJSON(),
      quotes: this.prices.snapshot(),
    };
    saveState(this.#opts.stateFile, state);
  }

  // ---------------------------------------------------------------- connections

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn = new Connection(socket);
    this.#connections.add(conn);
    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.closed = true;
      this.#connections.delete(conn);
    });
  }

  #onData(conn: Connection, chunk: Buffer): void {
    if (conn.closed) return;
    let events;
    try {
      events = conn.reader.push(chunk);
    } catch (error) {
      // Garbage framing: nothing after it can be trusted on this socket, so only it is closed.
      if (error instanceof FramingError) {
        conn.close();
        return;
      }
      throw error;
    }
    for (const event of events) {
      if (conn.closed) return;
      if (event.kind === 'handshake') {
        if (event.range.min > SERVER_VERSION || event.range.max < SERVER_VERSION) {
          conn.close();
          return;
        }
        conn.handshaken = true;
        conn.send(enc.serverHello(SERVER_VERSION, Date.now()));
      } else {
        this.#onMessage(conn, event.fields);
      }
    }
  }

  #onMessage(conn: Connection, fields: string[]): void {
    this.#messages += 1;
    conn.messages += 1;
    if (conn.clientId !== null) {
      this.#messagesByClient.set(conn.clientId, (this.#messagesByClient.get(conn.clientId) ?? 0) + 1);
      if (!this.#withinPacing(conn)) return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(fields);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      if (conn.clientId === null) {
        conn.close();
        return;
      }
      const id =
        fields[0] === String(OUT.PLACE_ORDER) || fields[0] === String(OUT.CANCEL_ORDER)
          ? Number(fields[1])
          : -1;
      conn.send(
        enc.errorMessage(
          Number.isInteger(id) ? id : -1,
          320,
          `Error reading request. Message id ${fields[0] ?? ''}: ${error.message}`,
        ),
      );
      return;
    }
    if (conn.clientId === null && message.type !== 'startApi') {
      conn.close();
      return;
    }
    this.#handle(conn, message);
  }

  /** Sliding one-second window per connection; the excess gets error 100 and is dropped. */
  #withinPacing(conn: Connection): boolean {
    const limit = this.#opts.pacingLimit;
    if (limit <= 0 || conn.clientId === null || this.#unpaced.has(conn.clientId)) return true;
    const now = performance.now();
    while (conn.recent.length > 0 && (conn.recent[0] as number) <= now - 1000) conn.recent.shift();
    conn.recent.push(now);
    if (conn.recent.length <= limit) return true;
    const count = (this.#pacingViolations.get(conn.clientId) ?? 0) + 1;
    this.#pacingViolations.set(conn.clientId, count);
    conn.send(
      enc.errorMessage(
        -1,
        100,
        `Max rate of messages per second has been exceeded:max=${limit} rec=${conn.recent.length} (1)`,
      ),
    );
    // Repeated excess (twice the limit inside one second) drops the connection, as IB does.
    if (conn.recent.length > 2 * limit) conn.close();
    return false;
  }

  #connectionsOf(clientId: number): Connection[] {
    return [...this.#connections].filter((c) => c.clientId === clientId && !c.closed);
  }

  #ids(clientId: number): ClientIds {
    let ids = this.#clientIds.get(clientId);
    if (!ids) {
      ids = { next: 1, max: 0 };
      this.#clientIds.set(clientId, ids);
    }
    return ids;
  }

  // ---------------------------------------------------------------- requests

  #handle(conn: Connection, m: ClientMessage): void {
    switch (m.type) {
      case 'startApi':
        return this.#startApi(conn, m.clientId);
      case 'placeOrder':
        return this.#placeOrder(conn, m.order);
      case 'cancelOrder':
        return this.#cancelOrder(conn, m.orderId);
      case 'reqGlobalCancel':
        return this.#globalCancel();
      case 'reqOpenOrders':
        return this.#sendOpenOrders(
          conn,
          (o) => o.clientId === conn.clientId && (!o.manual || conn.clientId === 0),
        );
      case 'reqAllOpenOrders':
        return this.#sendOpenOrders(conn, () => true);
      case 'reqAutoOpenOrders':
        return this.#autoOpenOrders(conn, m.autoBind);
      case 'reqExecutions':
        return this.#sendExecutions(conn, m.filter);
      case 'reqIds':
        return conn.send(enc.nextValidId(this.#ids(conn.clientId ?? 0).next));
      case 'reqManagedAccts':
        return conn.send(enc.managedAccounts([this.account]));
      case 'reqCurrentTime':
        return conn.send(enc.currentTime(Math.floor(Date.now() / 1000)));
      case 'reqContractDetails':
        return this.#contractDetails(conn, m.reqId, m.contract);
      case 'reqMktData':
        return this.#mktData(conn, m.request.reqId, m.request.contract, m.request.snapshot);
      case 'cancelMktData':
        conn.marketData.delete(m.reqId);
        return;
      case 'reqMarketDataType':
        conn.marketDataType = m.marketDataType;
        return;
      case 'reqPositions':
        conn.positionsSubscribed = true;
        for (const p of this.#mainAccount.positions()) {
          conn.send(
            enc.position(
              this.account,
              this.prices.spec(p.symbol),
              p.quantity.toNumber(),
              p.avgCost.toNumber(),
            ),
          );
        }
        return conn.send(enc.positionEnd());
      case 'cancelPositions':
        conn.positionsSubscribed = false;
        return;
      case 'reqAccountSummary':
        return this.#accountSummary(conn, m.reqId, m.tags);
      case 'cancelAccountSummary':
        return;
      case 'reqAccountUpdates':
        conn.accountUpdates = m.subscribe;
        if (m.subscribe) this.#sendAccountUpdates(conn);
        return;
      case 'reqCompletedOrders':
        for (const o of this.engine.orders()) {
          if (this.engine.isWorking(o) || (m.apiOnly && o.manual)) continue;
          conn.send(enc.completedOrder(o));
        }
        return conn.send(enc.completedOrdersEnd());
    }
  }

  #startApi(conn: Connection, clientId: number): void {
    if (conn.clientId !== null) return;
    if ([...this.#connections].some((c) => c !== conn && c.clientId === clientId && !c.closed)) {
      conn.send(enc.errorMessage(-1, 326, CLIENT_ID_IN_USE));
      conn.close();
      return;
    }
    conn.clientId = clientId;
    conn.send(enc.managedAccounts([this.account]));
    conn.send(enc.nextValidId(this.#ids(clientId).next));
    for (const [code, text] of FARM_NOTICES) conn.send(enc.errorMessage(-1, code, text));
    if (this.#connectivityLost) {
      conn.send(enc.errorMessage(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.'));
    }
  }

  #resolveSymbol(contract: Pick<ContractFields, 'conId' | 'symbol' | 'secType'>): string | undefined {
    if (contract.secType !== '' && contract.secType.toUpperCase() !== 'STK') return undefined;
    if (contract.conId) {
      const bySymbol = this.prices.symbolForConId(contract.conId);
      if (!bySymbol) return undefined;
      if (contract.symbol && contract.symbol.toUpperCase() !== bySymbol) return undefined;
      return bySymbol;
    }
    return this.prices.has(contract.symbol) ? this.prices.spec(contract.symbol).symbol : undefined;
  }

  #placeOrder(conn: Connection, req: PlaceOrderRequest): void {
    const clientId = conn.clientId ?? 0;
    const key = `${clientId}:${req.orderId}`;
    const existing = this.engine.get(key);
    const modification = existing !== undefined && this.engine.isWorking(existing);
    const placement: Placement = {
      receivedAt: performance.timeOrigin + performance.now(),
      clientId,
      orderId: req.orderId,
      orderRef: req.orderRef,
      permId: existing?.permId ?? null,
      symbol: req.contract.symbol,
      action: req.action,
      quantity: req.totalQuantity,
      orderType: req.orderType,
      lmtPrice: req.lmtPrice,
      auxPrice: req.auxPrice,
      tif: req.tif,
      modification,
      outcome: modification ? 'modified' : 'accepted',
    };
    this.#placements.push(placement);
    const refuse = (code: number, message: string): void => {
      placement.outcome = code;
      conn.send(enc.errorMessage(req.orderId, code, message));
    };

    if (existing && !modification) {
      // Re-placing a finished order's id is a new order with a used id, not a modification.
      refuse(103, 'Duplicate order id');
      return;
    }
    const ids = this.#ids(clientId);
    if (!existing && req.orderId <= ids.max) {
      refuse(103, 'Duplicate order id');
      return;
    }
    if (!existing) {
      ids.max = Math.max(ids.max, req.orderId);
      ids.next = Math.max(ids.next, req.orderId + 1);
    }
    const symbol = this.#resolveSymbol(req.contract);
    if (symbol === undefined) {
      refuse(200, NO_SECURITY);
      return;
    }
    const input: NewOrder = {
      orderId: req.orderId,
      clientId,
      account: req.account || this.account,
      symbol,
      action: req.action.toUpperCase() === 'SELL' ? 'SELL' : 'BUY',
      totalQuantity: req.totalQuantity ?? 0,
      orderType: req.orderType.toUpperCase() as SimulatedOrderType,
      lmtPrice: req.lmtPrice,
      auxPrice: req.auxPrice,
      tif: (req.tif === '' ? 'DAY' : req.tif.toUpperCase()) as SimulatedTif,
      outsideRth: req.outsideRth,
      orderRef: req.orderRef,
    };
    let reason: string | undefined;
    try {
      assertSimulated(req);
      if (req.action.toUpperCase() !== 'BUY' && req.action.toUpperCase() !== 'SELL') {
        throw new UnsupportedFeatureError(
          `the paper gateway does not simulate action ${req.action} (only BUY, SELL)`,
        );
      }
    } catch (error) {
      if (!(error instanceof UnsupportedFeatureError)) throw error;
      reason = error.message;
    }
    reason ??= validateNewOrder(input, this.prices);
    if (reason === undefined && input.account !== this.account)
      reason = `Account ${input.account} is not a managed account.`;

    if (existing) {
      // A modification may change size, prices and type, not the contract or the side.
      if (existing.symbol !== symbol || existing.action !== input.action) {
        refuse(105, 'Order being modified does not match original order.');
        return;
      }
      if (reason !== undefined) {
        refuse(201, `Order rejected - reason:${reason}`);
        return;
      }
      this.#dispatch(this.engine.modify(key, input));
      this.#scheduleSave();
      return;
    }

    const armed = this.faults.claimRejection();
    if (reason === undefined && armed) {
      placement.outcome = armed.code;
      this.#rejectOrder(
        conn,
        input,
        armed.code,
        armed.code === 201 ? `Order rejected - reason:${armed.reason}` : armed.reason,
      );
      return;
    }
    if (
      reason === undefined &&
      this.engine.workingCount(input.account, symbol, input.action) >= MAX_WORKING_PER_SIDE
    ) {
      reason = `Cannot have more than ${MAX_WORKING_PER_SIDE} working orders on the same side of one contract in one account.`;
    }
    if (reason !== undefined) {
      placement.outcome = 201;
      this.#rejectOrder(conn, input, 201, `Order rejected - reason:${reason}`);
      return;
    }
    this.faults.claimStatusFault(key);
    const { order, events } = this.engine.submit(input);
    placement.permId = order.permId;
    if (input.outsideRth && (input.orderType === 'MKT' || input.orderType === 'STP')) {
      conn.send(
        enc.errorMessage(
          req.orderId,
          2109,
          "Order Event Warning:Attribute 'Outside Regular Trading Hours' is ignored based on the order type and destination. PlaceOrder is now being processed.",
        ),
      );
    }
    this.#dispatch(events);
    this.#scheduleSave();
  }

  #rejectOrder(conn: Connection, input: NewOrder, code: number, message: string): void {
    const order = this.engine.reject(input, message);
    conn.send(enc.errorMessage(input.orderId, code, message));
    conn.send(enc.orderStatus(order));
    this.#scheduleSave();
  }

  #cancelOrder(conn: Connection, orderId: number): void {
    const key = `${conn.clientId ?? 0}:${orderId}`;
    const order = this.engine.get(key);
    if (!order) {
      conn.send(
        enc.errorMessage(orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`),
      );
      return;
    }
    if (!this.engine.isWorking(order)) {
      conn.send(
        enc.errorMessage(
          orderId,
          10148,
          `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${order.status}.`,
        ),
      );
      return;
    }
    const events = this.engine.beginCancel(key);
    if (this.faults.claimFillOnCancel()) {
      events.push(...this.engine.forceFill(key));
      this.#dispatch(events);
      conn.send(
        enc.errorMessage(
          orderId,
          10148,
          `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: Filled.`,
        ),
      );
    } else {
      events.push(...this.engine.finishCancel(key, ''));
      this.#dispatch(events);
    }
    this.#scheduleSave();
  }

  #globalCancel(): void {
    const events: EngineEvent[] = [];
    for (const o of this.engine.orders()) {
      if (!this.engine.isWorking(o)) continue;
      events.push(...this.engine.beginCancel(o.key), ...this.engine.finishCancel(o.key, ''));
    }
    this.#dispatch(events);
    this.#scheduleSave();
  }

  #sendOpenOrders(conn: Connection, include: (o: OrderRecord) => boolean): void {
    for (const o of this.engine.orders()) {
      if (!this.engine.isWorking(o) || !include(o)) continue;
      conn.send(enc.openOrder(o));
      conn.send(enc.orderStatus(o));
    }
    conn.send(enc.openOrderEnd());
  }

  #autoOpenOrders(conn: Connection, autoBind: boolean): void {
    if (conn.clientId !== 0) {
      conn.send(
        enc.errorMessage(
          -1,
          321,
          "Error validating request.-'bN' : cause - Only client id 0 can bind manual orders (reqAutoOpenOrders).",
        ),
      );
      return;
    }
    conn.autoBind = autoBind;
    if (!autoBind) return;
    for (const o of this.engine.orders()) {
      if (!o.manual || !this.engine.isWorking(o)) continue;
      conn.send(enc.openOrder(o));
      conn.send(enc.orderStatus(o));
    }
  }

  #sendExecutions(conn: Connection, f: ExecutionFilterRequest): void {
    const since = parseFilterTime(f.time);
    for (const e of this.engine.executions()) {
      if (f.clientId && e.clientId !== f.clientId) continue;
      if (f.acctCode && e.account !== f.acctCode) continue;
      if (f.symbol && e.symbol !== f.symbol.toUpperCase()) continue;
      if (f.secType && f.secType.toUpperCase() !== 'STK') continue;
      if (f.exchange && f.exchange.toUpperCase() !== 'SMART' && e.exchange !== f.exchange.toUpperCase())
        continue;
      if (f.side) {
        const side = f.side.toUpperCase();
        if ((side === 'BUY' || side === 'BOT') !== (e.side === 'BOT')) continue;
      }
      if (since !== undefined && e.time < since) continue;
      conn.send(enc.execDetails(f.reqId, e));
      conn.send(enc.commissionReport(e));
    }
    conn.send(enc.execDetailsEnd(f.reqId));
  }

  #contractDetails(conn: Connection, reqId: number, contract: ContractFields): void {
    const symbol = this.#resolveSymbol(contract);
    if (symbol === undefined) {
      conn.send(enc.errorMessage(reqId, 200, NO_SECURITY));
      return;
    }
    conn.send(enc.contractData(reqId, this.prices.spec(symbol)));
    conn.send(enc.contractDataEnd(reqId));
  }

  #mktData(conn: Connection, reqId: number, contract: ContractFields, snapshot: boolean): void {
    const symbol = this.#resolveSymbol(contract);
    if (symbol === undefined) {
      conn.send(enc.errorMessage(reqId, 200, NO_SECURITY));
      return;
    }
    const delayed = conn.marketDataType === 3 || conn.marketDataType === 4;
    conn.send(enc.marketDataType(reqId, conn.marketDataType));
    for (const t of enc.quoteTicks(reqId, this.prices.quote(symbol), delayed)) conn.send(t);
    if (snapshot) {
      conn.send(enc.tickSnapshotEnd(reqId));
      return;
    }
    conn.marketData.set(reqId, { symbol, delayed });
  }

  #accountSummary(conn: Connection, reqId: number, tags: string): void {
    const values = this.#mainAccount.summary((s) => this.prices.quote(s).last);
    const wanted = new Set<string>();
    for (const raw of tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)) {
      if (raw.startsWith('$LEDGER')) for (const t of LEDGER_TAGS) wanted.add(t);
      else if (raw === 'All') for (const t of SUMMARY_TAGS) wanted.add(t);
      else wanted.add(raw);
    }
    for (const tag of wanted) {
      const value = values[tag];
      if (value === undefined) continue;
      conn.send(enc.accountSummary(reqId, this.account, tag, value, tag === 'AccountType' ? '' : 'USD'));
    }
    conn.send(enc.accountSummaryEnd(reqId));
  }

  #sendAccountUpdates(conn: Connection): void {
    const account = this.#mainAccount;
    const values = account.summary((s) => this.prices.quote(s).last);
    for (const [key, value] of Object.entries(values)) {
      conn.send(enc.accountValue(key, value, key === 'AccountType' ? '' : 'USD', this.account));
    }
    for (const p of account.positions()) this.#sendPortfolio(conn, p.symbol);
    conn.send(enc.accountUpdateTime(Date.now()));
    conn.send(enc.accountDownloadEnd(this.account));
  }

  #sendPortfolio(conn: Connection, symbol: string): void {
    const p = this.#mainAccount.position(symbol);
    if (!p) return;
    const last = this.prices.quote(symbol).last;
    const qty = p.quantity.toNumber();
    const avg = p.avgCost.toNumber();
    conn.send(
      enc.portfolioValue(
        this.prices.spec(symbol),
        qty,
        last,
        Number((qty * last).toFixed(2)),
        avg,
        Number(((last - avg) * qty).toFixed(2)),
        p.realizedPnl.toNumber(),
        this.account,
      ),
    );
  }

  // ---------------------------------------------------------------- engine events → messages

  #recipients(order: OrderRecord): Connection[] {
    if (order.manual)
      return [...this.#connections].filter((c) => c.clientId === 0 && c.autoBind && !c.closed);
    return this.#connectionsOf(order.clientId);
  }

  #dispatch(events: readonly EngineEvent[]): void {
    const commissions: ExecutionRecord[] = [];
    const touched = new Set<string>();
    for (const event of events) {
      if (this.#connectivityLost) continue;
      const targets = this.#recipients(event.order);
      if (event.kind === 'error') {
        for (const c of targets) c.send(enc.errorMessage(event.order.orderId, event.code, event.message));
      } else if (event.kind === 'execution') {
        for (const c of targets) c.send(enc.execDetails(-1, event.execution));
        commissions.push(event.execution);
        touched.add(event.order.symbol);
      } else {
        this.#sendStatus(targets, event.order, event.openOrder);
      }
    }
    // IB reports the commission once the fill's status has gone out.
    for (const e of commissions) {
      const order = this.engine.get(e.orderKey);
      if (!order) continue;
      for (const c of this.#recipients(order)) c.send(enc.commissionReport(e));
    }
    for (const symbol of touched) this.#pushPosition(symbol);
  }

  #sendStatus(targets: Connection[], order: OrderRecord, withOpenOrder: boolean): void {
    const messages: Field[][] = [];
    if (withOpenOrder) messages.push(enc.openOrder(order));
    messages.push(enc.orderStatus(order));
    // IB repeats the final orderStatus of a fill.
    if (order.status === 'Filled') messages.push(enc.orderStatus(order));
    const fault = this.faults.disturbed.get(order.key);
    if (fault?.mode === 'omit') return;
    if (fault?.mode === 'delay') {
      const timer = setTimeout(() => {
        this.#pendingTimers.delete(timer);
        for (const c of targets) for (const m of messages) c.send(m);
      }, fault.ms);
      this.#pendingTimers.add(timer);
      return;
    }
    for (const c of targets) for (const m of messages) c.send(m);
  }

  #pushPosition(symbol: string): void {
    const p = this.#mainAccount.position(symbol);
    if (!p) return;
    for (const c of this.#connections) {
      if (c.closed) continue;
      if (c.positionsSubscribed)
        c.send(
          enc.position(this.account, this.prices.spec(symbol), p.quantity.toNumber(), p.avgCost.toNumber()),
        );
      if (c.accountUpdates) this.#sendPortfolio(c, symbol);
    }
  }

  #broadcastTicks(quote: Quote): void {
    if (this.#connectivityLost) return;
    for (const c of this.#connections) {
      for (const [reqId, sub] of c.marketData) {
        if (sub.symbol !== quote.symbol) continue;
        for (const t of enc.quoteTicks(reqId, quote, sub.delayed)) c.send(t);
      }
    }
  }

  #broadcast(code: number, message: string): void {
    for (const c of this.#connections) if (c.clientId !== null) c.send(enc.errorMessage(-1, code, message));
  }

  // ---------------------------------------------------------------- control

  #makeControl(): PaperGatewayControl {
    return {
      dropConnections: (clientId?: number): number => {
        let n = 0;
        for (const c of [...this.#connections]) {
          if (clientId !== undefined && c.clientId !== clientId) continue;
          c.closed = true;
          c.socket.destroy();
          this.#connections.delete(c);
          n++;
        }
        return n;
      },
      connectivityLost: (): void => {
        this.#connectivityLost = true;
        this.#broadcast(1100, 'Connectivity between IB and Trader Workstation has been lost.');
      },
      connectivityRestored: (dataLost = false): void => {
        this.#connectivityLost = false;
        if (dataLost) {
          for (const c of this.#connections) c.marketData.clear();
          this.#broadcast(
            1101,
            'Connectivity between IB and Trader Workstation has been restored - data lost.',
          );
        } else {
          this.#broadcast(
            1102,
            'Connectivity between IB and Trader Workstation has been restored - data maintained.',
          );
        }
      },
      restart: async (options: RestartOptions = {}): Promise<void> => {
        const port = this.port;
        await this.#stopListening();
        if (options.endSession) this.#dispatch(this.engine.expireDayOrders());
        if (options.nextValidId !== undefined)
          for (const ids of this.#clientIds.values()) ids.next = options.nextValidId;
        this.#flushState();
        if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
        if (!this.#closing) await this.#listen(port);
      },
      omitOrderStatus: (count = 1): void => {
        this.faults.omitOrderStatus(count);
      },
      delayOrderStatus: (count: number, ms: number): void => {
        this.faults.delayOrderStatus(count, ms);
      },
      rejectNextOrder: (code = 201, reason = 'Rejected by the paper gateway fault injection.'): void => {
        this.faults.rejectNextOrder(code, reason);
      },
      fillWhilePendingCancel: (count = 1): void => {
        this.faults.fillWhilePendingCancel(count);
      },
      enterManualOrder: (input: ManualOrderInput): { permId: number; status: string } => {
        if (!this.prices.has(input.symbol)) throw new ControlError(`unknown symbol ${input.symbol}`);
        const order: NewOrder = {
          orderId: 0,
          clientId: 0,
          account: this.account,
          symbol: this.prices.spec(input.symbol).symbol,
          action: input.action,
          totalQuantity: input.quantity,
          orderType: input.orderType ?? (input.lmtPrice === undefined ? 'MKT' : 'LMT'),
          lmtPrice: input.lmtPrice,
          auxPrice: input.auxPrice,
          tif: input.tif ?? 'DAY',
          outsideRth: input.outsideRth ?? false,
          orderRef: input.orderRef ?? '',
          manual: true,
        };
        const reason = validateNewOrder(order, this.prices);
        if (reason) throw new ControlError(reason);
        const { order: record, events } = this.engine.submit(order);
        this.#dispatch(events);
        this.#scheduleSave();
        return { permId: record.permId, status: this.engine.get(record.key)?.status ?? record.status };
      },
      setPrice: (symbol: string, update: QuoteUpdate): Quote => {
        const quote = this.prices.set(symbol, update);
        this.#broadcastTicks(quote);
        this.#dispatch(this.engine.onQuote(quote.symbol));
        this.#scheduleSave();
        return this.prices.quote(quote.symbol);
      },
      step: (symbol?: string, count = 1): Quote[] => {
        const symbols = symbol === undefined ? this.prices.symbols() : [this.prices.spec(symbol).symbol];
        const quotes: Quote[] = [];
        for (let i = 0; i < count; i++) {
          for (const s of symbols) {
            const quote = this.prices.step(s);
            this.#broadcastTicks(quote);
            this.#dispatch(this.engine.onQuote(s));
            if (i === count - 1) quotes.push(this.prices.quote(s));
          }
        }
        this.#scheduleSave();
        return quotes;
      },
      quote: (symbol: string): Quote => {
        return this.prices.quote(symbol);
      },
      setTradingHours: (rth: boolean): void => {
        this.#rth = rth;
        this.#dispatch(this.engine.onSessionChange());
      },
      endSession: (): void => {
        this.#dispatch(this.engine.expireDayOrders());
        this.#scheduleSave();
      },
      placements: () => this.#placements.map((p) => ({ ...p })),
      placementsByOrderRef: (): PlacementCounts => {
        const counts: PlacementCounts = {};
        for (const p of this.#placements) {
          const entry = (counts[p.orderRef] ??= { placed: 0, modified: 0 });
          if (p.modification) entry.modified += 1;
          else entry.placed += 1;
        }
        return counts;
      },
      orders: () => this.engine.orders().map((o) => ({ ...o })),
      executions: () => this.engine.executions(),
      positions: () => this.#mainAccount.positionViews(),
      accountSummary: () => this.#mainAccount.summary((s) => this.prices.quote(s).last),
      pacingViolations: () => Object.fromEntries(this.#pacingViolations),
      messageCount: (clientId?: number) =>
        clientId === undefined ? this.#messages : (this.#messagesByClient.get(clientId) ?? 0),
      clients: () =>
        [...this.#connections]
          .filter((c) => c.clientId !== null && !c.closed)
          .map((c) => c.clientId as number),
    };
  }
}

/** Parses reqExecutions' time filter (`yyyymmdd-hh:mm:ss` or `yyyymmdd hh:mm:ss`, UTC). */
export function parseFilterTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return undefined;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
}
