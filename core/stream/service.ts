/**
 * The live stream's use cases: authenticate a socket from its first message, subscribe (resuming
 * from a cursor), and fan a bus event out to the tenant's subscribed sockets. Every socket has a
 * watermark: deliveries claim a contiguous range of the tenant's sequence by moving it with a
 * conditional write, so a resume and a concurrent fan-out never send an event twice or skip one.
 */
import { effectiveScopes, type Caller } from '../access/caller.ts';
import { CredentialRejectedError } from '../access/errors.ts';
import { DependencyError, ForbiddenError, RateLimitedError } from '../errors.ts';
import {
  CLOSE,
  ClientMessage,
  MAX_REPLAY,
  decodeCursor,
  deliveredStream,
  encodeCursor,
  eventMessage,
  quoteOf,
  quoteSymbol,
  QUOTES_PREFIX,
  streamEntry,
  streamScope,
  type LoggedEntry,
  type ServerMessage,
} from './model.ts';
import {
  StreamCursorInvalidError,
  StreamMessageInvalidError,
  StreamNotAllowedError,
  StreamNotAuthenticatedError,
  quotesNotSubscribed,
} from './errors.ts';
import type {
  ConnectionStorePort,
  ConnectionsPort,
  MarketDataAccessPort,
  QuoteSocketsPort,
  StreamConnection,
  StreamLogPort,
} from './ports.ts';
import { QuoteStreams } from './quotes.ts';
import { connectionKey, oneAtATime } from './turns.ts';

export interface StreamDeps {
  log: StreamLogPort;
  connections: ConnectionStorePort;
  sockets: ConnectionsPort;
  quoteSockets: QuoteSocketsPort;
  /** Whether a tenant may follow a symbol's quotes, and the cached quote (core/marketdata). */
  marketData: MarketDataAccessPort;
  /** The HTTP API's credential resolution (core/access/authenticate.ts through the authorizer). */
  authenticate(credentials: { token?: string; apiKey?: string; sourceIp: string }): Promise<Caller>;
}

/** What the fan-out did with one bus event. */
export interface FanOutResult {
  seq?: number;
  duplicate: boolean;
  sent: number;
  gone: number;
}

export class StreamService {
  private readonly deps: StreamDeps;
  private readonly quotes: QuoteStreams;

  constructor(deps: StreamDeps) {
    this.deps = deps;
    this.quotes = new QuoteStreams(deps);
  }

  /** Handles one client frame; a failure of the table or of `@connections` is told to the client, then thrown. */
  async receive(connectionId: string, body: string, sourceIp: string): Promise<void> {
    try {
      await this.handle(connectionId, body, sourceIp);
    } catch (error) {
      await this.deps.sockets
        .post(connectionId, {
          type: 'error',
          code: error instanceof DependencyError ? 'UNAVAILABLE' : 'INTERNAL',
          message: 'The stream could not handle this message; send it again',
        })
        .catch(() => undefined);
      throw error;
    }
  }

  private async handle(connectionId: string, body: string, sourceIp: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = parseMessage(body);
    } catch (error) {
      const tenantId = await this.deps.connections.tenantOf(connectionId);
      if (tenantId === undefined) return this.refuse(connectionId, new StreamNotAuthenticatedError());
      return this.reply(connectionId, errorMessage(error));
    }
    if (message.action === 'auth') return this.authenticate(connectionId, message, sourceIp);
    const tenantId = await this.deps.connections.tenantOf(connectionId);
    if (tenantId === undefined) return this.refuse(connectionId, new StreamNotAuthenticatedError());
    if (message.action === 'ping') return this.reply(connectionId, { type: 'pong' });
    const connection = await this.deps.connections.get(tenantId, connectionId);
    if (!connection) return this.refuse(connectionId, new StreamNotAuthenticatedError());
    if (message.action === 'unsubscribe') {
      const dropped: readonly string[] = message.streams;
      const streams = connection.streams.filter((s) => !dropped.includes(s));
      if (streams.length < connection.streams.length)
        await this.deps.connections.setSubscription(tenantId, connectionId, streams);
      await this.quotes.remove(
        connection,
        connection.quotes.filter((symbol) => dropped.includes(`${QUOTES_PREFIX}${symbol}`)),
      );
      return this.reply(connectionId, { type: 'unsubscribed', streams: message.streams });
    }
    await this.subscribe(connection, message.streams, message.cursor);
  }

  /** Forgets a closed socket. */
  async disconnect(connectionId: string): Promise<void> {
    const tenantId = await this.deps.connections.tenantOf(connectionId);
    const connection =
      tenantId === undefined ? undefined : await this.deps.connections.get(tenantId, connectionId);
    if (connection) await this.quotes.remove(connection, connection.quotes);
    await this.deps.connections.remove(connectionId, tenantId);
  }

  /**
   * Logs a bus event under the next sequence number of its tenant and delivers it to subscribed
   * sockets; a quote update goes to the sockets following its symbol, unlogged.
   */
  async publish(envelope: { 'detail-type': string; detail: unknown; time?: string }): Promise<FanOutResult> {
    const quote = quoteOf(envelope);
    if (quote) {
      const result = await this.quotes.publish(quote);
      for (const connectionId of result.gone) await this.disconnect(connectionId);
      return { duplicate: !result.fresh, sent: result.sent, gone: result.gone.length };
    }
    const entry = streamEntry(envelope);
    if (!entry) return { duplicate: false, sent: 0, gone: 0 };
    const logged = await this.deps.log.append(entry);
    if (!logged) return { duplicate: true, sent: 0, gone: 0 };
    const sockets = await this.deps.connections.subscribed(entry.tenantId);
    const results = await Promise.all(
      sockets.filter((c) => c.watermark < logged.seq).map((c) => this.deliver(c, logged)),
    );
    return {
      seq: logged.seq,
      duplicate: false,
      sent: results.reduce((n, r) => n + r.sent, 0),
      gone: results.filter((r) => r.gone).length,
    };
  }

  private async authenticate(
    connectionId: string,
    message: Extract<ClientMessage, { action: 'auth' }>,
    sourceIp: string,
  ): Promise<void> {
    if ((await this.deps.connections.tenantOf(connectionId)) !== undefined)
      return this.reply(connectionId, {
        type: 'error',
        code: 'STREAM_ALREADY_AUTHENTICATED',
        message: 'This socket is authenticated already',
      });
    let caller: Caller;
    try {
      caller = await this.deps.authenticate({
        ...('token' in message ? { token: message.token } : { apiKey: message.apiKey }),
        sourceIp,
      });
    } catch (error) {
      if (error instanceof CredentialRejectedError || error instanceof RateLimitedError)
        return this.refuse(connectionId, error);
      throw error;
    }
    if (caller.kind === 'operator' || caller.tenantId === '') {
      return this.refuse(
        connectionId,
        new ForbiddenError('The platform operator acts on tenants and has no stream of its own'),
        CLOSE.forbidden,
      );
    }
    await this.deps.connections.add({
      connectionId,
      tenantId: caller.tenantId,
      principal: caller.principal,
      scopes: [...effectiveScopes(caller)],
      streams: [],
      quotes: [],
      watermark: 0,
    });
    await this.reply(connectionId, { type: 'authenticated' });
  }

  private async subscribe(connection: StreamConnection, wanted: string[], cursor?: string): Promise<void> {
    const { tenantId, connectionId } = connection;
    const denied = wanted.find((stream) => !connection.scopes.includes(streamScope(stream)));
    if (denied !== undefined) {
      const error = new StreamNotAllowedError(
        'FORBIDDEN',
        `The ${denied} stream needs the ${streamScope(denied)} scope`,
        denied,
      );
      return this.reply(connectionId, errorMessage(error));
    }
    const symbols = [...new Set(wanted.map(quoteSymbol).filter((s) => s !== undefined))];
    const refused = await this.quotes.firstNotSubscribed(tenantId, symbols);
    if (refused !== undefined) return this.reply(connectionId, errorMessage(quotesNotSubscribed(refused)));
    const added = symbols.filter((s) => !connection.quotes.includes(s));
    const quoteStreams = [...connection.quotes, ...added].map((s) => `${QUOTES_PREFIX}${s}`);
    const fixed = wanted.filter((s) => quoteSymbol(s) === undefined);
    // The whole subscribe holds the socket's turn, so nothing fanned out in this process meanwhile
    // reaches the socket before `subscribed`, or between the events a resume replays.
    await oneAtATime(connectionKey(connection), async () => {
      await this.quotes.follow(connection, added);
      await this.subscribeEvents(connection, fixed, quoteStreams, cursor);
      await this.quotes.sendLatest(connectionId, added);
    });
  }

  /** The event streams' part of a subscribe, in the socket's turn; `quoteStreams` only join the reply. */
  private async subscribeEvents(
    connection: StreamConnection,
    wanted: string[],
    quoteStreams: string[],
    cursor?: string,
  ): Promise<void> {
    const { tenantId, connectionId } = connection;
    const streams = [...new Set([...connection.streams, ...wanted])];
    const subscribed = (at: number): ServerMessage => ({
      type: 'subscribed',
      streams: [...streams, ...quoteStreams],
      cursor: encodeCursor(at),
    });
    if (wanted.length === 0 && cursor === undefined)
      return this.reply(connectionId, subscribed(connection.watermark));
    let from: number;
    try {
      from = cursor === undefined ? -1 : decodeCursor(cursor);
    } catch (error) {
      return this.reply(connectionId, errorMessage(error));
    }
    const head = await this.deps.log.head(tenantId);
    if (from < 0) {
      // A socket already subscribed keeps its place; a new one starts at the head.
      const watermark = connection.streams.length > 0 ? undefined : head;
      const start = watermark ?? connection.watermark;
      // Stored before the reply, so every event after `subscribed` reaches the socket.
      const now = await this.deps.connections.setSubscription(tenantId, connectionId, streams, watermark);
      await this.reply(connectionId, subscribed(start));
      if (now > start) await this.deliverNow({ ...connection, streams, watermark: start }, undefined);
      return;
    }
    const missed = from > head ? [] : await this.deps.log.readAfter(tenantId, from, MAX_REPLAY + 1);
    const tooOld =
      from > head || (head > from && (missed[0]?.seq !== from + 1 || missed.length > MAX_REPLAY));
    if (tooOld) {
      const now = await this.deps.connections.setSubscription(tenantId, connectionId, streams, head);
      await this.reply(connectionId, subscribed(head));
      await this.reply(connectionId, {
        type: 'reset',
        reason: from > head ? 'unknown cursor' : 'cursor too old to replay',
        cursor: encodeCursor(head),
      });
      if (now > head) await this.deliverNow({ ...connection, streams, watermark: head }, undefined);
      return;
    }
    const now = await this.deps.connections.setSubscription(tenantId, connectionId, streams, from);
    await this.reply(connectionId, subscribed(from));
    const replayed = { ...connection, streams, watermark: from };
    await this.deliverNow(replayed, undefined, missed);
    // Events logged while the replay was read, before the fan-out could see this subscription.
    if (now > (missed.at(-1)?.seq ?? from)) await this.deliverNow(replayed, undefined);
  }

  /** `deliverNow` in the socket's turn. */
  private deliver(connection: StreamConnection, latest: LoggedEntry | undefined) {
    return oneAtATime(connectionKey(connection), () => this.deliverNow(connection, latest));
  }

  /**
   * Brings one socket up to date: claims the entries after its watermark (up to `latest`, when the
   * caller has it in hand) and sends those it subscribed to, in order.
   */
  private async deliverNow(
    connection: StreamConnection,
    latest: LoggedEntry | undefined,
    prefetched?: LoggedEntry[],
  ): Promise<{ sent: number; gone: boolean }> {
    let current = connection;
    let sent = 0;
    let page = prefetched;
    for (let round = 0; round < 50; round++) {
      const w = current.watermark;
      if (latest && w >= latest.seq) break;
      const entries =
        page ??
        (latest && latest.seq === w + 1
          ? [latest]
          : await this.deps.log.readAfter(current.tenantId, w, MAX_REPLAY));
      page = undefined;
      if (entries.length === 0) break;
      const last = entries[entries.length - 1]!.seq;
      if (!(await this.deps.connections.advance(current.tenantId, current.connectionId, w, last))) {
        const fresh = await this.deps.connections.get(current.tenantId, current.connectionId);
        if (!fresh || fresh.streams.length === 0) break;
        current = fresh;
        continue;
      }
      if (entries[0]!.seq !== w + 1) {
        // What this socket missed expired from the log before it could be sent: the client reloads.
        const reset: ServerMessage = { type: 'reset', reason: 'events expired', cursor: encodeCursor(last) };
        if ((await this.post(current.connectionId, reset)) === 'gone') return { sent, gone: true };
      }
      for (const entry of entries) {
        const stream = deliveredStream(entry, current.streams);
        if (stream === undefined) continue;
        if ((await this.post(current.connectionId, eventMessage(entry, stream))) === 'gone')
          return { sent, gone: true };
        sent++;
      }
      current = { ...current, watermark: last };
      if (!latest && entries.length < MAX_REPLAY) break;
    }
    return { sent, gone: false };
  }

  private async post(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'> {
    const outcome = await this.deps.sockets.post(connectionId, message);
    if (outcome === 'gone') await this.disconnect(connectionId);
    return outcome;
  }

  private async reply(connectionId: string, message: ServerMessage): Promise<void> {
    await this.post(connectionId, message);
  }

  /** Tells the client why, then closes its socket. */
  private async refuse(
    connectionId: string,
    error: Error & { code?: string },
    close: number = CLOSE.unauthenticated,
  ) {
    await this.deps.sockets.post(connectionId, {
      type: 'error',
      code: error.code ?? 'UNAUTHENTICATED',
      message: error.message,
      close,
    });
    await this.deps.sockets.close(connectionId);
  }
}

function parseMessage(body: string): ClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new StreamMessageInvalidError('Messages are JSON objects with an "action"');
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StreamMessageInvalidError(
      `Invalid message${issue ? ` at ${issue.path.join('.') || 'action'}: ${issue.message}` : ''}`,
    );
  }
  return parsed.data;
}

function errorMessage(error: unknown): ServerMessage {
  if (
    error instanceof StreamMessageInvalidError ||
    error instanceof StreamCursorInvalidError ||
    error instanceof StreamNotAllowedError
  )
    return { type: 'error', code: error.code, message: error.message };
  throw error;
}
