/**
 * The local PutEvents endpoint against the real AWS SDK clients: events published with
 * EventBridgeClient reach an SQS queue (fauxqs, in-process) through the topology's rules.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { eventBus, rules as topologyRules, type RuleSpec } from '../../../core/topology.ts';
import {
  sqsDeliverer,
  startEventRouter,
  type EventEnvelope,
  type EventRouter,
  type RouterLogger,
} from '../../../local/event-router/router.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

let sqsServer: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
let queueCount = 0;
const routers: EventRouter[] = [];

beforeAll(async () => {
  sqsServer = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({ endpoint: `http://127.0.0.1:${sqsServer.port}`, region, credentials });
});

afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  sqs.destroy();
  await sqsServer.stop();
});

interface LoggedLine {
  level: 'warn' | 'error';
  message: string;
  data: Record<string, unknown> | undefined;
}

function recordingLogger(): RouterLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    warn: (message, data) => lines.push({ level: 'warn', message, data }),
    error: (message, data) => lines.push({ level: 'error', message, data }),
  };
}

/** A fresh webhooks queue and a router delivering the topology's rules into it. */
async function setup(
  overrides: { deliver?: Parameters<typeof startEventRouter>[0]['deliver']; rules?: RuleSpec[] } = {},
) {
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `router-test-${process.pid}-${++queueCount}` }),
  );
  const queueUrl = created.QueueUrl!;
  const logger = recordingLogger();
  const router = await startEventRouter({
    port: 0,
    rules: overrides.rules ?? topologyRules,
    busName: eventBus.name,
    deliver: overrides.deliver ?? sqsDeliverer(sqs, { webhooks: queueUrl }),
    logger,
    retryBaseDelayMs: 1,
  });
  routers.push(router);
  const events = new EventBridgeClient({ endpoint: router.endpoint, region, credentials, maxAttempts: 1 });
  return { router, queueUrl, events, logger };
}

/** Receives (and deletes) until `count` messages arrived; the deadline is only a safety net. */
async function receive(queueUrl: string, count: number): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of res.Messages ?? []) {
      out.push(JSON.parse(m.Body!) as EventEnvelope);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return out;
}

async function queueIsEmpty(queueUrl: string): Promise<boolean> {
  const res = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (res.Messages ?? []).length === 0;
}

const orderFilled = (orderId: string): PutEventsRequestEntry => ({
  EventBusName: eventBus.name,
  Source: eventBus.source,
  DetailType: 'order.filled',
  Detail: JSON.stringify({ tenantId: 't-1', orderId }),
  Resources: [`oms:order/${orderId}`],
});

describe('local EventBridge router', () => {
  test('a matching event reaches the rule target queue as an EventBridge envelope', async () => {
    const { router, queueUrl, events } = await setup();
    const time = new Date('2026-01-02T03:04:05Z');
    const res = await events.send(new PutEventsCommand({ Entries: [{ ...orderFilled('o-1'), Time: time }] }));

    expect(res.FailedEntryCount).toBe(0);
    const eventId = res.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

    const [message] = await receive(queueUrl, 1);
    expect(message).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'order.filled',
      source: 'oms',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['oms:order/o-1'],
      detail: { tenantId: 't-1', orderId: 'o-1' },
    });
    expect(router.published().map((e) => e.id)).toEqual([eventId]);
  });

  test('the default bus is the topology bus, named or by ARN', async () => {
    const { queueUrl, events, router } = await setup();
    const { EventBusName: _omit, ...noBus } = orderFilled('o-2');
    const arn = `arn:aws:events:us-east-1:000000000000:event-bus/${eventBus.name}`;
    const res = await events.send(
      new PutEventsCommand({ Entries: [noBus, { ...orderFilled('o-3'), EventBusName: arn }] }),
    );
    expect(res.FailedEntryCount).toBe(0);
    await router.idle();
    const got = await receive(queueUrl, 2);
    expect(got.map((e) => e.detail.orderId).sort()).toEqual(['o-2', 'o-3']);
  });

  test('a non-matching event is accepted but delivered nowhere', async () => {
    const { router, queueUrl, events } = await setup();
    const res = await events.send(
      new PutEventsCommand({
        Entries: [
          { ...orderFilled('o-4'), Source: 'someone-else' },
          { ...orderFilled('o-5'), DetailType: 'tenant.created' },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(0);
    expect(res.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
    await router.idle();
    expect(router.published()).toHaveLength(2);
    expect(await queueIsEmpty(queueUrl)).toBe(true);
  });

  test('a batch of 10 entries is accepted and all are delivered', async () => {
    const { router, queueUrl, events } = await setup();
    const entries = Array.from({ length: 10 }, (_, i) => orderFilled(`b-${i}`));
    const res = await events.send(new PutEventsCommand({ Entries: entries }));
    expect(res.FailedEntryCount).toBe(0);
    expect(res.Entries).toHaveLength(10);
    await router.idle();
    const got = await receive(queueUrl, 10);
    expect(got.map((e) => e.detail.orderId).sort()).toEqual(entries.map((_, i) => `b-${i}`).sort());
  });

  test('a batch of 11 entries is rejected as a whole', async () => {
    const { router, events } = await setup();
    const entries = Array.from({ length: 11 }, (_, i) => orderFilled(`c-${i}`));
    await expect(events.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(router.published()).toHaveLength(0);
  });

  test('entries over 256 KB in total are rejected as a whole', async () => {
    const { router, events } = await setup();
    const big = { ...orderFilled('big'), Detail: JSON.stringify({ pad: 'x'.repeat(256 * 1024) }) };
    await expect(events.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/over the limit/),
    });
    // Several entries under the limit each, over it together: still refused.
    const quarter = { ...orderFilled('q'), Detail: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) };
    await expect(
      events.send(new PutEventsCommand({ Entries: [quarter, quarter, quarter, quarter] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(router.published()).toHaveLength(0);
  });

  test('bad entries fail one by one, the others go through', async () => {
    const { router, queueUrl, events } = await setup();
    const res = await events.send(
      new PutEventsCommand({
        Entries: [
          { ...orderFilled('bad'), Detail: '{"not json' },
          orderFilled('good'),
          { ...orderFilled('array'), Detail: '[1,2]' },
          { ...orderFilled('nosource'), Source: undefined },
          { ...orderFilled('notype'), DetailType: undefined },
          { ...orderFilled('nodetail'), Detail: undefined },
          { ...orderFilled('elsewhere'), EventBusName: 'no-such-bus' },
        ],
      }),
    );
    expect(res.FailedEntryCount).toBe(6);
    const entries = res.Entries ?? [];
    expect(entries[0]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(entries[1]?.EventId).toEqual(expect.any(String));
    expect(entries[2]?.ErrorCode).toBe('MalformedDetail');
    expect(entries[3]).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringMatching(/Source/),
    });
    expect(entries[4]).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringMatching(/DetailType/),
    });
    expect(entries[5]).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringMatching(/Detail /),
    });
    expect(entries[6]).toMatchObject({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: expect.stringMatching(/no-such-bus/),
    });

    await router.idle();
    const got = await receive(queueUrl, 1);
    expect(got.map((e) => e.detail.orderId)).toEqual(['good']);
    expect(await queueIsEmpty(queueUrl)).toBe(true);
  });

  test('unknown operations and malformed requests get AWS-style error JSON', async () => {
    const { router } = await setup();
    const post = (target: string, body: string) =>
      fetch(router.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });

    const unknown = await post('AWSEvents.ListRules', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });

    const garbled = await post('AWSEvents.PutEvents', '{"Entries": [');
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });

    const empty = await post('AWSEvents.PutEvents', '{"Entries": []}');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ __type: 'ValidationException' });

    const get = await fetch(router.endpoint);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  test('a failing target is retried until it succeeds', async () => {
    const attempts: string[] = [];
    const { router, events, logger } = await setup({
      // Only the webhooks rule's target fails; order events also reach the strategies queue.
      deliver: async (target, event) => {
        if (!('queue' in target) || target.queue !== 'webhooks') return;
        attempts.push(event.id);
        if (attempts.length < 3) throw new Error('queue unavailable');
      },
    });
    const res = await events.send(new PutEventsCommand({ Entries: [orderFilled('r-1')] }));
    await router.idle();
    expect(attempts).toEqual([
      res.Entries?.[0]?.EventId,
      res.Entries?.[0]?.EventId,
      res.Entries?.[0]?.EventId,
    ]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(0);
  });

  test('a target that keeps failing is given up on loudly, with the event, and the router lives on', async () => {
    let calls = 0;
    const { router, events, logger } = await setup({
      deliver: async (target) => {
        if (!('queue' in target) || target.queue !== 'webhooks') return;
        calls++;
        throw new Error('queue gone');
      },
    });
    const res = await events.send(new PutEventsCommand({ Entries: [orderFilled('r-2')] }));
    expect(res.FailedEntryCount).toBe(0);
    await router.idle();
    expect(calls).toBe(5);
    const [line] = logger.lines.filter((l) => l.level === 'error');
    expect(line?.message).toMatch(/giving up/);
    expect(line?.data).toMatchObject({ rule: 'oms-events-to-webhooks', attempts: 5, error: 'queue gone' });
    expect((line?.data?.event as EventEnvelope).id).toBe(res.Entries?.[0]?.EventId);

    // Still serving.
    const again = await events.send(new PutEventsCommand({ Entries: [orderFilled('r-3')] }));
    expect(again.FailedEntryCount).toBe(0);
  });

  test('every matching rule gets its own copy', async () => {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: `router-test-${process.pid}-risk` }));
    const riskQueue = created.QueueUrl!;
    const webhooks = await sqs.send(
      new CreateQueueCommand({ QueueName: `router-test-${process.pid}-hooks` }),
    );
    const router = await startEventRouter({
      port: 0,
      busName: eventBus.name,
      rules: [
        ...topologyRules,
        {
          name: 'risk-only',
          description: 'test',
          pattern: { 'detail-type': [{ prefix: 'risk.' }] },
          target: { queue: 'orders' },
        },
      ],
      // The test maps the rule's `orders` target onto a standard queue of its own.
      deliver: sqsDeliverer(sqs, { webhooks: webhooks.QueueUrl!, orders: riskQueue }),
      logger: recordingLogger(),
    });
    routers.push(router);
    const events = new EventBridgeClient({ endpoint: router.endpoint, region, credentials });
    await events.send(
      new PutEventsCommand({
        Entries: [{ ...orderFilled('x'), DetailType: 'risk.limit-breached' }, orderFilled('y')],
      }),
    );
    await router.idle();
    expect((await receive(riskQueue, 1)).map((e) => e['detail-type'])).toEqual(['risk.limit-breached']);
    expect((await receive(webhooks.QueueUrl!, 2)).map((e) => e['detail-type']).sort()).toEqual([
      'order.filled',
      'risk.limit-breached',
    ]);
  });

  test('a rule with an invalid pattern fails start-up', async () => {
    await expect(
      startEventRouter({
        port: 0,
        busName: eventBus.name,
        rules: [
          { name: 'bad', description: 'bad', pattern: { source: 'oms' }, target: { queue: 'webhooks' } },
        ],
        deliver: async () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'EVENT_PATTERN_INVALID' });
  });
});
