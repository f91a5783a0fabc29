/**
 * The bridge's market-data service. It follows the platform-wide wanted list (polled from the
 * table: simple, and self-healing after any crash or reconnect), holds one broker line per wanted
 * symbol, coalesces ticks into at most N cache writes per second per symbol, and serves snapshot
 * requests for symbols nobody streams. The bridge calls onConnected on every new session and on
 * 1101/1102, onDisconnected when the socket or broker connectivity goes.
 */
import { TickCoalescer, type QuoteFields } from '../../core/marketdata/coalescer.ts';
import type { MarketDataConfig } from '../../core/marketdata/config.ts';
import { planLines } from '../../core/marketdata/plan.ts';
import type { QuoteCache, SnapshotRequest, SubscriptionStore } from '../../core/marketdata/ports.ts';
import { marketDataTypeId, type MarketDataTypeId, type Quote } from '../../core/marketdata/quote.ts';
import { EventName, SecType, type Contract, type IBApiInstance } from '../ib.ts';
import type { Logger } from '../log.ts';
import { MARKET_DATA_NOTICES, ibSymbol, isDelayedTick, priceTick, sizeTick } from './ticks.ts';

/** What the service needs of the broker connection (BrokerConnection provides it). */
export interface MarketDataLink {
  /** Sends one paced message on the current session; rejects when there is none. */
  send(fn: (ib: IBApiInstance) => void, urgent?: boolean): Promise<void>;
  /** A request id no other request of the connection uses. */
  requestId(): number;
}

export interface MarketDataOptions {
  link: MarketDataLink;
  quoteCache: QuoteCache;
  subscriptions: Pick<SubscriptionStore, 'wanted' | 'finishSnapshot'>;
  config: MarketDataConfig;
  logger: Logger;
  now?: () => number;
}

export interface MarketDataService {
  /** A session started, or connectivity came back (1101 drops every line, 1102 may keep them). */
  onConnected(): void;
  /** The socket or the broker's connectivity went: lines are dead until the next onConnected. */
  onDisconnected(): void;
  /** Stops polling, writes what is pending, and cancels the lines. */
  stop(): Promise<void>;
  /** Reads the wanted list once and acts on it (the poll loop calls it; tests may too). */
  sync(): Promise<void>;
  /** Symbols with a broker line now. */
  held(): string[];
}

interface StreamRequest {
  kind: 'stream';
  symbol: string;
  type: MarketDataTypeId;
}

interface SnapshotInFlight {
  kind: 'snapshot';
  symbol: string;
  type: MarketDataTypeId;
  request: SnapshotRequest;
  fields: QuoteFields;
  timer: NodeJS.Timeout;
}

type Request = StreamRequest | SnapshotInFlight;

/** Starts the service; it does nothing at the broker until onConnected. */
export function startMarketData(options: MarketDataOptions): MarketDataService {
  const { link, quoteCache, subscriptions, config, logger } = options;
  const now = options.now ?? Date.now;
  const coalescer = new TickCoalescer({ maxWritesPerSecond: config.maxWritesPerSecond });

  let attached: IBApiInstance | null = null;
  let connected = false;
  let stopped = false;
  /** symbol → reqId of its streaming line, and the IBApi instance the lines were opened on. */
  const lines = new Map<string, number>();
  let linesOn: IBApiInstance | null = null;
  const requests = new Map<number, Request>();
  const snapshotsBySymbol = new Map<string, number>();
  const recentlyServed = new Set<string>();
  /** Symbols the broker refused this session (unknown contract, no permission): not asked again until reconnect. */
  const refused = new Map<string, string>();
  let lastOverLimit = '';

  let pollTimer: NodeJS.Timeout | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let syncing: Promise<void> | null = null;

  // ------------------------------------------------------------------ broker events

  const onTickPrice = (reqId: number, tickType: number, value: number) => {
    const fields = priceTick(Number(tickType), value);
    if (fields) onFields(reqId, fields, Number(tickType));
  };
  const onTickSize = (reqId: number, tickType: number | undefined, value: unknown) => {
    const fields = sizeTick(tickType === undefined ? undefined : Number(tickType), value);
    if (fields) onFields(reqId, fields, Number(tickType));
  };
  const onMarketDataType = (reqId: number, type: number) => {
    const request = requests.get(reqId);
    const id = marketDataTypeId(Number(type));
    if (!request || id === undefined) return;
    request.type = id;
    if (request.kind === 'stream') apply(request, {});
  };
  const onSnapshotEnd = (reqId: number) => {
    const request = requests.get(reqId);
    if (request?.kind === 'snapshot') void endSnapshot(reqId, request, 'the snapshot ended without prices');
  };
  const onError = (error: Error, code: number, reqId: number) => {
    const request = requests.get(reqId);
    if (!request || MARKET_DATA_NOTICES.has(Number(code))) return;
    const reason = `IB error ${code}: ${error?.message ?? String(error)}`;
    if (request.kind === 'snapshot') {
      void endSnapshot(reqId, request, reason);
      return;
    }
    logger.warn('market data refused by the broker', { symbol: request.symbol, code, reason });
    refused.set(request.symbol, reason);
    requests.delete(reqId);
    if (lines.get(request.symbol) === reqId) lines.delete(request.symbol);
  };

  function attach(ib: IBApiInstance): void {
    if (attached === ib) return;
    detach();
    attached = ib;
    ib.on(EventName.tickPrice, onTickPrice as never);
    ib.on(EventName.tickSize, onTickSize as never);
    ib.on(EventName.marketDataType, onMarketDataType);
    ib.on(EventName.tickSnapshotEnd, onSnapshotEnd);
    ib.on(EventName.error, onError as never);
  }

  function detach(): void {
    const ib = attached;
    attached = null;
    if (!ib) return;
    ib.off(EventName.tickPrice, onTickPrice as never);
    ib.off(EventName.tickSize, onTickSize as never);
    ib.off(EventName.marketDataType, onMarketDataType);
    ib.off(EventName.tickSnapshotEnd, onSnapshotEnd);
    ib.off(EventName.error, onError as never);
  }

  /** Sends on the current session, attaching to its IBApi first (a new session has a new one). */
  function send(fn: (ib: IBApiInstance) => void): Promise<void> {
    return link.send((ib) => {
      attach(ib);
      fn(ib);
    });
  }

  function onFields(reqId: number, fields: QuoteFields, tickType: number): void {
    const request = requests.get(reqId);
    if (!request) return;
    // IB may serve delayed ticks whatever was asked (no live permission); the quote says so.
    if (isDelayedTick(tickType) && request.type < 3) request.type = request.type === 2 ? 4 : 3;
    if (request.kind === 'stream') apply(request, fields);
    else {
      Object.assign(request.fields, fields);
      const f = request.fields;
      if (f.bid !== undefined && f.ask !== undefined && f.last !== undefined)
        void endSnapshot(reqId, request);
    }
  }

  function apply(request: StreamRequest, fields: QuoteFields): void {
    if (
      coalescer.apply(request.symbol, fields, {
        nowMs: now(),
        marketDataType: request.type,
        source: 'stream',
      })
    )
      scheduleFlush();
  }

  // ------------------------------------------------------------------ cache writes

  function scheduleFlush(): void {
    if (flushTimer || flushing || stopped) return;
    const wait = coalescer.nextDueInMs(now());
    if (wait === undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      flushing = flush().finally(() => {
        flushing = null;
        scheduleFlush();
      });
    }, wait);
  }

  /** Writes every due quote; one flush at a time, so writes of one symbol never overtake each other. */
  async function flush(): Promise<void> {
    const due = coalescer.due(now());
    await Promise.all(
      due.map((quote) =>
        quoteCache.put(quote).catch((error: unknown) => {
          logger.warn('quote cache write failed', { symbol: quote.symbol, error: String(error) });
        }),
      ),
    );
  }

  // ------------------------------------------------------------------ lines

  function contract(symbol: string): Contract {
    return { symbol: ibSymbol(symbol), secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
  }

  async function doSync(): Promise<void> {
    if (!connected || stopped) return;
    const wanted = await subscriptions.wanted();
    if (!connected || stopped) return;
    const plan = planLines(wanted.symbols, new Set(lines.keys()), {
      lineLimit: config.lineLimit,
      skip: new Set(refused.keys()),
    });
    const overLimit = plan.overLimit.join(',');
    if (overLimit !== lastOverLimit) {
      lastOverLimit = overLimit;
      if (overLimit)
        logger.error('market-data line limit reached; symbols left without a line', {
          symbols: plan.overLimit,
          lineLimit: config.lineLimit,
        });
    }
    for (const symbol of plan.cancel) {
      const reqId = lines.get(symbol);
      lines.delete(symbol);
      coalescer.forget(symbol);
      if (reqId === undefined) continue;
      requests.delete(reqId);
      await send((ib) => ib.cancelMktData(reqId));
    }
    for (const symbol of plan.subscribe) {
      const reqId = link.requestId();
      lines.set(symbol, reqId);
      requests.set(reqId, { kind: 'stream', symbol, type: config.marketDataType });
      await send((ib) => {
        linesOn = ib;
        ib.reqMktData(reqId, contract(symbol), '', false, false);
      });
    }
    for (const request of wanted.snapshots) {
      if (request.status !== 'pending' || recentlyServed.has(request.requestId)) continue;
      if (snapshotsBySymbol.has(request.symbol)) continue;
      await startSnapshot(request);
    }
  }

  async function startSnapshot(request: SnapshotRequest): Promise<void> {
    const streamed = lines.has(request.symbol) ? coalescer.latest(request.symbol) : undefined;
    if (streamed) {
      // The symbol is streamed already: its latest values are the snapshot.
      await quoteCache.put(streamed);
      await finish(request);
      return;
    }
    const reqId = link.requestId();
    const timer = setTimeout(() => {
      const current = requests.get(reqId);
      if (current?.kind === 'snapshot')
        void endSnapshot(reqId, current, `no ticks within ${config.snapshotTimeoutMs} ms`);
    }, config.snapshotTimeoutMs);
    const inFlight: SnapshotInFlight = {
      kind: 'snapshot',
      symbol: request.symbol,
      type: config.marketDataType,
      request,
      fields: {},
      timer,
    };
    requests.set(reqId, inFlight);
    snapshotsBySymbol.set(request.symbol, reqId);
    await send((ib) => ib.reqMktData(reqId, contract(request.symbol), '', true, false));
  }

  async function endSnapshot(reqId: number, snapshot: SnapshotInFlight, failure?: string): Promise<void> {
    if (requests.get(reqId) !== snapshot) return;
    requests.delete(reqId);
    clearTimeout(snapshot.timer);
    if (snapshotsBySymbol.get(snapshot.symbol) === reqId) snapshotsBySymbol.delete(snapshot.symbol);
    const hasPrices = Object.values(snapshot.fields).some((v) => v !== null && v !== undefined);
    try {
      if (hasPrices) {
        const quote: Quote = {
          symbol: snapshot.symbol,
          at: new Date(now()).toISOString(),
          marketDataType: snapshot.type,
          source: 'snapshot',
        };
        for (const [k, v] of Object.entries(snapshot.fields))
          if (typeof v === 'string') quote[k as keyof QuoteFields] = v;
        await quoteCache.put(quote);
        await finish(snapshot.request);
      } else {
        await finish(snapshot.request, failure ?? 'no prices');
      }
    } catch (error) {
      logger.warn('snapshot could not be stored', { symbol: snapshot.symbol, error: String(error) });
    }
  }

  async function finish(request: SnapshotRequest, failure?: string): Promise<void> {
    recentlyServed.add(request.requestId);
    if (recentlyServed.size > 1000) recentlyServed.delete(recentlyServed.values().next().value as string);
    await subscriptions.finishSnapshot(request.symbol, request.requestId, failure);
  }

  function dropRequests(): void {
    for (const request of requests.values()) if (request.kind === 'snapshot') clearTimeout(request.timer);
    requests.clear();
    snapshotsBySymbol.clear();
  }

  // ------------------------------------------------------------------ loop

  function sync(): Promise<void> {
    syncing ??= doSync()
      .catch((error: unknown) => logger.warn('market-data sync failed', { error: String(error) }))
      .finally(() => {
        syncing = null;
      });
    return syncing;
  }

  function schedulePoll(): void {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      pollTimer = null;
      void sync().finally(schedulePoll);
    }, config.pollIntervalMs);
  }
  schedulePoll();

  return {
    onConnected() {
      if (stopped) return;
      const previous = [...lines.values()];
      const previousOn = linesOn;
      lines.clear();
      dropRequests();
      refused.clear();
      lastOverLimit = '';
      connected = true;
      void send((ib) => {
        // After 1102 the old lines may still stream on this socket: close them before opening new ones.
        if (ib === previousOn) for (const reqId of previous) ib.cancelMktData(reqId);
        ib.reqMarketDataType(config.marketDataType);
      })
        .then(() => sync())
        .catch((error: unknown) => logger.warn('market data not restored', { error: String(error) }));
    },
    onDisconnected() {
      connected = false;
      dropRequests();
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      if (flushTimer) clearTimeout(flushTimer);
      pollTimer = null;
      flushTimer = null;
      await syncing;
      await flushing;
      // What is due is written; a tick newer than the rate allows is left to the next process.
      await flush();
      if (connected) {
        const reqIds = [...lines.values()];
        await send((ib) => {
          for (const reqId of reqIds) ib.cancelMktData(reqId);
        }).catch(() => undefined);
      }
      connected = false;
      lines.clear();
      dropRequests();
      detach();
    },
    sync,
    held: () => [...lines.keys()].sort(),
  };
}

/** The events of the broker connection market data follows (a BrokerConnection emits them). */
export interface ConnectionEvents {
  on(event: 'session' | 'restored' | 'down', listener: () => void): unknown;
}

/**
 * Ties the service to the broker session: each new session and each restore (1101/1102, after
 * which IB has dropped every subscription) reopens the lines; a lost connection pauses them.
 */
export function followConnection(connection: ConnectionEvents, service: MarketDataService): void {
  connection.on('session', () => service.onConnected());
  connection.on('restored', () => service.onConnected());
  connection.on('down', () => service.onDisconnected());
}
