import { describe, expect, test } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { outboxEntry } from '../../../core/events/outbox.ts';
import {
  CreateWebhookRequest,
  matchesFilters,
  newSecret,
  signingSecrets,
  type WebhookSubscription,
} from '../../../core/webhooks/model.ts';
import * as fc from 'fast-check';
import {
  DEFAULT_RETRY_POLICY,
  MAX_VISIBILITY_SECONDS,
  isLastAttempt,
  parseRetrySchedule,
  retryDelayBounds,
  retryDelaySeconds,
} from '../../../core/webhooks/retry.ts';
import { signedHeaders } from '../../../core/webhooks/signing.ts';

describe('event filters', () => {
  test('exact, category wildcard and catch-all', () => {
    expect(matchesFilters(['order.filled'], 'order.filled')).toBe(true);
    expect(matchesFilters(['order.filled'], 'order.partially_filled')).toBe(false);
    expect(matchesFilters(['order.*'], 'order.cancelled')).toBe(true);
    expect(matchesFilters(['order.*'], 'position.changed')).toBe(false);
    expect(matchesFilters(['*'], 'risk.kill_switch')).toBe(true);
  });

  test('the request schema accepts known types and category wildcards only', () => {
    expect(
      CreateWebhookRequest.safeParse({ url: 'https://x.example', events: ['order.*', 'position.changed'] })
        .success,
    ).toBe(true);
    expect(
      CreateWebhookRequest.safeParse({ url: 'https://x.example', events: ['order.flled'] }).success,
    ).toBe(false);
    expect(CreateWebhookRequest.safeParse({ url: 'https://x.example', events: ['ord*'] }).success).toBe(
      false,
    );
    expect(CreateWebhookRequest.safeParse({ url: 'https://x.example', events: [] }).success).toBe(false);
  });
});

describe('retry schedule', () => {
  const p = DEFAULT_RETRY_POLICY;
  const hours = (s: number) => s / 3600;

  test('the first retry comes within seconds, the later ones at 1 min, 5 min, 30 min, 2 h, 5 h and 10 h', () => {
    const nominal = [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelaySeconds(a, p, () => 0.5));
    expect(nominal).toEqual([5, 60, 300, 1800, 7200, 18_000, 36_000]);
    expect(retryDelayBounds(1, p)).toEqual({ min: 4, max: 6 });
  });

  test('jitter stays within ±20 % and never exceeds the SQS visibility limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const wait = retryDelaySeconds(attempt, p, () => r);
          const nominal = p.scheduleSeconds[Math.min(attempt, p.scheduleSeconds.length) - 1]!;
          expect(wait).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
          expect(wait).toBeLessThanOrEqual(Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(nominal * 1.2)));
        },
      ),
    );
    expect(retryDelaySeconds(30, p, () => 0.999999)).toBeLessThanOrEqual(MAX_VISIBILITY_SECONDS);
  });

  test('two receivers failing at the same instant are retried at different times', () => {
    const draws = [0.1, 0.9];
    const waits = draws.map((r) => retryDelaySeconds(5, p, () => r));
    expect(waits[0]).toBeLessThan(waits[1]!);
  });

  test('the default spreads eight attempts over more than half a day', () => {
    let earliest = 0;
    let latest = 0;
    for (let a = 1; a < p.maxAttempts; a++) {
      earliest += retryDelayBounds(a, p).min;
      latest += retryDelayBounds(a, p).max;
    }
    expect(hours(earliest)).toBeGreaterThan(13);
    expect(hours(latest)).toBeLessThan(22);
    expect(isLastAttempt(8, p)).toBe(true);
    expect(isLastAttempt(7, p)).toBe(false);
  });

  test('schedules from the environment parse, bad ones are refused', () => {
    expect(parseRetrySchedule('5, 60,300')).toEqual([5, 60, 300]);
    expect(parseRetrySchedule('0')).toEqual([0]);
    expect(parseRetrySchedule('5,-1')).toBeUndefined();
    expect(parseRetrySchedule('5,,6')).toBeUndefined();
    expect(retryDelaySeconds(3, { scheduleSeconds: [0], jitter: 0.2, maxAttempts: 8 })).toBe(0);
  });
});

describe('signing', () => {
  test('a Standard Webhooks library verifies the headers, with either secret during a rotation', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const payload = JSON.stringify({ type: 'order.filled', data: { seq: 3 } });
    const headers = signedHeaders('01ORDER:3', new Date(), payload, [current, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(new Webhook(previous).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(newSecret()).verify(payload, headers)).toThrow();
  });

  test('the previous secret signs only until it expires', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const s = {
      secret: 'whsec_a',
      previousSecret: 'whsec_b',
      previousSecretExpiresAt: '2026-01-01T12:00:00Z',
    } as WebhookSubscription;
    expect(signingSecrets(s, now)).toEqual(['whsec_a', 'whsec_b']);
    expect(signingSecrets(s, new Date('2026-01-02T00:00:00Z'))).toEqual(['whsec_a']);
  });
});

describe('outbox entries', () => {
  test('an order audit item becomes the versioned order event detail', () => {
    const entry = outboxEntry({
      pk: 'T#t1#ORDER#O1',
      sk: 'EVENT#0000000003',
      tenantId: 't1',
      orderId: 'O1',
      seq: 3,
      type: 'order.filled',
      at: '2026-01-01T00:00:00.000Z',
      actor: 'broker',
      data: { fillQty: '10' },
    });
    expect(entry).toEqual({
      detailType: 'order.filled',
      detail: {
        schemaVersion: 1,
        eventId: 'O1:3',
        type: 'order.filled',
        tenantId: 't1',
        orderId: 'O1',
        seq: 3,
        at: '2026-01-01T00:00:00.000Z',
        actor: 'broker',
        data: { fillQty: '10' },
      },
    });
  });

  test('a ready-made detail is published as it is; an unreadable item is reported', () => {
    expect(outboxEntry({ detailType: 'webhook.disabled', detail: { eventId: 'x', tenantId: 't' } })).toEqual({
      detailType: 'webhook.disabled',
      detail: { eventId: 'x', tenantId: 't' },
    });
    expect(outboxEntry({ type: 'order.filled' })).toBeUndefined();
  });
});
