import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DependencyError, DomainError, ValidationError } from '../../core/errors.ts';
import { openCursor, sealCursor } from './codec.ts';

/** A write refused by its condition expression. */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * Runs a DynamoDB call and turns an SDK failure into a DependencyError (a 503 the client may
 * retry). Condition failures and domain errors pass through: the caller decides what they mean.
 */
export async function guardDynamo<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isConditionFailure(error) || error instanceof TransactionCanceledException) throw error;
    if (error instanceof DomainError) throw error;
    throw new DependencyError(`DynamoDB failed while ${what}`, { cause: error });
  }
}

/**
 * A page cursor that carries only the sort key, authenticated and bound to the listing's partition:
 * the partition always comes from the caller's tenant, and another's cursor is refused.
 */
export function encodeSkCursor(sk: string, pk: string): Promise<string> {
  return sealCursor({ sk }, pk);
}

/** The sort key of a cursor issued for a listing of `pk` under `skPrefix`, or a 400 for anything else. */
export async function decodeSkCursor(
  cursor: string | undefined,
  skPrefix: string,
  pk: string,
): Promise<string | undefined> {
  if (cursor === undefined) return undefined;
  const parsed = (await openCursor(cursor, pk)) as { sk?: unknown } | null;
  if (typeof parsed?.sk === 'string' && parsed.sk.startsWith(skPrefix)) return parsed.sk;
  throw new ValidationError('Invalid cursor', [
    { path: 'query.cursor', message: 'not a cursor this listing issued' },
  ]);
}
