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
import { DEFAULT_RETRY_POLICY, isLastAttempt, retryDelaySeconds } from '../../../core/webhooks/retry.ts';
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
  test('full jitter stays within the exponential bound and the cap', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(retryDelaySeconds(1, p, () => 0.999999)).toBe(300);
    expect(retryDelaySeconds(2, p, () => 0.999999)).toBe(600);
    expect(retryDelaySeconds(7, p, () => 0.999999)).toBe(4 * 3600);
    expect(retryDelaySeconds(30, p, () => 0.999999)).toBe(4 * 3600);
    expect(retryDelaySeconds(3, p, () => 0)).toBe(0);
  });

  test('the default spreads the attempts over hours', () => {
    let worst = 0;
    for (let a = 1; a < DEFAULT_RETRY_POLICY.maxAttempts; a++)
      worst += retryDelaySeconds(a, DEFAULT_RETRY_POLICY, () => 0.999999);
    expect(worst / 3600).toBeGreaterThan(6);
    expect(isLastAttempt(8, DEFAULT_RETRY_POLICY)).toBe(true);
    expect(isLastAttempt(7, DEFAULT_RETRY_POLICY)).toBe(false);
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
