import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../core/errors.ts';

/** Plain object → DynamoDB item; undefined fields are left out. */
export function toItem(value: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: false });
}

/** DynamoDB item → plain object. Numbers come back as JS numbers: decimals are stored as strings. */
export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(item);
}

/** A DynamoDB number attribute holding an exact decimal (counters that ADD works on). */
export function decimalNumber(value: { toFixed(): string }): AttributeValue {
  return { N: value.toFixed() };
}

/** An opaque page cursor: the last evaluated key, base64url JSON. */
export function encodeCursor(key: Record<string, AttributeValue> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(unmarshall(key))).toString('base64url') : undefined;
}

/**
 * Decodes a cursor and checks it belongs to the caller's partition, so a forged cursor can neither
 * break the query nor start it inside another tenant's data.
 */
export function decodeCursor(
  cursor: string,
  expect: { keys: readonly string[]; partition: { name: string; startsWith: string } },
): Record<string, AttributeValue> {
  const invalid = () =>
    new ValidationError('The cursor is not valid; use the nextCursor of a previous page', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw invalid();
  const record = decoded as Record<string, unknown>;
  const names = Object.keys(record).sort();
  if (names.join() !== [...expect.keys].sort().join()) throw invalid();
  if (!names.every((n) => typeof record[n] === 'string' && (record[n] as string).length <= 1024))
    throw invalid();
  if (!(record[expect.partition.name] as string).startsWith(expect.partition.startsWith)) throw invalid();
  return marshall(record);
}
