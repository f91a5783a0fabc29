/**
 * The single table as the stores see it: plain objects in and out, the low-level client and the
 * codec underneath (one client style for every store), SDK failures turned into DependencyErrors
 * naming what was being done. Condition failures of single writes pass through for the caller
 * (`held` turns them into a boolean); transactions name the guard that failed (toolkit.ts).
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { workKeys, type ItemKey } from '../../core/store/keys.ts';
import { dynamoClient, resources } from '../aws.ts';
import { decodeSkCursor, encodeSkCursor, fromItem, toItem } from './codec.ts';
import { guardDynamo, isConditionFailure } from './errors.ts';
import { transact, type GuardedItem } from './toolkit.ts';

export type Item = Record<string, unknown>;

/** The parts of an expression, with plain values. */
export interface Expression {
  condition?: string;
  names?: Record<string, string>;
  values?: Item;
}

/** A query in plain values: the key condition, and what else DynamoDB's Query takes. */
export interface Query extends Omit<Expression, 'condition'> {
  key: string;
  index?: 'gsi1' | 'gsi3';
  filter?: string;
  projection?: string;
  consistent?: boolean;
  forward?: boolean;
  limit?: number;
}

/** How a listing's page cursor is made: the sort key of the last item, sealed for its partition. */
export interface SkCursor {
  /** The partition the cursor is bound to. */
  pk: string;
  /** Sort keys this listing may start after. */
  skPrefix: string;
  /** The sort-key attribute (an index's, for an index query). */
  attribute?: string;
  /** The exclusive start key for a sort key read from a cursor. */
  startKey?: (sk: string) => Item;
}

/** A page of a listing: its items and, when more follow, the cursor of the next page. */
export interface ListPage {
  items: Item[];
  nextCursor?: string;
}

const BATCH_WRITE_MAX = 25;

function expressionInput(e: Expression) {
  return {
    ...(e.condition ? { ConditionExpression: e.condition } : {}),
    ...(e.names && Object.keys(e.names).length ? { ExpressionAttributeNames: e.names } : {}),
    ...(e.values && Object.keys(e.values).length ? { ExpressionAttributeValues: toItem(e.values) } : {}),
  };
}

/** Resolves true when the write happened, false when its condition failed; anything else throws. */
export async function held(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export class Table {
  readonly client: DynamoDBClient;
  readonly name: string;

  constructor(client: DynamoDBClient, name: string) {
    this.client = client;
    this.name = name;
  }

  /** The runtime's table. */
  static fromEnvironment(): Table {
    return new Table(dynamoClient(), resources().tableName);
  }

  async get(key: ItemKey, what: string, consistent = true): Promise<Item | undefined> {
    const { Item } = await guardDynamo(what, () =>
      this.client.send(
        new GetItemCommand({ TableName: this.name, Key: toItem({ ...key }), ConsistentRead: consistent }),
      ),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** The items of `keys` found, read consistently; undefined when DynamoDB left some unread. */
  async getMany(keys: ItemKey[], what: string): Promise<Item[] | undefined> {
    const { Responses, UnprocessedKeys } = await guardDynamo(what, () =>
      this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.name]: { Keys: keys.map((k) => toItem({ ...k })), ConsistentRead: true } },
        }),
      ),
    );
    if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0) return undefined;
    return (Responses?.[this.name] ?? []).map(fromItem);
  }

  async put(item: Item, what: string, expression: Expression = {}): Promise<void> {
    await guardDynamo(what, () =>
      this.client.send(
        new PutItemCommand({ TableName: this.name, Item: toItem(item), ...expressionInput(expression) }),
      ),
    );
  }

  /** Writes the items in batches; DynamoDB's unprocessed leftovers are sent again. */
  async putMany(items: Item[], what: string): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
      let requests: Record<string, AttributeValue>[] = items
        .slice(i, i + BATCH_WRITE_MAX)
        .map((item) => toItem(item));
      while (requests.length > 0) {
        const { UnprocessedItems } = await guardDynamo(what, () =>
          this.client.send(
            new BatchWriteItemCommand({
              RequestItems: { [this.name]: requests.map((Item) => ({ PutRequest: { Item } })) },
            }),
          ),
        );
        requests = (UnprocessedItems?.[this.name] ?? []).flatMap((r) =>
          r.PutRequest?.Item ? [r.PutRequest.Item] : [],
        );
      }
    }
  }

  /** Applies `update` to the item; returns the attributes `returns` asks for. */
  async update(
    key: ItemKey,
    update: string,
    what: string,
    expression: Expression = {},
    returns?: 'ALL_NEW' | 'UPDATED_NEW',
  ): Promise<Item | undefined> {
    const { Attributes } = await guardDynamo(what, () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: toItem({ ...key }),
          UpdateExpression: update,
          ...expressionInput(expression),
          ...(returns ? { ReturnValues: returns } : {}),
        }),
      ),
    );
    return Attributes ? fromItem(Attributes) : undefined;
  }

  async delete(key: ItemKey, what: string, expression: Expression = {}): Promise<void> {
    await guardDynamo(what, () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.name,
          Key: toItem({ ...key }),
          ...expressionInput(expression),
        }),
      ),
    );
  }

  private queryInput(q: Query): QueryCommandInput {
    return {
      TableName: this.name,
      KeyConditionExpression: q.key,
      ...expressionInput(q),
      ...(q.index ? { IndexName: q.index } : {}),
      ...(q.filter ? { FilterExpression: q.filter } : {}),
      ...(q.projection ? { ProjectionExpression: q.projection } : {}),
      ...(q.consistent ? { ConsistentRead: true } : {}),
      ...(q.forward === false ? { ScanIndexForward: false } : {}),
      ...(q.limit ? { Limit: q.limit } : {}),
    };
  }

  /** One page of a query, from `startKey`. */
  async query(q: Query, what: string, startKey?: Item): Promise<{ items: Item[]; lastKey?: Item }> {
    const { Items = [], LastEvaluatedKey } = await guardDynamo(what, () =>
      this.client.send(
        new QueryCommand({
          ...this.queryInput(q),
          ...(startKey ? { ExclusiveStartKey: toItem(startKey) } : {}),
        }),
      ),
    );
    return {
      items: Items.map(fromItem),
      ...(LastEvaluatedKey ? { lastKey: fromItem(LastEvaluatedKey) } : {}),
    };
  }

  /** Every item a query matches, page after page: the one pager. */
  async queryAll(q: Query, what: string): Promise<Item[]> {
    const out: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.query(q, what, startKey);
      out.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return out;
  }

  /** How many items a query matches (one page of keys: for soft limits over small sets). */
  async count(q: Query, what: string): Promise<number> {
    const { Count = 0 } = await guardDynamo(what, () =>
      this.client.send(new QueryCommand({ ...this.queryInput(q), Select: 'COUNT' })),
    );
    return Count;
  }

  /** One page of a listing that a client pages through with opaque cursors. */
  async page(
    q: Query,
    page: { limit: number; cursor?: string },
    what: string,
    cursor: SkCursor,
  ): Promise<ListPage> {
    const attribute = cursor.attribute ?? 'sk';
    const after = await decodeSkCursor(page.cursor, cursor.skPrefix, cursor.pk);
    const startKey =
      after === undefined ? undefined : (cursor.startKey?.(after) ?? { pk: cursor.pk, [attribute]: after });
    const { items, lastKey } = await this.query({ ...q, limit: page.limit }, what, startKey);
    const nextCursor = lastKey ? await encodeSkCursor(String(lastKey[attribute]), cursor.pk) : undefined;
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** Writes the items in one transaction; the name of the guard that failed, or undefined. */
  transact(items: GuardedItem[], what: string): Promise<string | undefined> {
    return transact(this.client, items, what);
  }

  /** A transaction item putting `item`, under `guard` when it has a condition. */
  putItem(item: Item, expression: Expression = {}, guard?: string): GuardedItem {
    const put: TransactWriteItem = {
      Put: { TableName: this.name, Item: toItem(item), ...expressionInput(expression) },
    };
    return { item: put, ...(guard ? { guard } : {}) };
  }

  /** A transaction item applying `update` to the item at `key`. */
  updateItem(key: ItemKey, update: string, expression: Expression = {}, guard?: string): GuardedItem {
    const item: TransactWriteItem = {
      Update: {
        TableName: this.name,
        Key: toItem({ ...key }),
        UpdateExpression: update,
        ...expressionInput(expression),
      },
    };
    return { item, ...(guard ? { guard } : {}) };
  }
}

/** A store on the single table: built on a client and a table name, or on the runtime's. */
export abstract class TableStore {
  readonly table: Table;

  constructor(client: DynamoDBClient, tableName: string) {
    this.table = new Table(client, tableName);
  }

  static fromEnvironment<S>(this: new (client: DynamoDBClient, tableName: string) => S): S {
    return new this(dynamoClient(), resources().tableName);
  }
}

/**
 * An event kept under its entity (at the key `keyOf` gives its new id) and put on the outbox,
 * which publishes it to the bus.
 */
export function outboxNotice(
  entity: string,
  entityId: string,
  detail: { type: string; at: string; tenantId: string },
  keyOf: (id: string) => ItemKey,
): Item {
  const id = ulid();
  return {
    ...keyOf(id),
    entity,
    ...workKeys.outbox(id, detail.at, entityId, id),
    detailType: detail.type,
    detail,
    tenantId: detail.tenantId,
    at: detail.at,
  };
}
