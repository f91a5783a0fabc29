import { randomBytes } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { systemKeys } from '../../core/store/keys.ts';
import { env } from '../../core/topology.ts';
import { dynamoClient, resources } from '../aws.ts';

let fromTable: { tableName: string; key: Promise<Buffer> } | undefined;

/**
 * The key that authenticates page cursors. Configured (OMS_CURSOR_KEY: the local stack keeps one
 * under its data dir, beside the identity key); otherwise the platform's own, created once in the
 * table with a conditional write so every runtime of a deployment agrees on it. Whoever can read
 * that item can read every listing anyway, so it guards nothing a cursor could reach.
 */
export function cursorKey(): Promise<Buffer> {
  const configured = process.env[env.cursorKey];
  if (configured) return Promise.resolve(Buffer.from(configured, 'utf8'));
  const { tableName } = resources();
  if (fromTable?.tableName !== tableName) {
    const key = loadOrCreate(tableName);
    fromTable = { tableName, key };
    key.catch(() => (fromTable = undefined));
  }
  return fromTable.key;
}

// Attribute values by hand: the codec's cursors depend on this module, not the other way round.
const keyItem = () => {
  const { pk, sk } = systemKeys.cursorKey();
  return { pk: { S: pk }, sk: { S: sk } };
};

async function loadOrCreate(tableName: string): Promise<Buffer> {
  const client = dynamoClient();
  const read = async () => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keyItem(), ConsistentRead: true }),
    );
    const secret = Item?.secret?.S;
    return secret === undefined ? undefined : Buffer.from(secret, 'base64url');
  };
  const existing = await read();
  if (existing) return existing;
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...keyItem(),
          entity: { S: 'secret' },
          secret: { S: randomBytes(32).toString('base64url') },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // Another runtime created it first: read theirs.
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
  const created = await read();
  if (!created) throw new Error('The cursor key could not be created');
  return created;
}
