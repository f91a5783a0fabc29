import { describe, expect, it } from '@jest/globals';
import {
  ClientMessage,
  decodeCursor,
  deliveredStream,
  encodeCursor,
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
      { action: 'ping' },
    ];
    for (const m of ok) expect(ClientMessage.safeParse(m).success).toBe(true);
    const bad = [
      { action: 'auth' },
      { action: 'auth', token: 'a', apiKey: 'b' },
      { action: 'subscribe', streams: [] },
      { action: 'subscribe', streams: ['quotes:AAPL'] },
      { action: 'ping', extra: 1 },
      { action: 'shout' },
    ];
    for (const m of bad) expect(ClientMessage.safeParse(m).success).toBe(false);
  });

  it('cursors round-trip and refuse anything not issued', () => {
    for (const seq of [0, 1, 42, 1_000_000]) expect(decodeCursor(encodeCursor(seq))).toBe(seq);
    expect(() => decodeCursor('garbage!')).toThrow('is not one this stream issued');
  });
});
