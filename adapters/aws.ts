import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { env } from '../core/topology.ts';

/*
 * SDK clients, created once per runtime. Endpoints come from the SDK's own environment variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, ...), which the local stack sets, so the same
 * code talks to AWS or to the local stand-ins. One getter per client: a Lambda bundle then holds
 * only the clients its handler calls for (esbuild drops the others).
 */
let dynamo: DynamoDBClient | undefined;
let sqs: SQSClient | undefined;
let events: EventBridgeClient | undefined;

/** The low-level DynamoDB client. */
export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
}

/** The SQS client. */
export function sqsClient(): SQSClient {
  // Queue URLs of some emulators name hosts that don't resolve; the configured endpoint is right everywhere.
  sqs ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqs;
}

/** The EventBridge client. */
export function eventsClient(): EventBridgeClient {
  events ??= new EventBridgeClient({});
  return events;
}

/** Every shared SDK client at once (a bundle using this holds all three; handlers use the getters above). */
export function awsClients() {
  return { dynamo: dynamoClient(), sqs: sqsClient(), events: eventsClient() };
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
