/**
 * The DynamoDB toolkit of the stores: one transaction that names the guard that failed, one
 * retry helper and its policies. Stores build items (table.ts for plain objects); these send them.
 */
import {
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../core/errors.ts';
import { fromItem } from './codec.ts';

/** How often and how patiently a contended write is tried again. */
export interface RetryPolicy {
  attempts: number;
  /** The n-th retry waits a random time up to n × this. */
  jitterMs: number;
}

/** The one policy: transaction conflicts and races on a counter item clear within a few tries. */
export const RETRY_POLICY: RetryPolicy = { attempts: 8, jitterMs: 15 };

/**
 * For writers racing for the next number of one sequence (the stream's head): each round only one
 * of them wins, so the attempts grow with how many race, and the waits stay short.
 */
export const SEQUENCE_RACE_POLICY: RetryPolicy = { attempts: 25, jitterMs: 2 };

/** A retryable failure: `retry` tries again; anything else is thrown at once. */
export class Retryable extends Error {
  constructor(cause: unknown) {
    super('retryable', { cause });
  }
}

/**
 * Runs `fn` until it returns, throwing `Retryable` to ask for another try; after the last try the
 * retryable failure's cause is thrown, or what `exhausted` makes of it.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: { policy?: RetryPolicy; exhausted?: (cause: unknown) => unknown } = {},
): Promise<T> {
  const policy = options.policy ?? RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      if (attempt >= policy.attempts) throw options.exhausted ? options.exhausted(error.cause) : error.cause;
      await new Promise((r) => setTimeout(r, Math.random() * policy.jitterMs * attempt));
    }
  }
}

/** A transaction item and the name of its guard, reported when that guard is what failed. */
export interface GuardedItem {
  item: TransactWriteItem;
  guard?: string;
}

/**
 * Writes the items in one transaction: undefined when written, else the name of the guard whose
 * condition failed ('unnamed' for an item without one). Conflicts with other transactions are
 * retried; any other failure is a DependencyError saying `what` failed.
 */
export async function transact(
  client: DynamoDBClient,
  items: GuardedItem[],
  what: string,
): Promise<string | undefined> {
  return retry(
    async () => {
      try {
        await client.send(new TransactWriteItemsCommand({ TransactItems: items.map((i) => i.item) }));
        return undefined;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException))
          throw new DependencyError(`DynamoDB failed while ${what}`, { cause: error });
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) return items[failed]?.guard ?? 'unnamed';
        if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new Retryable(error);
        throw new DependencyError(`DynamoDB cancelled the transaction while ${what}`, { cause: error });
      }
    },
    {
      exhausted: (cause) => new DependencyError(`DynamoDB kept conflicting while ${what}`, { cause }),
    },
  );
}

/** Every item a query matches, page after page, unmarshalled. */
export async function queryAll(
  client: DynamoDBClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    for (const item of page.Items ?? []) out.push(fromItem(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}
