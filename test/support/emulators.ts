/**
 * Starts the emulators once per test run (DynamoDB Local in memory, the SQS emulator) and hands
 * their endpoints to the test workers through the environment. Each test file then creates its
 * own table and queues (test/support/resources.ts) and each test its own tenant.
 */
import { startDynamoDbLocal, type LocalDynamoDb } from '../../local/dynamodb.ts';
import { startLocalSqs, type LocalSqs } from '../../local/sqs.ts';

let running: { dynamodb: LocalDynamoDb; sqs: LocalSqs } | undefined;

export async function startEmulators(): Promise<void> {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startLocalSqs()]);
  running = { dynamodb, sqs };
  process.env.OMS_TEST_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  process.env.OMS_TEST_SQS_ENDPOINT = sqs.endpoint;
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
}

export async function stopEmulators(): Promise<void> {
  await Promise.all([running?.dynamodb.stop(), running?.sqs.stop()]);
  running = undefined;
}
