/**
 * The paper gateway server: the listener, the book (orders, accounts, quotes, history, clock),
 * persistence, and the fan-out of engine events to the connections, each at its own version.
 * The handshake and request decoding live in session.ts, request handling in handlers/, the
 * control interface in control.ts, the public types in server-types.ts.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Account } from './accounts.ts';
import { parseInstant, SimulatedClock } from './clock.ts';
import type { Connection } from './connection.ts';
import type { GatewayContext } from './context.ts';
import { makeControl } from './control.ts';
import { ControlError } from './errors.ts';
import { Faults } from './faults.ts';
import { PriceHistory } from './history.ts';
import { DerivativeCatalog } from './instruments/catalog.ts';
import { MatchingEngine } from './matching.ts';
import { DEFAULT_UNIVERSE, hashString, PriceBook } from './prices.ts';
import { sessionAt, type SessionState } from './sessions.ts';
import { acceptConnection } from './session.ts';
import { loadState, saveState, type ClientIds, type PersistedState } from './state.ts';
import type {
  PaperGatewayControl,
  PaperGatewayOptions,
  Placement,
  TradingHoursMode,
} from './server-types.ts';

export type * from './server-types.ts';

/** The gateway: listener, book, and control. */
export class PaperGatewayServer implements GatewayContext {
  readonly host: string;
  port: number;
  readonly account: string;
  readonly seed: number;
  readonly prices: PriceBook;
  readonly derivatives: DerivativeCatalog;
  readonly engine: MatchingEngine;
  readonly clock: SimulatedClock;
  readonly history: PriceHistory;
  readonly faults = new Faults();
  readonly control: PaperGatewayControl;
  /** The bearer token the HTTP control interface requires. */
  readonly controlToken: string;
  readonly tickIntervalMs: number;
  readonly pacingLimit: number;
  readonly stateFile: string | undefined;
  readonly log: ((line: string) => void) | null;
  readonly accounts = new Map<string, Account>();
  readonly connections = new Set<Connection>();
  readonly clientIds = new Map<number, ClientIds>();
  readonly placements: Placement[] = [];
  readonly pacingViolations = new Map<number, number>();
  readonly messagesByClient = new Map<number, number>();
  readonly unpaced: Set<number>;
  readonly pendingTimers = new Set<NodeJS.Timeout>();
  tradingHoursMode: TradingHoursMode;
  /** A forced regular-hours state (control.setTradingHours), or null to follow the mode. */
  rthOverride: boolean | null;
  connectivityLost = false;
  messages = 0;
  closing = false;
  nextPermId: number;
  execSeq = 0;
  readonly #execPrefix: string;
  #server: net.Server | null = null;
  #timer: NodeJS.Timeout | null = null;
  #saveTimer: NodeJS.Timeout | null = null;

  constructor(options: PaperGatewayOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 4002;
    this.account = options.account ?? 'DU1234567';
    this.seed = options.seed ?? 1;
    this.tickIntervalMs = options.tickIntervalMs ?? 1000;
    this.pacingLimit = options.pacingLimit ?? 50;
    this.stateFile = options.stateFile;
    this.log = options.log ?? null;
    this.unpaced = new Set(options.unpacedClientIds ?? []);
    this.tradingHoursMode = options.tradingHours ?? 'always';
    this.rthOverride = options.rth === false ? false : null;
    this.controlToken = options.controlToken ?? randomBytes(24).toString('base64url');
    const start = options.clockStart === undefined ? undefined : parseInstant(options.clockStart);
    if (options.clockStart !== undefined && start === undefined)
      throw new ControlError(`clockStart is not a date-time: ${String(options.clockStart)}`);
    this.clock = new SimulatedClock(start, options.clockRate ?? 1);
    this.nextPermId = 1_700_000_000 + (hashString(`perm${this.seed}`) % 100_000_000);
    this.#execPrefix = (hashString(`exec${this.seed}`) >>> 0).toString(16).padStart(8, '0');
    this.prices = new PriceBook(options.universe ?? DEFAULT_UNIVERSE, this.seed);
    this.derivatives = new DerivativeCatalog(this.prices, () => this.clock.now());
    this.history = new PriceHistory(this.prices, this.seed, this.clock.now());
    this.engine = new MatchingEngine({
      prices: this.prices,
      account: (id) => this.accountFor(id),
      nextPermId: () => this.nextPermId++,
      nextExecId: () => `${this.#execPrefix}.${(++this.execSeq).toString(16).padStart(8, '0')}.01.01`,
      now: () => this.clock.now(),
      isRth: () => this.session() === 'regular',
      isExtendedHours: () => this.session() !== 'closed',
    });
    this.accountFor(this.account);
    if (this.stateFile) this.#restore(this.stateFile);
    this.control = makeControl(this);
  }

  /** The session now: the override, else always regular, else the exchange calendar at the clock. */
  session(): SessionState {
    if (this.rthOverride !== null) return this.rthOverride ? 'regular' : 'after-hours';
    if (this.tradingHoursMode === 'always') return 'regular';
    return sessionAt(this.clock.now());
  }

  /** Whether an instant counts for bars (useRTH: regular hours only; else any open session). */
  inSession(useRth: boolean): (t: number) => boolean {
    if (this.tradingHoursMode === 'always') return () => true;
    return useRth ? (t) => sessionAt(t) === 'regular' : (t) => sessionAt(t) !== 'closed';
  }

  accountFor(id: string): Account {
    let account = this.accounts.get(id);
    if (!account) {
      account = new Account(id);
      this.accounts.set(id, account);
    }
    return account;
  }

  get mainAccount(): Account {
    return this.accountFor(this.account);
  }

  /** Live connections of a client id. */
  connectionsOf(clientId: number): Connection[] {
    return [...this.connections].filter((c) => c.clientId === clientId && !c.closed);
  }

  /** Order-id bookkeeping of a client id. */
  ids(clientId: number): ClientIds {
    let ids = this.clientIds.get(clientId);
    if (!ids) {
      ids = { next: 1, max: 0 };
      this.clientIds.set(clientId, ids);
    }
    return ids;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts listening (and the price timer). */
  async listen(): Promise<void> {
    await this.bind(this.port);
    if (this.tickIntervalMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => this.control.step(), this.tickIntervalMs);
      this.#timer.unref();
    }
  }

  /** Opens the listening socket on a port. */
  bind(port: number): Promise<void> {
    const server = net.createServer((socket) => acceptConnection(this, socket));
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

  /** Drops every socket and closes the port. */
  async stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const c of this.connections) {
      c.closed = true;
      c.socket.destroy();
    }
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops everything and writes the state file. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    await this.stopListening();
    this.flushState();
  }

  // ---------------------------------------------------------------- persistence

  #restore(path: string): void {
    const state = loadState(path);
    if (!state) return;
    this.nextPermId = state.nextPermId;
    this.execSeq = state.execSeq;
    for (const [id, ids] of Object.entries(state.clientIds)) this.clientIds.set(Number(id), { ...ids });
    this.derivatives.readmit([...state.orders, ...state.executions]);
    this.engine.restore(state.orders, state.executions);
    this.accounts.set(state.account.id, Account.fromJSON(state.account));
    this.prices.restore(state.quotes);
  }

  /** Writes the state file soon (coalescing bursts of changes). */
  scheduleSave(): void {
    if (!this.stateFile || this.#saveTimer || this.closing) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.flushState();
    }, 50);
    this.#saveTimer.unref();
  }

  /** Writes the state file now. */
  flushState(): void {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    if (!this.stateFile) return;
    const state: PersistedState = {
      format: 1,
      savedAt: new Date().toISOString(),
      nextPermId: this.nextPermId,
      execSeq: this.execSeq,
      clientIds: Object.fromEntries([...this.clientIds].map(([id, ids]) => [String(id), ids])),
      orders: this.engine.orders(),
      executions: this.engine.executions(),
      account: this.mainAccount.toJSON(),
      quotes: this.prices.snapshot(),
    };
    saveState(this.stateFile, state);
  }
}
