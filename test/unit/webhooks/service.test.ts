import { describe, expect, test } from '@jest/globals';
import { WebhookService } from '../../../core/webhooks/service.ts';
import type { DeliveryQueue, SendResult, WebhookStore } from '../../../core/webhooks/ports.ts';
import type { DeliveryMessage, WebhookDelivery, WebhookSubscription } from '../../../core/webhooks/model.ts';
import { WebhookUrlForbiddenError } from '../../../core/webhooks/errors.ts';

/** An in-memory store: enough of the port for the service's decisions. */
function memoryStore() {
  const subs = new Map<string, WebhookSubscription>();
  const deliveries = new Map<string, WebhookDelivery>();
  const byEvent = new Map<string, string>();
  const disabled: string[] = [];
  const store: WebhookStore = {
    createSubscription: async (s) => void subs.set(s.id, s),
    getSubscription: async (t, id) => (subs.get(id)?.tenantId === t ? subs.get(id) : undefined),
    listSubscriptions: async (t) => ({ items: [...subs.values()].filter((s) => s.tenantId === t) }),
    allSubscriptions: async (t) => [...subs.values()].filter((s) => s.tenantId === t),
    deleteSubscription: async (_t, id) => subs.delete(id),
    rotateSecret: async (_t, id) => subs.get(id)!,
    createDelivery: async (d) => {
      const key = `${d.subscriptionId}|${d.eventId}`;
      const existing = byEvent.get(key);
      if (existing) return { delivery: deliveries.get(existing)!, created: false };
      byEvent.set(key, d.id);
      deliveries.set(d.id, structuredClone(d));
      return { delivery: d, created: true };
    },
    getDelivery: async (_t, _s, id) => structuredClone(deliveries.get(id)),
    listDeliveries: async () => ({ items: [...deliveries.values()] }),
    recordAttempt: async (d, a, status) => {
      const stored = deliveries.get(d.id)!;
      stored.attempts.push(a);
      stored.status = status;
    },
    setDeliveryStatus: async (d, status) => void (deliveries.get(d.id)!.status = status),
    recordSuccess: async (s) => void (subs.get(s.id)!.consecutiveFailures = 0),
    recordFailure: async (s) => ++subs.get(s.id)!.consecutiveFailures,
    disable: async (s) => {
      subs.get(s.id)!.status = 'disabled';
      disabled.push(s.id);
      return true;
    },
  };
  return { store, subs, deliveries, disabled };
}

function setup(results: Array<Partial<SendResult>>, guardAnswer?: string) {
  const mem = memoryStore();
  const queued: DeliveryMessage[] = [];
  const queue: DeliveryQueue = { enqueue: async (m) => void queued.push(...m) };
  const sent: Array<{ url: string; headers: Record<string, string> }> = [];
  const service = new WebhookService({
    store: mem.store,
    queue,
    sender: {
      send: async (url, headers) => (
        sent.push({ url, headers }),
        { ok: false, durationMs: 1, ...results.shift() }
      ),
    },
    guard: { check: async () => guardAnswer },
    retry: { scheduleSeconds: [30, 60], jitter: 0.2, maxAttempts: 3 },
    disableAfter: 2,
    now: () => new Date('2026-01-01T00:00:00Z'),
    random: () => 0.5,
  });
  return { ...mem, queued, sent, service };
}

const envelope = (tenantId: string, type = 'order.filled', eventId = 'O1:1') => ({
  'detail-type': type,
  detail: { tenantId, eventId, seq: 1 },
});

describe('WebhookService', () => {
  test('subscribing to a refused URL throws the domain error', async () => {
    const { service } = setup([], 'resolves to a private address');
    await expect(service.subscribe('t1', { url: 'https://x.test', events: ['*'] })).rejects.toBeInstanceOf(
      WebhookUrlForbiddenError,
    );
  });

  test("fan-out picks the event tenant's enabled, matching subscriptions only, once per event", async () => {
    const { service, queued, subs } = setup([{ ok: true, statusCode: 200 }]);
    const a = await service.subscribe('t1', { url: 'https://a.test', events: ['order.*'] });
    await service.subscribe('t1', { url: 'https://b.test', events: ['position.changed'] });
    await service.subscribe('t2', { url: 'https://c.test', events: ['*'] });
    const off = await service.subscribe('t1', { url: 'https://d.test', events: ['*'] });
    subs.get(off.id)!.status = 'disabled';
    expect(await service.fanOut(envelope('t1'))).toBe(1);
    expect(queued.map((m) => m.subscriptionId)).toEqual([a.id]);
    // The same bus event again: a delivery without any attempt is queued again (the crash window
    // between storing it and queueing it); once attempted, it is not.
    expect(await service.fanOut(envelope('t1'))).toBe(1);
    await service.deliver(queued[0]!, 1);
    expect(await service.fanOut(envelope('t1'))).toBe(0);
  });

  test('a failed attempt asks for a jittered retry and logs when it is due; the last one dead-letters and counts', async () => {
    const { service, queued, deliveries, subs, disabled } = setup([
      { statusCode: 500 },
      { error: 'timed out' },
      { statusCode: 503 },
      { statusCode: 502 },
      { statusCode: 502 },
      { statusCode: 502 },
    ]);
    const s = await service.subscribe('t1', { url: 'https://a.test', events: ['*'] });
    await service.fanOut(envelope('t1'));
    const msg = queued[0]!;
    expect(await service.deliver(msg, 1)).toEqual({ action: 'retry', delaySeconds: 30 });
    expect(await service.deliver(msg, 2)).toEqual({ action: 'retry', delaySeconds: 60 });
    expect(await service.deliver(msg, 3)).toEqual({ action: 'dead-letter' });
    const d = [...deliveries.values()][0]!;
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => [a.attempt, a.statusCode ?? a.error, a.nextAttemptAt])).toEqual([
      [1, 500, '2026-01-01T00:00:30.000Z'],
      [2, 'timed out', '2026-01-01T00:01:00.000Z'],
      [3, 503, undefined],
    ]);
    expect(subs.get(s.id)!.consecutiveFailures).toBe(1);
    expect(disabled).toEqual([]);
    // A second event failing for good reaches disableAfter = 2.
    await service.fanOut(envelope('t1', 'order.filled', 'O2:1'));
    const second = queued[1]!;
    for (const n of [1, 2, 3]) await service.deliver(second, n);
    expect(disabled).toEqual([s.id]);
    // Once done, a duplicate message is a no-op.
    expect(await service.deliver(msg, 4)).toEqual({ action: 'done' });
  });

  test('a delivery of a deleted subscription is cancelled without sending', async () => {
    const { service, queued, deliveries, sent } = setup([]);
    const s = await service.subscribe('t1', { url: 'https://a.test', events: ['*'] });
    await service.fanOut(envelope('t1'));
    await service.remove('t1', s.id);
    expect(await service.deliver(queued[0]!, 1)).toEqual({ action: 'done' });
    expect([...deliveries.values()][0]!.status).toBe('cancelled');
    expect(sent).toHaveLength(0);
  });
});
