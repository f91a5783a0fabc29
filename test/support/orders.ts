import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TestApi, TestResponse } from './api.ts';
import type { TestTenant } from './tenants.ts';
import type { Role } from '../../core/access/caller.ts';

/** A limit order body that passes the default limits. */
export function limitOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { symbol: 'AAPL', side: 'buy', quantity: '10', type: 'limit', limitPrice: '100', ...overrides };
}

/** POST /api/v1/orders as `role`, with a fresh Idempotency-Key unless one is given. */
export function postOrder(
  api: TestApi,
  tenant: TestTenant,
  body: unknown,
  options: { key?: string; role?: Role } = {},
): Promise<TestResponse> {
  return api.request('POST', '/api/v1/orders', {
    body,
    headers: { ...tenant.headers(options.role ?? 'trader'), 'idempotency-key': options.key ?? randomUUID() },
  });
}

/** Replaces the tenant's risk limits (as its admin), starting from the defaults. */
export async function setLimits(
  api: TestApi,
  tenant: TestTenant,
  limits: Record<string, unknown>,
): Promise<void> {
  const current = await api.request('GET', '/api/v1/risk/limits', { headers: tenant.headers('admin') });
  const res = await api.request('PUT', '/api/v1/risk/limits', {
    body: { ...current.body, ...limits },
    headers: tenant.headers('admin'),
  });
  if (res.status !== 200) throw new Error(`PUT /risk/limits → ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Every message on a queue right now, deleted as read (a FIFO receive gives one per group at a time). */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Array<Record<string, unknown>>> {
  const bodies: Array<Record<string, unknown>> = [];
  for (let emptyReads = 0; emptyReads < 2;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
      }),
    );
    if (!Messages?.length) {
      emptyReads++;
      continue;
    }
    for (const m of Messages) {
      bodies.push(JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return bodies;
}
