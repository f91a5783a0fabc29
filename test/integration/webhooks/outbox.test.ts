/**
 * The outbox drainer against DynamoDB Local and the local EventBridge: batches of 10, markers
 * removed only for accepted entries, failures retried next round, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgeClient, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { eventBus } from '../../../core/topology.ts';
import { workKeys } from '../../../core/store/keys.ts';
import { drainOutbox, drainUntilEmpty } from '../../../adapters/outbox/drain.ts';
import {
  startEventRouter,
  type EventEnvelope,
  type EventRouter,
} from '../../../local/event-router/router.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';
import { writeOrderEvent } from './harness.ts';

let resources: TestResources;
let doc: DynamoDBDocumentClient;
let router: EventRouter;
let events: EventBridgeClient;
const routed: EventEnvelope[] = [];

beforeAll(async () => {
  resources = await useTestResources();
  doc = DynamoDBDocumentClient.from(resources.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  router = await startEventRouter({
    port: 0,
    rules: [
      {
        name: 'all',
        description: 'all',
        pattern: { source: [eventBus.source] },
        target: { queue: 'webhooks' },
      },
    ],
    busName: eventBus.name,
    deliver: async (_t, e) => void routed.push(e),
  });
  events = new EventBridgeClient({
    endpoint: router.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  events.destroy();
  await router.close();
  resources.dynamo.destroy();
  resources.sqs.destroy();
});

async function markers(): Promise<number> {
  let n = 0;
  for (let shard = 0; shard < workKeys.shards; shard++) {
    const { Count = 0 } = await doc.send(
      new QueryCommand({
        TableName: resources.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': workKeys.outboxPk(shard) },
        Select: 'COUNT',
      }),
    );
    n += Count;
  }
  return n;
}

const opts = (client: EventBridgeClient) => ({
  doc,
  events: client,
  tableName: resources.tableName,
  busName: eventBus.name,
});

describe('outbox drainer', () => {
  test('publishes every event once with its detail and removes the markers', async () => {
    const tenant = testTenant();
    const written = await Promise.all(
      Array.from({ length: 23 }, (_, i) => writeOrderEvent(doc, resources.tableName, tenant, { seq: i + 1 })),
    );
    const before = routed.length;
    const result = await drainUntilEmpty(opts(events));
    await router.idle();
    expect(result).toMatchObject({ published: 23, failed: 0, unreadable: 0 });
    expect(await markers()).toBe(0);
    const mine = routed.slice(before).filter((e) => e.detail.tenantId === tenant);
    expect(mine.map((e) => e.detail.eventId).sort()).toEqual(
      written.map((w) => `${w.orderId}:${w.seq}`).sort(),
    );
    expect(mine[0]).toMatchObject({
      source: 'oms',
      'detail-type': 'order.filled',
      detail: { schemaVersion: 1 },
    });
  });

  test('refused entries and failed requests keep their markers and go out on a later round', async () => {
    const tenant = testTenant();
    await Promise.all(Array.from({ length: 12 }, () => writeOrderEvent(doc, resources.tableName, tenant)));
    let calls = 0;
    // EventBridge's partial failures and throttling cannot be provoked locally: a wrapper fakes them.
    const flaky = {
      send: async (command: PutEventsCommand): Promise<PutEventsCommandOutput> => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        const out = await events.send(command);
        if (calls === 2 && out.Entries?.[0])
          out.Entries[0] = { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
        return out;
      },
    } as unknown as EventBridgeClient;
    const first = await drainOutbox(opts(flaky));
    expect(first.failed).toBeGreaterThan(0);
    expect(first.published + first.failed).toBe(12);
    expect(await markers()).toBe(first.failed);
    const rest = await drainUntilEmpty(opts(flaky));
    expect(first.published + rest.published).toBe(12);
    expect(await markers()).toBe(0);
  });

  test('an unreadable item stays in the outbox and is reported', async () => {
    const tenant = testTenant();
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await doc.send(
      new PutCommand({
        TableName: resources.tableName,
        Item: {
          pk: `T#${tenant}#X`,
          sk: 'EVENT#1',
          gsi3pk: workKeys.outboxPk(0),
          gsi3sk: `${new Date().toISOString()}#x#1`,
        },
      }),
    );
    const r = await drainOutbox(opts(events));
    expect(r.unreadable).toBe(1);
    expect(await markers()).toBe(1);
  });
});
