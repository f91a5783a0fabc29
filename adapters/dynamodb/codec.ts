import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../core/errors.ts';
import { cursorKey } from './cursor-key.ts';

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

function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not valid; use the nextCursor of a previous page', [
    { path: 'query.cursor', message: 'invalid' },
  ]);
}

const MAC_BYTES = 16;

async function mac(body: string, binding: string): Promise<Buffer> {
  return createHmac('sha256', await cursorKey())
    .update(`${binding}\n${body}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

/**
 * An opaque cursor: the payload as base64url JSON and an HMAC over it and `binding` (the caller's
 * partition and listing), so a cursor can be neither forged nor replayed by another tenant.
 */
export async function sealCursor(payload: unknown, binding: string): Promise<string> {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${(await mac(body, binding)).toString('base64url')}`;
}

/** The payload of a cursor sealed for `binding`; a 400 for anything else. */
export async function openCursor(cursor: string, binding: string): Promise<unknown> {
  const [body, tag, ...rest] = cursor.split('.');
  if (!body || !tag || rest.length || cursor.length > 4096) throw invalidCursor();
  const presented = Buffer.from(tag, 'base64url');
  // Base64 ignores the spare bits of its last character: only the canonical spelling is ours.
  if (
    presented.toString('base64url') !== tag ||
    Buffer.from(body, 'base64url').toString('base64url') !== body
  )
    throw invalidCursor();
  const expected = await mac(body, binding);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw invalidCursor();
  }
}

/** An opaque page cursor for the last evaluated key, bound to the caller's partition. */
export async function encodeCursor(
  key: Record<string, AttributeValue> | undefined,
  binding: string,
): Promise<string | undefined> {
  return key ? sealCursor(unmarshall(key), binding) : undefined;
}

/**
 * Opens a cursor and checks it belongs to the caller's partition, so a forged cursor can neither
 * break the query nor start it inside another tenant's data.
 */
export async function decodeCursor(
  cursor: string,
  expect: { keys: readonly string[]; partition: { name: string; startsWith: string }; binding: string },
): Promise<Record<string, AttributeValue>> {
  const decoded = await openCursor(cursor, expect.binding);
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw invalidCursor();
  const record = decoded as Record<string, unknown>;
  const names = Object.keys(record).sort();
  if (names.join() !== [...expect.keys].sort().join()) throw invalidCursor();
  if (!names.every((n) => typeof record[n] === 'string' && (record[n] as string).length <= 1024))
    throw invalidCursor();
  if (!(record[expect.partition.name] as string).startsWith(expect.partition.startsWith))
    throw invalidCursor();
  return marshall(record);
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
