import type { WantedSymbol } from './plan.ts';
import type { Quote } from './quote.ts';

/** A tenant's standing request for a symbol's stream. */
export interface TenantSubscription {
  symbol: string;
  createdAt: string;
  createdBy: string;
}

/** A request for a one-off snapshot of a symbol nobody streams, left for the bridge to serve. */
export interface SnapshotRequest {
  symbol: string;
  requestId: string;
  requestedAt: string;
  status: 'pending' | 'failed';
  reason?: string;
}

/** Everything the bridge needs to know about what is wanted, read in one go. */
export interface WantedState {
  symbols: WantedSymbol[];
  snapshots: SnapshotRequest[];
  linesInUse: number;
}

/**
 * Port: tenant subscriptions and the platform-wide list the bridge follows. One item per symbol
 * counts the tenants that want it, and a line counter keeps the sum of distinct symbols within the
 * broker's limit; the store moves them atomically with the tenant's own item.
 */
export interface SubscriptionStore {
  /**
   * Adds the symbols the tenant does not hold yet, all or none. Throws MarketDataLineLimitError
   * when the symbols nobody streams yet would not fit under `lineLimit`.
   */
  subscribe(
    tenantId: string,
    symbols: readonly string[],
    options: { lineLimit: number; actor: string; now: string },
  ): Promise<{ added: string[] }>;
  /** False when the tenant held no such subscription. */
  unsubscribe(tenantId: string, symbol: string): Promise<boolean>;
  list(tenantId: string): Promise<TenantSubscription[]>;
  /** Whether any tenant streams the symbol. */
  isWanted(symbol: string): Promise<boolean>;
  /** The bridge's view: wanted symbols, open snapshot requests, lines in use. */
  wanted(): Promise<WantedState>;
  requestSnapshot(request: SnapshotRequest, ttlSeconds: number): Promise<void>;
  snapshotRequest(symbol: string): Promise<SnapshotRequest | undefined>;
  /** Ends a snapshot request if it is still `requestId`: removed when served, marked when it failed. */
  finishSnapshot(symbol: string, requestId: string, failure?: string): Promise<void>;
}

/** Port: the quote cache (one item per symbol, shared by every tenant). */
export interface QuoteCache {
  put(quote: Quote): Promise<void>;
  get(symbol: string): Promise<Quote | undefined>;
}
