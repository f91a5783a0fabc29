/**
 * In-process handler targets of the local bus: one tenant's events reach the handler one at a
 * time in publication order, while another tenant's (or a symbol's quote) need not wait for them.
 */
import { describe, expect, it } from '@jest/globals';
import { handlerDeliverer } from '../../../local/event-router/handlers.ts';
import type { EventEnvelope } from '../../../local/event-router/router.ts';
import { gate, log } from '../../fixtures/handlers/gated.ts';

const target = { handler: 'test/fixtures/handlers/gated.ts' };

function envelope(detail: Record<string, unknown>): EventEnvelope {
  return {
    version: '0',
    id: String(detail.id),
    'detail-type': 'order.accepted',
    source: 'oms',
    account: '000000000000',
    time: '2026-01-05T15:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

describe('handlerDeliverer', () => {
  it('keeps one tenant’s events in order and lets another tenant’s and a quote pass a held one', async () => {
    log.length = 0;
    const open = gate('a1');
    const deliver = handlerDeliverer(() => Promise.reject(new Error('no queue targets here')));
    const a1 = deliver(target, envelope({ id: 'a1', tenantId: 'ta', gate: 'a1' }));
    const a2 = deliver(target, envelope({ id: 'a2', tenantId: 'ta' }));
    const b1 = deliver(target, envelope({ id: 'b1', tenantId: 'tb' }));
    const q1 = deliver(target, envelope({ id: 'q1', symbol: 'AAPL' }));
    await Promise.all([b1, q1]);
    // a1 is held; a2 has not started; b1 and q1 ran to the end.
    expect(log).toEqual(expect.arrayContaining(['start a1', 'start b1', 'end b1', 'start q1', 'end q1']));
    expect(log).not.toContain('start a2');
    open();
    await Promise.all([a1, a2]);
    expect(log.filter((l) => l.endsWith('a1') || l.endsWith('a2'))).toEqual([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
    ]);
  });
});
