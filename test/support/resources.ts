import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { eventBus } from '../../core/topology.ts';
import { ensureQueues, ensureTable, type QueueUrls } from '../../local/provision.ts';
import { assertLocalEndpoint, useLocalAws } from '../../local/aws-env.ts';

export interface TestResources {
  tableName: string;
  queueUrls: QueueUrls;
  dlqUrls: QueueUrls;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  endpoints: { dynamodb: string; sqs: string };
}

function endpoint(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run tests through jest so its global setup starts the emulators`);
  assertLocalEndpoint(value, name);
  return value;
}

/**
 * A private table and private queues for one test file, on the emulators the global setup started,
 * and the environment pointing the code under test at them.
 */
export async function useTestResources(options: { eventbridge?: string } = {}): Promise<TestResources> {
  const endpoints = {
    dynamodb: endpoint('OMS_TEST_DYNAMODB_ENDPOINT'),
    sqs: endpoint('OMS_TEST_SQS_ENDPOINT'),
  };
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  const sqs = new SQSClient({
    endpoint: endpoints.sqs,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
  const id = randomUUID().slice(0, 8);
  const tableName = await ensureTable(dynamo, `oms-test-${id}`);
  const { urls: queueUrls, dlqUrls } = await ensureQueues(sqs, `t${id}-`);
  useLocalAws({
    dynamodb: endpoints.dynamodb,
    sqs: endpoints.sqs,
    ...(options.eventbridge ? { eventbridge: options.eventbridge } : {}),
    tableName,
    queueUrls,
    eventBusName: eventBus.name,
  });
  return { tableName, queueUrls, dlqUrls, dynamo, sqs, endpoints };
}

/** A fresh tenant id, so tests never see each other's data. */
export function testTenant(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
