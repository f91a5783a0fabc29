import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { env } from '../core/topology.ts';

/**
 * SDK clients, created once per runtime. Endpoints come from the SDK's own environment variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, ...), which the local stack sets, so the same
 * code talks to AWS or to the local stand-ins.
 */
let clients:
  | { dynamo: DynamoDBClient; doc: DynamoDBDocumentClient; sqs: SQSClient; events: EventBridgeClient }
  | undefined;

/** The shared SDK clients. */
export function awsClients() {
  if (!clients) {
    const dynamo = new DynamoDBClient({});
    clients = {
      dynamo,
      doc: DynamoDBDocumentClient.from(dynamo, {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      }),
      // Queue URLs of some emulators name hosts that don't resolve; the configured endpoint is right everywhere.
      sqs: new SQSClient({ useQueueUrlAsEndpoint: false }),
      events: new EventBridgeClient({}),
    };
  }
  return clients;
}

/** A required environment variable, with a message that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** Where this runtime's resources are. */
export function resources() {
  return {
    tableName: requiredEnv(env.tableName),
    ordersQueueUrl: requiredEnv(env.ordersQueueUrl),
    eventBusName: process.env[env.eventBusName] ?? 'oms-events',
  };
}
