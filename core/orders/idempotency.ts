import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.ts';

/** Idempotency keys are opaque client strings; long or odd ones are refused rather than truncated. */
export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw new ValidationError('The Idempotency-Key header is required', [
      { path: 'headers.idempotency-key', message: 'required' },
    ]);
  }
  const key = header.trim();
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters', [
      { path: 'headers.idempotency-key', message: 'invalid' },
    ]);
  }
  return key;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A digest of the request as JSON means it: key order and whitespace do not make it different. */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/** The key's digest, safe to use inside a table key whatever the client sent. */
export function keyHash(tenantScopedKey: string): string {
  return createHash('sha256').update(tenantScopedKey).digest('hex');
}
