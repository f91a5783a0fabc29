import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { connectionHealth } from '../core/connections/model.ts';
import { systemKeys } from '../core/store/keys.ts';
import { dynamoClient, resources, sqsClient } from './aws.ts';
import { DynamoConnectionStore } from './dynamodb/connection-store.ts';
import { documentClient } from './dynamodb/document-client.ts';
import { Table } from './dynamodb/table.ts';

/** How old the bridge's heartbeat may be before the broker counts as disconnected. */
const BRIDGE_HEARTBEAT_MAX_AGE_MS = 30_000;

export type CheckResult = { ok: true; detail?: string } | { ok: false; detail: string };

async function check(fn: () => Promise<string | undefined>): Promise<CheckResult> {
  try {
    const detail = await fn();
    return detail === undefined ? { ok: true } : { ok: true, detail };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Checks that the table, the orders queue and the broker connection (through the bridge) are up. */
export async function checkDependencies(now = Date.now()): Promise<Record<string, CheckResult>> {
  const dynamo = dynamoClient();
  const sqs = sqsClient();
  const { tableName, ordersQueueUrl } = resources();
  const [database, queue, broker] = await Promise.all([
    check(async () => {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus !== 'ACTIVE') throw new Error(`table is ${Table?.TableStatus ?? 'missing'}`);
      return undefined;
    }),
    check(async () => {
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: ordersQueueUrl, AttributeNames: ['QueueArn'] }),
      );
      return undefined;
    }),
    check(async () => {
      const status = await new Table(dynamo, tableName).get(
        systemKeys.bridgeStatus(),
        'reading the bridge heartbeat',
        false,
      );
      if (!status) throw new Error('no bridge has reported');
      const age = now - Date.parse(String(status.updatedAt));
      if (!(age <= BRIDGE_HEARTBEAT_MAX_AGE_MS))
        throw new Error(`bridge silent for ${Math.round(age / 1000)} s`);
      if (status.brokerConnected !== true) throw new Error('bridge is not connected to the broker');
      return `connected to ${String(status.broker)}`;
    }),
  ]);
  return { database, queue, broker };
}

/**
 * Each broker connection's health by id. A tenant's gateway being down does not make the platform
 * not ready, so these are reported beside the checks rather than among them.
 */
export async function checkConnections(now = Date.now()): Promise<Record<string, CheckResult>> {
  const { tableName } = resources();
  const connections = await new DynamoConnectionStore(documentClient(), tableName).listAll();
  return Object.fromEntries(
    connections
      .sort((a, b) => a.connectionId.localeCompare(b.connectionId))
      .map((c) => {
        const health = connectionHealth(c, now);
        return [
          c.connectionId,
          health.ok ? { ok: true, detail: health.detail } : { ok: false, detail: health.detail },
        ];
      }),
  );
}
