import { env } from '../core/topology.ts';

/** Where the local stand-ins listen and what the resources are called. */
export interface LocalEndpoints {
  dynamodb: string;
  sqs: string;
  eventbridge?: string;
  tableName: string;
  queueUrls: { orders: string; webhooks: string; backtests?: string };
  eventBusName: string;
}

const LOCAL_HOST = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Throws unless `endpoint` is on this machine: tests and the local stack never talk to AWS. */
export function assertLocalEndpoint(endpoint: string, what: string): void {
  if (!LOCAL_HOST.test(endpoint)) throw new Error(`Refusing non-local endpoint for ${what}: ${endpoint}`);
}

/**
 * Points every AWS SDK client of this process (and of children that inherit the environment) at
 * the local stand-ins, through the SDK's own service-specific endpoint variables.
 */
export function useLocalAws(endpoints: LocalEndpoints): void {
  assertLocalEndpoint(endpoints.dynamodb, 'DynamoDB');
  assertLocalEndpoint(endpoints.sqs, 'SQS');
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.sqs;
  if (endpoints.eventbridge) {
    assertLocalEndpoint(endpoints.eventbridge, 'EventBridge');
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoints.eventbridge;
  }
  process.env[env.tableName] = endpoints.tableName;
  process.env[env.ordersQueueUrl] = endpoints.queueUrls.orders;
  process.env[env.webhooksQueueUrl] = endpoints.queueUrls.webhooks;
  if (endpoints.queueUrls.backtests) process.env[env.backtestsQueueUrl] = endpoints.queueUrls.backtests;
  process.env[env.eventBusName] = endpoints.eventBusName;
}
