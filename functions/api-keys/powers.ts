import { keyPowers, type PowerCache } from '../../core/access/permissions.ts';
import type { ApiKeyRecord } from '../../core/tenancy/model.ts';
import { tenancyStore } from '../auth/services.ts';

/** A key as listed: with what it may do now (`effectiveScopes`) and why that is less (`limitedBy`). */
export async function withPowers<K extends ApiKeyRecord>(tenantId: string, keys: K[], now = new Date()) {
  const cache: PowerCache = new Map();
  return Promise.all(
    keys.map(async (key) => ({ ...key, ...(await keyPowers(tenancyStore(), tenantId, key, now, cache)) })),
  );
}
