import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { dlqName, queues, table, type QueueSpec } from '../core/topology.ts';

/** Creates the single table from the topology unless it exists; `name` overrides it (tests use one per file). */
export async function ensureTable(dynamo: DynamoDBClient, name: string = table.name): Promise<string> {
  const keyAttributes = new Set<string>([table.partitionKey, table.sortKey]);
  for (const index of table.indexes) keyAttributes.add(index.partitionKey).add(index.sortKey);
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keyAttributes].map((AttributeName) => ({
          AttributeName,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: name });
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  return name;
}

/** Queue URLs by topology key. */
export type QueueUrls = Record<keyof typeof queues, string>;

async function createQueue(
  sqs: SQSClient,
  name: string,
  spec: QueueSpec,
  redriveTo?: string,
): Promise<string> {
  const attributes: Record<string, string> = {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(14 * 24 * 3600),
  };
  if (spec.fifo) attributes.FifoQueue = 'true';
  if (redriveTo) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: redriveTo, AttributeNames: ['QueueArn'] }),
    );
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: Attributes?.QueueArn,
      maxReceiveCount: spec.maxReceiveCount,
    });
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}

/** Creates a queue and its DLQ (idempotent): a broker connection's orders queue, for instance. */
export async function ensureQueue(sqs: SQSClient, spec: QueueSpec): Promise<{ url: string; dlqUrl: string }> {
  const dlqUrl = await createQueue(sqs, dlqName(spec), spec);
  return { url: await createQueue(sqs, spec.name, spec, dlqUrl), dlqUrl };
}

/** Creates every queue of the topology and its DLQ (idempotent); `prefix` names a private copy for tests. */
export async function ensureQueues(
  sqs: SQSClient,
  prefix = '',
): Promise<{ urls: QueueUrls; dlqUrls: QueueUrls }> {
  const urls = {} as QueueUrls;
  const dlqUrls = {} as QueueUrls;
  for (const [key, spec] of Object.entries(queues) as Array<[keyof typeof queues, QueueSpec]>) {
    const dlq = await createQueue(sqs, prefix + dlqName(spec), spec);
    dlqUrls[key] = dlq;
    urls[key] = await createQueue(sqs, prefix + spec.name, spec, dlq);
  }
  return { urls, dlqUrls };
}
