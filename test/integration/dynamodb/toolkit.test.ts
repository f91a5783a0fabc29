/**
 * The DynamoDB toolkit against DynamoDB Local: a transaction names the guard that failed, the
 * pager reads every page. Conflicts DynamoDB Local never raises are given by a stub client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutItemCommand, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toItem } from '../../../adapters/dynamodb/codec.ts';
import { queryAll, retry, Retryable, transact } from '../../../adapters/dynamodb/toolkit.ts';
import { DependencyError } from '../../../core/errors.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
beforeAll(async () => {
  resources = await useTestResources();
});
afterAll(() => resources.dynamo.destroy());

const put = (table: string, item: Record<string, unknown>, condition?: string) => ({
  Put: { TableName: table, Item: toItem(item), ...(condition ? { ConditionExpression: condition } : {}) },
});

describe('transact', () => {
  it('writes every item, or names the guard that failed and writes none', async () => {
    const { dynamo, tableName } = resources;
    const pk = testTenant();
    expect(
      await transact(dynamo, [{ item: put(tableName, { pk, sk: 'A', n: 1 }), guard: 'a' }], 'writing a'),
    ).toBeUndefined();
    const failed = await transact(
      dynamo,
      [
        { item: put(tableName, { pk, sk: 'B', n: 1 }), guard: 'b' },
        { item: put(tableName, { pk, sk: 'A', n: 2 }, 'attribute_not_exists(pk)'), guard: 'a-once' },
      ],
      'writing a and b',
    );
    expect(failed).toBe('a-once');
    const items = await queryAll(dynamo, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: pk } },
      ConsistentRead: true,
    });
    expect(items.map((i) => [i.sk, i.n])).toEqual([['A', 1]]);
  });

  it('retries a transaction conflict, then gives up with a DependencyError', async () => {
    const conflict = () =>
      new TransactionCanceledException({
        message: 'conflict',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }],
      });
    let calls = 0;
    const flaky = {
      send: async () => {
        calls++;
        if (calls < 3) throw conflict();
        return {};
      },
    } as unknown as DynamoDBClient;
    expect(
      await transact(flaky, [{ item: put('t', { pk: 'p', sk: 's' }) }], 'a flaky write'),
    ).toBeUndefined();
    expect(calls).toBe(3);

    const stuck = {
      send: async () => {
        throw conflict();
      },
    } as unknown as DynamoDBClient;
    await expect(
      transact(stuck, [{ item: put('t', { pk: 'p', sk: 's' }) }], 'a stuck write'),
    ).rejects.toThrow(DependencyError);
  });
});

describe('queryAll', () => {
  it('reads past the first page', async () => {
    const { dynamo, tableName } = resources;
    const pk = testTenant();
    for (let i = 0; i < 7; i++)
      await dynamo.send(new PutItemCommand({ TableName: tableName, Item: toItem({ pk, sk: `S#${i}` }) }));
    const items = await queryAll(dynamo, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': { S: pk }, ':s': { S: 'S#' } },
      Limit: 3,
    });
    expect(items.map((i) => i.sk)).toEqual(['S#0', 'S#1', 'S#2', 'S#3', 'S#4', 'S#5', 'S#6']);
  });
});

describe('retry', () => {
  it('tries again only what asks for it', async () => {
    let n = 0;
    expect(
      await retry(async () => {
        if (++n < 4) throw new Retryable(new Error('busy'));
        return n;
      }),
    ).toBe(4);
    await expect(
      retry(async () => {
        throw new Error('not retryable');
      }),
    ).rejects.toThrow('not retryable');
  });
});
