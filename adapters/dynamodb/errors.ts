import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DependencyError, DomainError } from '../../core/errors.ts';

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
