/**
 * One client socket: its framing state, the version negotiated at its handshake, its client
 * id, pacing window and subscriptions. Everything sent on it is encoded at its version.
 */
import type net from 'node:net';
import { encodeFrame, FrameReader, type Field } from './framing.ts';
import { MAX_SUPPORTED_VERSION } from './versions.ts';

/** A market data subscription. */
export interface MarketDataSubscription {
  symbol: string;
  delayed: boolean;
}

/** A keepUpToDate historical data subscription. */
export interface BarSubscription {
  symbol: string;
  barSize: string;
  useRth: boolean;
  formatDate: number;
}

/** One client connection. */
export class Connection {
  readonly socket: net.Socket;
  readonly reader = new FrameReader();
  clientId: number | null = null;
  /** The server version negotiated at the handshake (0 before it). */
  version = 0;
  marketDataType = 1;
  autoBind = false;
  positionsSubscribed = false;
  accountUpdates = false;
  readonly marketData = new Map<number, MarketDataSubscription>();
  readonly bars = new Map<number, BarSubscription>();
  /** reqPnL subscriptions by request id. */
  readonly pnl = new Set<number>();
  /** reqPnLSingle subscriptions: request id → contract id. */
  readonly pnlSingle = new Map<number, number>();
  /** reqPositionsMulti subscriptions: request id → model code. */
  readonly positionsMulti = new Map<number, string>();
  /** reqAccountUpdatesMulti subscriptions: request id → model code and whether ledger/NLV only. */
  readonly accountMulti = new Map<number, { modelCode: string; ledgerAndNlv: boolean }>();
  readonly recent: number[] = [];
  messages = 0;
  closed = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
  }

  /** The version to encode at (the highest before the handshake, when nothing is sent anyway). */
  get v(): number {
    return this.version || MAX_SUPPORTED_VERSION;
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
