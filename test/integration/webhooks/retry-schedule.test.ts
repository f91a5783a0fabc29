/**
 * The production retry schedule over the real local path (SQS emulator, HTTP receiver): a receiver
 * that fails once is retried within seconds, with the same webhook-id. The test checks the delay
 * the handler chose (recorded in the attempt log) and that the redelivery arrives; it never
 * measures wall-clock time.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { resetWebhookService } from '../../../adapters/webhooks/service.ts';
import { webhookConfig, webhookEnv } from '../../../adapters/webhooks/config.ts';
import { DEFAULT_RETRY_POLICY, retryDelayBounds } from '../../../core/webhooks/retry.ts';
import {
  drainUntilEmpty,
  startEventPath,
  startReceiver,
  useFastWebhookSettings,
  waitFor,
  writeOrderEvent,
  type EventPath,
  type Receiver,
} from './harness.ts';

let api: TestApi;
let doc: DynamoDBDocumentClient;
let path: EventPath;
let receiver: Receiver;
let tenant: TestTenant;

beforeAll(async () => {
  useFastWebhookSettings(5);
  // The defaults, not the test shortcut: this file is about the real schedule.
  delete process.env[webhookEnv.retrySchedule];
  resetWebhookService();
  api = await startTestApi();
  doc = DynamoDBDocumentClient.from(api.resources.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  receiver = await startReceiver();
  path = await startEventPath({
    doc,
    sqs: api.resources.sqs,
    tableName: api.resources.tableName,
    queueUrls: api.resources.queueUrls,
  });
  tenant = await createTestTenant(api);
});

afterAll(async () => {
  await path?.close();
  await receiver?.close();
  await api?.close();
});

describe('the default retry schedule over the local queue', () => {
  test('the service runs with the documented schedule', () => {
    expect(webhookConfig().retry.scheduleSeconds).toEqual(DEFAULT_RETRY_POLICY.scheduleSeconds);
  });

  test('a receiver that fails once gets the same webhook-id again, scheduled within 10 s', async () => {
    const created = await api.request('POST', '/api/v1/webhooks', {
      headers: tenant.headers('admin'),
      body: { url: `${receiver.url}/flaky/1`, events: ['order.*'] },
    });
    expect(created.status).toBe(201);
    const sub = created.body as { id: string; secret: string };
    const event = await writeOrderEvent(doc, api.resources.tableName, tenant.tenantId);
    await drainUntilEmpty(path.drain);

    // Generous safety net only: the retry is due after 4-6 s, a loaded machine may lag behind.
    const log = await waitFor(
      async () => {
        const res = await api.request('GET', `/api/v1/webhooks/${sub.id}/deliveries`, {
          headers: tenant.headers('viewer'),
        });
        const items = res.body.items as Array<{
          status: string;
          attempts: Array<{ attempt: number; at: string; statusCode?: number; nextAttemptAt?: string }>;
        }>;
        return items[0]?.status === 'succeeded' && items[0];
      },
      'the retried delivery to succeed',
      60_000,
    );

    const [first, second] = log.attempts;
    expect(first).toMatchObject({ attempt: 1, statusCode: 500 });
    expect(second).toMatchObject({ attempt: 2, statusCode: 200 });
    const scheduledSeconds = (Date.parse(first!.nextAttemptAt!) - Date.parse(first!.at)) / 1000;
    const { min, max } = retryDelayBounds(1, DEFAULT_RETRY_POLICY);
    expect(scheduledSeconds).toBeGreaterThanOrEqual(min);
    expect(scheduledSeconds).toBeLessThanOrEqual(max);
    expect(max).toBeLessThanOrEqual(10);

    const calls = receiver.on('/flaky/1');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.headers['webhook-id'])).toEqual([
      `${event.orderId}:${event.seq}`,
      `${event.orderId}:${event.seq}`,
    ]);
    for (const c of calls) {
      const headers = {
        'webhook-id': String(c.headers['webhook-id']),
        'webhook-timestamp': String(c.headers['webhook-timestamp']),
        'webhook-signature': String(c.headers['webhook-signature']),
      };
      expect(() => new Webhook(sub.secret).verify(c.body, headers)).not.toThrow();
    }
  }, 90_000);
});
