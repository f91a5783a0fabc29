import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoginAttempts, LoginAttemptsPort } from '../../core/access/login.ts';
import { authKeys } from '../../core/store/keys.ts';
import { table } from '../../core/topology.ts';
import { documentClient, resources } from '../aws.ts';
import { guardDynamo } from './errors.ts';

// A source is remembered for a user this long after its last sign-in or failure.
const REMEMBER_SECONDS = 90 * 24 * 3600;

/** One item per (username, source) in the single table, expiring through the table's TTL. */
export class LoginAttemptsStore implements LoginAttemptsPort {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  static fromEnvironment(): LoginAttemptsStore {
    return new LoginAttemptsStore(documentClient(), resources().tableName);
  }

  async get(username: string, sourceIp: string): Promise<LoginAttempts> {
    const { Item } = await guardDynamo('reading login attempts', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: authKeys.loginAttempts(username, sourceIp),
          ConsistentRead: true,
        }),
      ),
    );
    return {
      failures: Number(Item?.failures ?? 0),
      lastFailureAt: typeof Item?.lastFailureAt === 'number' ? Item.lastFailureAt : null,
      succeededBefore: typeof Item?.succeededAt === 'string',
    };
  }

  async recordFailure(username: string, sourceIp: string, now: Date): Promise<void> {
    await this.update(
      'recording a failed login',
      username,
      sourceIp,
      now,
      'ADD failures :one SET lastFailureAt = :at, #ttl = :ttl',
      {
        ':one': 1,
        ':at': now.getTime(),
      },
    );
  }

  async recordSuccess(username: string, sourceIp: string, now: Date): Promise<void> {
    await this.update(
      'recording a login',
      username,
      sourceIp,
      now,
      'SET failures = :zero, succeededAt = :iso, #ttl = :ttl',
      {
        ':zero': 0,
        ':iso': now.toISOString(),
      },
    );
  }

  private async update(
    what: string,
    username: string,
    sourceIp: string,
    now: Date,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await guardDynamo(what, () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: authKeys.loginAttempts(username, sourceIp),
          UpdateExpression: expression,
          ExpressionAttributeNames: { '#ttl': table.ttlAttribute },
          ExpressionAttributeValues: {
            ...values,
            ':ttl': Math.floor(now.getTime() / 1000) + REMEMBER_SECONDS,
          },
        }),
      ),
    );
  }
}
