import type { Quote } from '../marketdata/quote.ts';
import type { LoggedEntry, ServerMessage, StreamEntry } from './model.ts';

/** A socket that authenticated, as the table keeps it under its tenant. */
export interface StreamConnection {
  connectionId: string;
  tenantId: string;
  principal: string;
  /** The caller's effective scopes when it authenticated; a subscribe needs the stream's read scope. */
  scopes: string[];
  /** Event streams it subscribed to; empty until the first `subscribe`. */
  streams: string[];
  /** Symbols whose quotes it subscribed to (`quotes:<SYMBOL>`); kept apart from the logged streams. */
  quotes: string[];
  /** The last sequence number this socket has been given (or skipped, when not subscribed). */
  watermark: number;
}

/** The tenant's event log: one sequence per tenant, one entry per bus event. */
export interface StreamLogPort {
  /** Logs the entry under the next sequence number; undefined when this event id is already logged. */
  append(entry: StreamEntry): Promise<LoggedEntry | undefined>;
  /** The last sequence number assigned (0 before the first event). */
  head(tenantId: string): Promise<number>;
  /** Entries after `afterSeq`, oldest first, that have not expired. */
  readAfter(tenantId: string, afterSeq: number, limit: number): Promise<LoggedEntry[]>;
}

export interface ConnectionStorePort {
  /** Records an authenticated socket (and the pointer from its id to its tenant). */
  add(connection: StreamConnection): Promise<void>;
  /** The tenant of a socket, if it authenticated. */
  tenantOf(connectionId: string): Promise<string | undefined>;
  get(tenantId: string, connectionId: string): Promise<StreamConnection | undefined>;
  /** The tenant's sockets that subscribed to something. */
  subscribed(tenantId: string): Promise<StreamConnection[]>;
  /**
   * Sets a socket's streams (and its watermark, unless undefined: kept as it is) and returns the
   * tenant's head after the change. An event logged after that reaches the socket through the
   * fan-out; one logged before may not, and the caller sends it (a claim keeps it single).
   */
  setSubscription(
    tenantId: string,
    connectionId: string,
    streams: string[],
    watermark?: number,
  ): Promise<number>;
  /** Moves the watermark from `from` to `to`; false when another delivery moved it first. */
  advance(tenantId: string, connectionId: string, from: number, to: number): Promise<boolean>;
  remove(connectionId: string, tenantId?: string): Promise<void>;
}

/** API Gateway's `@connections` (or the local gateway's). */
export interface ConnectionsPort {
  /** Sends one message; `gone` when the socket is closed (or was closed for reading too slowly). */
  post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'>;
  close(connectionId: string): Promise<void>;
}

/** The sockets subscribed to a symbol's quotes, across tenants (quotes are platform data). */
export interface QuoteSocketsPort {
  /** Records that the socket follows these symbols' quotes (kept on its connection too). */
  add(
    connection: Pick<StreamConnection, 'tenantId' | 'connectionId'>,
    symbols: readonly string[],
  ): Promise<void>;
  remove(
    connection: Pick<StreamConnection, 'tenantId' | 'connectionId'>,
    symbols: readonly string[],
  ): Promise<void>;
  /** Every socket following the symbol's quotes, with its tenant. */
  subscribers(symbol: string): Promise<Array<{ tenantId: string; connectionId: string }>>;
}

/**
 * What the stream asks of market data, in one place: whether a tenant holds a market-data
 * subscription to a symbol (its right to the symbol's quotes), and the latest cached quote.
 */
export interface MarketDataAccessPort {
  subscribes(tenantId: string, symbol: string): Promise<boolean>;
  latest(symbol: string): Promise<Quote | undefined>;
}
