/**
 * The live stream's messages and rules (contract: docs/api-v1.md, "Streaming"). Pure: which
 * stream a bus event belongs to, what a client may send, what the server sends back.
 */
import * as z from 'zod';
import type { Scope } from '../access/caller.ts';
import { SYMBOL } from '../orders/order.ts';
import { marketDataTypeId, type Quote } from '../marketdata/quote.ts';
import { StreamCursorInvalidError } from './errors.ts';

/** Close codes the server uses (4000–4999 are the application's own). */
export const CLOSE = {
  /** Bad or missing credentials, or no `auth` within the deadline. */
  unauthenticated: 4401,
  /** An authenticated caller with no tenant (the platform operator). */
  forbidden: 4403,
  /** The client reads slower than events arrive; it reconnects with its cursor. */
  slowConsumer: 4408,
} as const;

/** How long a socket may stay open without authenticating. */
export const AUTH_DEADLINE_MS = 5000;
/** Events a resume replays at most; a client further behind gets `reset` and reloads. */
export const MAX_REPLAY = 1000;
/** How long events stay replayable. */
export const RETENTION_SECONDS = 24 * 3600;
/** API Gateway closes a WebSocket after two hours; connection items outlive that a little. */
export const CONNECTION_TTL_SECONDS = 2 * 3600 + 600;

export const FIXED_STREAMS = ['orders', 'positions', 'pnl', 'strategies'] as const;

/** The prefix of a symbol's quote stream, `quotes:<SYMBOL>`. */
export const QUOTES_PREFIX = 'quotes:';
/** The bus event a coalesced quote update travels as (platform data: no tenant). */
export const QUOTE_EVENT = 'quote.updated';

/** `quotes:<SYMBOL>` (the symbol upper-cased, as the market-data API takes it). */
const QuoteStreamName = z
  .string()
  .trim()
  .regex(/^quotes:/i, 'a stream is orders, positions, pnl, strategies or quotes:<SYMBOL>')
  .transform((s) => `${QUOTES_PREFIX}${s.slice(QUOTES_PREFIX.length).toUpperCase()}`)
  .refine((s) => SYMBOL.test(s.slice(QUOTES_PREFIX.length)), 'quotes:<SYMBOL> needs a ticker such as AAPL');

/** `orders`, `positions`, `pnl`, `strategies` or `quotes:<SYMBOL>`. */
export const StreamName = z.union([z.enum(FIXED_STREAMS), QuoteStreamName]);

/** The symbol of a quote stream; undefined for the tenant's event streams. */
export function quoteSymbol(stream: string): string | undefined {
  return stream.startsWith(QUOTES_PREFIX) ? stream.slice(QUOTES_PREFIX.length) : undefined;
}

/** The scope a caller needs to read a stream, as it would to read the same data over HTTP. */
export function streamScope(stream: string): Scope {
  if (stream === 'positions' || stream === 'pnl') return 'positions:read';
  if (quoteSymbol(stream) !== undefined) return 'marketdata:read';
  return 'orders:read';
}

export const ClientMessage = z.union([
  z.object({ action: z.literal('auth'), token: z.string().min(1).max(8192) }).strict(),
  z.object({ action: z.literal('auth'), apiKey: z.string().min(1).max(512) }).strict(),
  z
    .object({
      action: z.literal('subscribe'),
      streams: z.array(StreamName).min(1).max(50),
      cursor: z.string().min(1).max(200).optional(),
    })
    .strict(),
  z.object({ action: z.literal('unsubscribe'), streams: z.array(StreamName).min(1).max(50) }).strict(),
  z.object({ action: z.literal('ping') }).strict(),
]);
export type ClientMessage = z.output<typeof ClientMessage>;

/** What the server sends. `close`, on an error, is the code the socket is then closed with. */
export type ServerMessage =
  | { type: 'authenticated' }
  | { type: 'subscribed'; streams: string[]; cursor: string }
  | { type: 'unsubscribed'; streams: string[] }
  | { type: 'event'; stream: string; event: string; seq: number; cursor: string; at: string; data: unknown }
  /** A quote: the latest value, not a logged event, so it carries no sequence and is never replayed. */
  | { type: 'event'; stream: string; event: typeof QUOTE_EVENT; at: string; data: unknown }
  | { type: 'reset'; reason: string; cursor: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; close?: number };

/** One bus event as the tenant's stream log keeps it. */
export interface StreamEntry {
  tenantId: string;
  /** The bus event's stable id: a redelivered event is logged once. */
  eventId: string;
  event: string;
  /** Every stream the event belongs to; a socket gets it once, under the first it subscribes to. */
  streams: string[];
  at: string;
  /** The `data` of the webhook of the same event type. */
  data: Record<string, unknown>;
}

/** A logged entry, with its place in the tenant's sequence. */
export interface LoggedEntry extends StreamEntry {
  seq: number;
}

/** The streams a bus event belongs to; none for events the stream does not carry. */
export function streamsOf(detailType: string): string[] {
  if (detailType.startsWith('order.')) return ['orders'];
  // A position's event carries its realized P&L and commissions: the pnl stream's news.
  if (detailType === 'position.changed') return ['positions', 'pnl'];
  if (detailType.startsWith('strategy.')) return ['strategies'];
  return [];
}

const BusDetail = z.looseObject({
  tenantId: z.string().min(1),
  eventId: z.string().min(1),
  at: z.string().optional(),
});

/**
 * The log entry of a bus event (an EventBridge envelope), or undefined when the stream does not
 * carry it. `at` and `data` are chosen as the webhook fan-out chooses them (core/webhooks), so a
 * stream message and a webhook of one event say the same thing.
 */
export function streamEntry(envelope: {
  'detail-type': string;
  detail: unknown;
  time?: string;
}): StreamEntry | undefined {
  const parsed = BusDetail.safeParse(envelope.detail);
  if (!parsed.success) return undefined;
  const detail = parsed.data;
  const streams = streamsOf(envelope['detail-type']);
  if (streams.length === 0) return undefined;
  return {
    tenantId: detail.tenantId,
    eventId: detail.eventId,
    event: envelope['detail-type'],
    streams,
    at: detail.at ?? envelope.time ?? new Date(0).toISOString(),
    data: detail,
  };
}

const CURSOR_PREFIX = 's1.';

/** The opaque resume cursor of a position in the tenant's sequence. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url');
}

/** The sequence number a cursor stands for; throws StreamCursorInvalidError for anything else. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 0 || encodeCursor(seq) !== cursor)
    throw new StreamCursorInvalidError(cursor);
  return seq;
}

/** The stream under which a socket subscribed to `subscribed` receives `entry`, if any. */
export function deliveredStream(entry: Pick<StreamEntry, 'streams'>, subscribed: readonly string[]) {
  return entry.streams.find((s) => subscribed.includes(s));
}

/** The event message of a logged entry for one socket. */
export function eventMessage(entry: LoggedEntry, stream: string): ServerMessage {
  return {
    type: 'event',
    stream,
    event: entry.event,
    seq: entry.seq,
    cursor: encodeCursor(entry.seq),
    at: entry.at,
    data: entry.data,
  };
}

const QuoteDetail = z.looseObject({
  symbol: z.string().regex(SYMBOL),
  at: z.string().min(1),
  marketDataType: z.number().int(),
  source: z.enum(['stream', 'snapshot']),
  bid: z.string().optional(),
  ask: z.string().optional(),
  last: z.string().optional(),
  bidSize: z.string().optional(),
  askSize: z.string().optional(),
  lastSize: z.string().optional(),
});

/** The quote a `quote.updated` bus event carries; undefined for any other event or a malformed one. */
export function quoteOf(envelope: { 'detail-type': string; detail: unknown }): Quote | undefined {
  if (envelope['detail-type'] !== QUOTE_EVENT) return undefined;
  const parsed = QuoteDetail.safeParse(envelope.detail);
  const type = parsed.success ? marketDataTypeId(parsed.data.marketDataType) : undefined;
  if (!parsed.success || type === undefined) return undefined;
  const { symbol, at, source, bid, ask, last, bidSize, askSize, lastSize } = parsed.data;
  const sides = { bid, ask, last, bidSize, askSize, lastSize };
  const quote: Quote = { symbol, at, marketDataType: type, source };
  for (const [field, value] of Object.entries(sides))
    if (value !== undefined) quote[field as keyof typeof sides] = value;
  return quote;
}
