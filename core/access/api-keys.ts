import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `oms_<tenant>_<keyId>_<secret>`. The tenant and key id let the authorizer
 * read exactly one item; only the SHA-256 of the secret is stored, and compared in constant time.
 * A fast hash is right here: the secret is 256 random bits, so there is nothing to brute-force.
 */
export const API_KEY_PREFIX = 'oms_';
const API_KEY_PATTERN = /^oms_([a-z0-9]{1,40})_([0-9a-z]{10,40})_([A-Za-z0-9]{43})$/;

export interface ParsedApiKey {
  tenantId: string;
  keyId: string;
  secret: string;
}

/** Splits a presented key; undefined for anything that is not a well-formed key. */
export function parseApiKey(value: string): ParsedApiKey | undefined {
  const match = API_KEY_PATTERN.exec(value);
  if (!match) return undefined;
  const [, tenantId, keyId, secret] = match;
  if (!tenantId || !keyId || !secret) return undefined;
  return { tenantId, keyId, secret };
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function base62(bytes: number, length: number): string {
  // Rejection sampling keeps every character uniform.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(bytes)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A new key for a tenant: the full value (shown once) and what may be stored. */
export function generateApiKey(tenantId: string): { keyId: string; value: string; secretHash: string } {
  const keyId = randomBytes(10).toString('hex');
  const secret = base62(48, 43);
  return { keyId, value: `${API_KEY_PREFIX}${tenantId}_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** SHA-256 of a secret, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored hash in time independent of where they differ. */
export function secretMatches(secret: string, storedHash: string | undefined): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  // Unknown keys still pay for a comparison, so their timing matches a wrong secret's.
  const stored = Buffer.from(storedHash ?? '0'.repeat(64), 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented) && storedHash !== undefined;
}

/** The visible start of a key, safe to list and log. */
export function apiKeyHint(value: string): string {
  return `${value.slice(0, value.lastIndexOf('_') + 1)}${value.slice(value.lastIndexOf('_') + 1, value.lastIndexOf('_') + 5)}…`;
}
