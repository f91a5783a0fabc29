import { describe, expect, it } from '@jest/globals';
import {
  ClientMessage,
  decodeCursor,
  deliveredStream,
  encodeCursor,
  quoteOf,
  quoteSymbol,
  streamEntry,
  streamScope,
  streamsOf,
} from '../../../core/stream/model.ts';

describe('stream model', () => {
  it('maps bus events to their streams; others are not carried', () => {
    expect(streamsOf('order.filled')).toEqual(['orders']);
    expect(streamsOf('position.changed')).toEqual(['positions', 'pnl']);
    expect(streamsOf('strategy.failed')).toEqual(['strategies']);
    expect(streamsOf('webhook.disabled')).toEqual([]);
    expect(streamsOf('risk.kill_switch')).toEqual([]);
  });

  it('builds the log entry from the envelope as the webhook fan-out builds its payload', () => {
    const detail = {
      tenantId: 't1',
      eventId: 'o1:1',
      at: '2026-01-05T15:00:00.000Z',
      type: 'order.accepted',
    };
    expect(streamEntry({ 'detail-type': 'order.accepted', detail, time: '2026-01-05T15:00:01Z' })).toEqual({
      tenantId: 't1',
      eventId: 'o1:1',
      event: 'order.accepted',
      streams: ['orders'],
      at: '2026-01-05T15:00:00.000Z',
      data: detail,
    });
    const withoutAt = { tenantId: 't1', eventId: 'o1:2' };
    expect(streamEntry({ 'detail-type': 'order.filled', detail: withoutAt, time: 'T' })?.at).toBe('T');
    expect(streamEntry({ 'detail-type': 'order.filled', detail: { eventId: 'x' } })).toBeUndefined();
    expect(streamEntry({ 'detail-type': 'webhook.disabled', detail: withoutAt })).toBeUndefined();
  });

  it('needs the read scope of the same data over HTTP', () => {
    expect(streamScope('orders')).toBe('orders:read');
    expect(streamScope('strategies')).toBe('orders:read');
    expect(streamScope('positions')).toBe('positions:read');
    expect(streamScope('pnl')).toBe('positions:read');
  });

  it('delivers an event under the first of its streams the socket subscribed to', () => {
    expect(deliveredStream({ streams: ['positions', 'pnl'] }, ['pnl'])).toBe('pnl');
    expect(deliveredStream({ streams: ['positions', 'pnl'] }, ['orders', 'positions', 'pnl'])).toBe(
      'positions',
    );
    expect(deliveredStream({ streams: ['orders'] }, ['pnl'])).toBeUndefined();
  });

  it('accepts the contract’s messages and nothing else', () => {
    const ok = [
      { action: 'auth', token: 'a.b.c' },
      { action: 'auth', apiKey: 'oms_x' },
      { action: 'subscribe', streams: ['orders', 'pnl'] },
      { action: 'subscribe', streams: ['orders'], cursor: encodeCursor(3) },
      { action: 'unsubscribe', streams: ['orders'] },
      { action: 'subscribe', streams: ['orders', 'quotes:AAPL', 'quotes:brk.b'] },
      { action: 'unsubscribe', streams: ['quotes:AAPL'] },
      { action: 'ping' },
    ];
    for (const m of ok) expect(ClientMessage.safeParse(m).success).toBe(true);
    const bad = [
      { action: 'auth' },
      { action: 'auth', token: 'a', apiKey: 'b' },
      { action: 'subscribe', streams: [] },
      { action: 'subscribe', streams: ['quotes:'] },
      { action: 'subscribe', streams: ['quotes:AAPL MSFT'] },
      { action: 'subscribe', streams: ['quotes:TOOLONGSYMBOL'] },
      { action: 'subscribe', streams: ['quote:AAPL'] },
      { action: 'ping', extra: 1 },
      { action: 'shout' },
    ];
    for (const m of bad) expect(ClientMessage.safeParse(m).success).toBe(false);
  });

  it('names a quote stream by its upper-cased ticker, behind the marketdata:read scope', () => {
    const parsed = ClientMessage.parse({ action: 'subscribe', streams: ['quotes:brk.b', 'orders'] });
    expect(parsed).toMatchObject({ streams: ['quotes:BRK.B', 'orders'] });
    expect(quoteSymbol('quotes:BRK.B')).toBe('BRK.B');
    expect(quoteSymbol('orders')).toBeUndefined();
    expect(streamScope('quotes:AAPL')).toBe('marketdata:read');
  });

  it('reads the quote of a quote.updated event and nothing else', () => {
    const detail = {
      schemaVersion: 1,
      eventId: 'AAPL@2026-01-05T15:00:00.000Z',
      symbol: 'AAPL',
      bid: '187.2',
      ask: '187.3',
      at: '2026-01-05T15:00:00.000Z',
      marketDataType: 3,
      source: 'stream',
    };
    expect(quoteOf({ 'detail-type': 'quote.updated', detail })).toEqual({
      symbol: 'AAPL',
      bid: '187.2',
      ask: '187.3',
      at: '2026-01-05T15:00:00.000Z',
      marketDataType: 3,
      source: 'stream',
    });
    expect(quoteOf({ 'detail-type': 'order.filled', detail })).toBeUndefined();
    expect(
      quoteOf({ 'detail-type': 'quote.updated', detail: { ...detail, marketDataType: 9 } }),
    ).toBeUndefined();
    expect(
      quoteOf({ 'detail-type': 'quote.updated', detail: { ...detail, symbol: 'no good' } }),
    ).toBeUndefined();
    // A quote is platform data: it is never a tenant's logged entry.
    expect(streamEntry({ 'detail-type': 'quote.updated', detail })).toBeUndefined();
  });

  it('cursors round-trip and refuse anything not issued', () => {
    for (const seq of [0, 1, 42, 1_000_000]) expect(decodeCursor(encodeCursor(seq))).toBe(seq);
    expect(() => decodeCursor('garbage!')).toThrow('is not one this stream issued');
  });
});
