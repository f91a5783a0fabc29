/**
 * The order API sends each command to its connection's own queue. A queue endpoint that accepts
 * the connection and never answers must fail the send (the order is stored; the sweeper queues it
 * later) instead of holding POST /orders open for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConnectionOrderQueue } from '../../../adapters/sqs/connection-queues.ts';
import { newConnectionId } from '../../../core/connections/model.ts';
import { connectionQueue } from '../../../core/topology.ts';
import { ensureQueue } from '../../../local/provision.ts';
import { useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
let silent: Server;
const held: Socket[] = [];

beforeAll(async () => {
  resources = await useTestResources();
  // Accepts every connection, reads the request, never answers.
  silent = createServer((socket) => {
    held.push(socket);
    socket.resume();
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

const placeCommand = (connectionId: string) => ({
  kind: 'place' as const,
  tenantId: 'tenant-a',
  orderId: `ord_${connectionId.slice(-8)}`,
  version: 1,
  connectionId,
});

describe('the connection order queue', () => {
  it('sends a command to the queue of its connection, found by name', async () => {
    const connectionId = newConnectionId();
    const { url } = await ensureQueue(resources.sqs, connectionQueue(connectionId));
    const queue = new ConnectionOrderQueue(
      resources.sqs,
      { queueUrl: resources.queueUrls.orders, connectionId: undefined },
      undefined,
    );
    await queue.send(placeCommand(connectionId));
    const { Messages } = await resources.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages?.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([placeCommand(connectionId)]);
  });

  it('fails, rather than waits for ever, when the queue endpoint never answers', async () => {
    const address = silent.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      useQueueUrlAsEndpoint: false,
      maxAttempts: 1,
    });
    const queue = new ConnectionOrderQueue(sqs, { queueUrl: '', connectionId: undefined }, undefined, 200);
    await expect(queue.send(placeCommand(newConnectionId()))).rejects.toThrow();
    // The lookup failed, so nothing was cached: a later send asks again (and fails the same way).
    await expect(queue.send(placeCommand(newConnectionId()))).rejects.toThrow();
    expect(held.length).toBeGreaterThanOrEqual(1);
    sqs.destroy();
  });
});
