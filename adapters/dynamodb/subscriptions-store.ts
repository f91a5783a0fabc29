import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
  ConditionalCheckFailedException,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../core/errors.ts';
import { MarketDataContentionError, MarketDataLineLimitError } from '../../core/marketdata/errors.ts';
import type { WantedSymbol } from '../../core/marketdata/plan.ts';
import type {
  SnapshotRequest,
  SubscriptionStore,
  TenantSubscription,
  WantedState,
} from '../../core/marketdata/ports.ts';
import { marketKeys, type ItemKey } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';

const ATTEMPTS = 6;

/**
 * Tenant subscriptions and the platform-wide wanted list, kept consistent by transactions: a
 * tenant's item, the symbol's reference count and the line counter move together or not at all.
 * Counts are guarded by the value read (optimistic), the line counter by the limit itself, so
 * two tenants adding different new symbols at once can never both take the last line.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  readonly client: DynamoDBClient;
  readonly table: string;

  /** The broker connection whose lines and list this store moves (undefined: the house connection). */
  readonly connectionId: string | undefined;

  constructor(client: DynamoDBClient, table: string, connectionId?: string) {
    this.client = client;
    this.table = table;
    this.connectionId = connectionId;
  }

  async subscribe(
    tenantId: string,
    symbols: readonly string[],
    options: { lineLimit: number; actor: string; now: string },
  ): Promise<{ added: string[] }> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const keys = [
        ...symbols.map((s) => marketKeys.subscription(tenantId, s)),
        ...symbols.map((s) => marketKeys.wanted(s, this.connectionId)),
        marketKeys.lines(this.connectionId),
      ];
      const items = await this.#batchGet(keys);
      const toAdd = symbols.filter((s) => !items.has(keyId(marketKeys.subscription(tenantId, s))));
      if (toAdd.length === 0) return { added: [] };
      const refsOf = (s: string) => {
        const item = items.get(keyId(marketKeys.wanted(s, this.connectionId)));
        return typeof item?.refs === 'number' ? item.refs : 0;
      };
      const newSymbols = toAdd.filter((s) => refsOf(s) <= 0);
      const linesItem = items.get(keyId(marketKeys.lines(this.connectionId)));
      const inUse = typeof linesItem?.inUse === 'number' ? linesItem.inUse : 0;
      if (newSymbols.length > 0 && inUse + newSymbols.length > options.lineLimit) {
        throw new MarketDataLineLimitError(options.lineLimit, inUse, newSymbols);
      }
      const writes: TransactWriteItem[] = [];
      for (const symbol of toAdd) {
        writes.push({
          Put: {
            TableName: this.table,
            Item: toItem({
              ...marketKeys.subscription(tenantId, symbol),
              symbol,
              createdAt: options.now,
              createdBy: options.actor,
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        const refs = refsOf(symbol);
        writes.push(
          refs > 0
            ? {
                Update: {
                  TableName: this.table,
                  Key: toItem({ ...marketKeys.wanted(symbol, this.connectionId) }),
                  UpdateExpression: 'SET refs = refs + :one',
                  ConditionExpression: 'refs = :seen',
                  ExpressionAttributeValues: { ':one': { N: '1' }, ':seen': { N: String(refs) } },
                },
              }
            : {
                Put: {
                  TableName: this.table,
                  Item: toItem({
                    ...marketKeys.wanted(symbol, this.connectionId),
                    symbol,
                    refs: 1,
                    since: options.now,
                  }),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
        );
      }
      if (newSymbols.length > 0) {
        writes.push({
          Update: {
            TableName: this.table,
            Key: toItem({ ...marketKeys.lines(this.connectionId) }),
            UpdateExpression: 'SET inUse = if_not_exists(inUse, :zero) + :n',
            ConditionExpression: 'attribute_not_exists(inUse) OR inUse <= :max',
            ExpressionAttributeValues: {
              ':zero': { N: '0' },
              ':n': { N: String(newSymbols.length) },
              ':max': { N: String(options.lineLimit - newSymbols.length) },
            },
          },
        });
      }
      if (await this.#transact(writes)) return { added: toAdd };
    }
    throw new MarketDataContentionError();
  }

  async unsubscribe(tenantId: string, symbol: string): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const sub = marketKeys.subscription(tenantId, symbol);
      const wanted = marketKeys.wanted(symbol, this.connectionId);
      const items = await this.#batchGet([sub, wanted]);
      if (!items.has(keyId(sub))) return false;
      const wantedItem = items.get(keyId(wanted));
      const refs = typeof wantedItem?.refs === 'number' ? wantedItem.refs : 0;
      const writes: TransactWriteItem[] = [
        {
          Delete: {
            TableName: this.table,
            Key: toItem({ ...sub }),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ];
      if (refs > 1) {
        writes.push({
          Update: {
            TableName: this.table,
            Key: toItem({ ...wanted }),
            UpdateExpression: 'SET refs = refs - :one',
            ConditionExpression: 'refs = :seen',
            ExpressionAttributeValues: { ':one': { N: '1' }, ':seen': { N: String(refs) } },
          },
        });
      } else if (wantedItem) {
        // The last tenant leaves: the symbol's line is given back.
        writes.push(
          {
            Delete: {
              TableName: this.table,
              Key: toItem({ ...wanted }),
              ConditionExpression: 'refs = :seen',
              ExpressionAttributeValues: { ':seen': { N: String(refs) } },
            },
          },
          {
            Update: {
              TableName: this.table,
              Key: toItem({ ...marketKeys.lines(this.connectionId) }),
              UpdateExpression: 'SET inUse = inUse - :one',
              ConditionExpression: 'inUse > :zero',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' } },
            },
          },
        );
      }
      if (await this.#transact(writes)) return true;
    }
    throw new MarketDataContentionError();
  }

  async list(tenantId: string): Promise<TenantSubscription[]> {
    const { pk, skPrefix } = marketKeys.subscriptionPrefix(tenantId);
    const out: TenantSubscription[] = [];
    for await (const item of this.#query(pk, skPrefix)) {
      out.push({
        symbol: String(item.symbol),
        createdAt: String(item.createdAt),
        createdBy: String(item.createdBy),
      });
    }
    return out;
  }

  async isWanted(symbol: string): Promise<boolean> {
    const { Item } = await this.#call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: toItem({ ...marketKeys.wanted(symbol, this.connectionId) }),
          ConsistentRead: true,
          ProjectionExpression: 'refs',
        }),
      ),
    );
    return Item !== undefined && Number(Item.refs?.N ?? '0') > 0;
  }

  async wanted(): Promise<WantedState> {
    const state: WantedState = { symbols: [], snapshots: [], linesInUse: 0 };
    const nowSeconds = Date.now() / 1000;
    for await (const item of this.#query(marketKeys.wantedPk(this.connectionId), '')) {
      const sk = String(item.sk);
      if (sk === marketKeys.lines(this.connectionId).sk) state.linesInUse = Number(item.inUse ?? 0);
      else if (sk.startsWith('SYM#')) {
        const w: WantedSymbol = {
          symbol: String(item.symbol),
          refs: Number(item.refs ?? 0),
          since: String(item.since ?? ''),
        };
        state.symbols.push(w);
      } else if (sk.startsWith('SNAP#')) {
        if (typeof item.expiresAt === 'number' && item.expiresAt < nowSeconds) continue;
        state.snapshots.push(snapshotFrom(item));
      }
    }
    return state;
  }

  async requestSnapshot(request: SnapshotRequest, ttlSeconds: number): Promise<void> {
    await this.#call(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem({
            ...marketKeys.snapshotRequest(request.symbol, this.connectionId),
            ...request,
            expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
          }),
        }),
      ),
    );
  }

  async snapshotRequest(symbol: string): Promise<SnapshotRequest | undefined> {
    const { Item } = await this.#call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: toItem({ ...marketKeys.snapshotRequest(symbol, this.connectionId) }),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? snapshotFrom(fromItem(Item)) : undefined;
  }

  async finishSnapshot(symbol: string, requestId: string, failure?: string): Promise<void> {
    const Key = toItem({ ...marketKeys.snapshotRequest(symbol, this.connectionId) });
    const guard = { ConditionExpression: 'requestId = :id' };
    try {
      await this.client.send(
        failure === undefined
          ? new DeleteItemCommand({
              TableName: this.table,
              Key,
              ...guard,
              ExpressionAttributeValues: { ':id': { S: requestId } },
            })
          : new UpdateItemCommand({
              TableName: this.table,
              Key,
              UpdateExpression: 'SET #status = :failed, reason = :reason',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':id': { S: requestId },
                ':failed': { S: 'failed' },
                ':reason': { S: failure },
              },
              ...guard,
            }),
      );
    } catch (error) {
      // A newer request replaced this one: it is the newer one's to finish.
      if (error instanceof ConditionalCheckFailedException) return;
      throw new DependencyError('The market-data store failed', { cause: error });
    }
  }

  async #transact(writes: TransactWriteItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some(
          (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
        )
      ) {
        return false;
      }
      throw new DependencyError('The market-data store failed', { cause: error });
    }
  }

  async #batchGet(keys: ItemKey[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Array<Record<string, AttributeValue>> = keys.map((k) => toItem({ ...k }));
    for (let round = 0; pending.length > 0 && round < 10; round++) {
      const out = await this.#call(() =>
        this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
          }),
        ),
      );
      for (const item of out.Responses?.[this.table] ?? []) {
        const value = fromItem(item);
        found.set(`${String(value.pk)}|${String(value.sk)}`, value);
      }
      pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    if (pending.length > 0) throw new DependencyError('The market-data store left keys unread');
    return found;
  }

  async *#query(pk: string, skPrefix: string): AsyncGenerator<Record<string, unknown>> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.#call(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
            ExpressionAttributeValues: skPrefix
              ? { ':pk': { S: pk }, ':prefix': { S: skPrefix } }
              : { ':pk': { S: pk } },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) yield fromItem(item);
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new DependencyError('The market-data store failed', { cause: error });
    }
  }
}

function keyId(key: ItemKey): string {
  return `${key.pk}|${key.sk}`;
}

function snapshotFrom(item: Record<string, unknown>): SnapshotRequest {
  return {
    symbol: String(item.symbol),
    requestId: String(item.requestId),
    requestedAt: String(item.requestedAt),
    status: item.status === 'failed' ? 'failed' : 'pending',
    ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
  };
}
