/**
 * Quotes on the stream (`quotes:<SYMBOL>`). A quote is platform data and the latest value of a
 * symbol, not a tenant event: it is not logged, carries no sequence and is never replayed. A
 * socket may follow a symbol only while its tenant holds a market-data subscription to it; that is
 * checked when it subscribes and again, per tenant, for every update, so a tenant that ends its
 * subscription stops receiving the quotes (and is told so).
 */
import { quoteView, type Quote } from '../marketdata/quote.ts';
import { quotesNotSubscribed } from './errors.ts';
import { QUOTE_EVENT, QUOTES_PREFIX, type ServerMessage } from './model.ts';
import type { ConnectionsPort, MarketDataAccessPort, QuoteSocketsPort, StreamConnection } from './ports.ts';
import { connectionKey, oneAtATime } from './turns.ts';

export interface QuoteStreamDeps {
  sockets: ConnectionsPort;
  quoteSockets: QuoteSocketsPort;
  marketData: MarketDataAccessPort;
}

/** What one quote update did. */
export interface QuotePublishResult {
  /** False when a newer update of the symbol was already sent (a late or repeated one is dropped). */
  fresh: boolean;
  sent: number;
  /** Sockets whose tenant no longer subscribes to the symbol: told, and unsubscribed. */
  ended: number;
  gone: string[];
}

/** The message of a quote update; `stale` is false: it is the update itself. */
export function quoteMessage(quote: Quote): ServerMessage {
  return {
    type: 'event',
    stream: `${QUOTES_PREFIX}${quote.symbol}`,
    event: QUOTE_EVENT,
    at: quote.at,
    data: quoteView(quote, { nowMs: Date.parse(quote.at), staleAfterMs: Infinity, subscribed: true }),
  };
}

export class QuoteStreams {
  private readonly deps: QuoteStreamDeps;
  /** The newest update sent per symbol by this process; bounded like the symbols a broker streams. */
  private readonly newest = new Map<string, number>();

  constructor(deps: QuoteStreamDeps) {
    this.deps = deps;
  }

  /** The first symbol among these the tenant holds no market-data subscription to. */
  async firstNotSubscribed(tenantId: string, symbols: readonly string[]): Promise<string | undefined> {
    const allowed = await Promise.all(symbols.map((s) => this.deps.marketData.subscribes(tenantId, s)));
    return symbols.find((_, i) => !allowed[i]);
  }

  /** Starts the symbols' quotes on a socket. */
  async follow(connection: StreamConnection, symbols: readonly string[]): Promise<void> {
    if (symbols.length > 0) await this.deps.quoteSockets.add(connection, symbols);
  }

  /** Sends each symbol's cached quote, so a new follower need not wait for the next update. */
  async sendLatest(connectionId: string, symbols: readonly string[]): Promise<void> {
    const latest = await Promise.all(symbols.map((s) => this.deps.marketData.latest(s)));
    for (const quote of latest) if (quote) await this.deps.sockets.post(connectionId, quoteMessage(quote));
  }

  async remove(connection: Pick<StreamConnection, 'tenantId' | 'connectionId'>, symbols: readonly string[]) {
    if (symbols.length > 0) await this.deps.quoteSockets.remove(connection, symbols);
  }

  /** Sends a coalesced quote update to every socket that follows the symbol and may. */
  async publish(quote: Quote): Promise<QuotePublishResult> {
    const at = Date.parse(quote.at);
    const newest = this.newest.get(quote.symbol);
    if (newest !== undefined && !(at > newest)) return { fresh: false, sent: 0, ended: 0, gone: [] };
    if (this.newest.size >= 10_000 && newest === undefined) this.newest.clear();
    this.newest.set(quote.symbol, at);

    const subscribers = await this.deps.quoteSockets.subscribers(quote.symbol);
    const tenants = [...new Set(subscribers.map((s) => s.tenantId))];
    const allowed = new Set(
      (
        await Promise.all(
          tenants.map(async (t) => ((await this.deps.marketData.subscribes(t, quote.symbol)) ? t : '')),
        )
      ).filter((t) => t !== ''),
    );
    const message = quoteMessage(quote);
    const refusal = quotesNotSubscribed(quote.symbol);
    const result: QuotePublishResult = { fresh: true, sent: 0, ended: 0, gone: [] };
    await Promise.all(
      subscribers.map(async (socket) => {
        if (allowed.has(socket.tenantId)) {
          // In the socket's turn: never ahead of the `subscribed` of a subscribe in progress.
          const posted = oneAtATime(connectionKey(socket), () =>
            this.deps.sockets.post(socket.connectionId, message),
          );
          if ((await posted) === 'gone') result.gone.push(socket.connectionId);
          else result.sent++;
          return;
        }
        await this.deps.quoteSockets.remove(socket, [quote.symbol]);
        await this.deps.sockets.post(socket.connectionId, {
          type: 'error',
          code: refusal.code,
          message: `${refusal.message} (the subscription ended)`,
        });
        result.ended++;
      }),
    );
    return result;
  }
}
