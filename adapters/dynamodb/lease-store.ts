/**
 * The connection lease in the single table: one item per connection with its holder, a fencing
 * token and the time it runs until. Every change is one conditional write, so two bridges racing
 * for a connection cannot both win.
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConnectionLeaseStore, LeaseHolder } from '../../core/bridge/ports.ts';
import { bridgeKeys } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';
import { isConditionFailure } from './errors.ts';

export class DynamoLeaseStore implements ConnectionLeaseStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #now: () => number;

  /** `now` is the clock leases run on (tests pass a virtual one). */
  constructor(client: DynamoDBClient, table: string, now: () => number = Date.now) {
    this.#client = client;
    this.#table = table;
    this.#now = now;
  }

  async acquire(
    connectionId: string,
    holder: string,
    ttlMs: number,
  ): Promise<{ token: number } | LeaseHolder> {
    const now = this.#now();
    try {
      const { Attributes } = await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: toItem({ ...bridgeKeys.lease(connectionId) }),
          UpdateExpression:
            'SET holder = :h, leaseUntil = :until, connectionId = :c, fencingToken = if_not_exists(fencingToken, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(holder) OR leaseUntil < :now OR holder = :h',
          ExpressionAttributeValues: {
            ':h': { S: holder },
            ':c': { S: connectionId },
            ':until': { N: String(now + ttlMs) },
            ':now': { N: String(now) },
            ':zero': { N: '0' },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { token: Number(fromItem(Attributes ?? {}).fencingToken) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Parameters<typeof fromItem>[0] }).Item;
      const item = old ? fromItem(old) : {};
      return { holder: String(item.holder ?? 'unknown'), until: Number(item.leaseUntil ?? 0) };
    }
  }

  async renew(connectionId: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    return this.#guarded(connectionId, holder, token, 'SET leaseUntil = :until', {
      ':until': { N: String(this.#now() + ttlMs) },
    });
  }

  async release(connectionId: string, holder: string, token: number): Promise<void> {
    await this.#guarded(connectionId, holder, token, 'REMOVE holder SET leaseUntil = :zero', {
      ':zero': { N: '0' },
    });
  }

  async #guarded(
    connectionId: string,
    holder: string,
    token: number,
    update: string,
    values: Record<string, { N: string } | { S: string }>,
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: toItem({ ...bridgeKeys.lease(connectionId) }),
          UpdateExpression: update,
          ConditionExpression: 'holder = :h AND fencingToken = :t',
          ExpressionAttributeValues: { ':h': { S: holder }, ':t': { N: String(token) }, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
