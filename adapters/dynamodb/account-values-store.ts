/** IB's account values, one item per account beside the account's ownership item. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountValues, AccountValuesStore } from '../../core/connections/account-summary.ts';
import { accountKeys } from '../../core/store/keys.ts';
import { env } from '../../core/topology.ts';
import { requiredEnv } from '../aws.ts';
import { documentClient } from './document-client.ts';
import { guardDynamo, isConditionFailure } from './errors.ts';

export class DynamoAccountValuesStore implements AccountValuesStore {
  private readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(client: DynamoDBClient | DynamoDBDocumentClient, tableName: string) {
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
  }

  static fromEnvironment(): DynamoAccountValuesStore {
    return new DynamoAccountValuesStore(documentClient(), requiredEnv(env.tableName));
  }

  async get(accountId: string): Promise<AccountValues | undefined> {
    const { Item } = await guardDynamo('reading account values', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: accountKeys.values(accountId) })),
    );
    if (!Item) return undefined;
    return {
      accountId: String(Item.accountId),
      values: Item.values as AccountValues['values'],
      at: String(Item.at),
    };
  }

  /** Replaces the account's values; an older snapshot never overwrites a newer one. */
  async put(values: AccountValues): Promise<void> {
    await guardDynamo('writing account values', () =>
      this.doc
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...accountKeys.values(values.accountId), entity: 'accountValues', ...values },
            ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': values.at },
          }),
        )
        .catch((error: unknown) => {
          if (isConditionFailure(error)) return undefined;
          throw error;
        }),
    );
  }
}
