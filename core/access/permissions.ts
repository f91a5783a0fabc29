/**
 * What a principal may do now. A key holds its own scopes only as far as its creator still holds
 * them: a creator demoted, disabled or deleted (or a creating key revoked or narrowed) takes the
 * key's powers with it, however long the chain of keys that made keys.
 */
import type { StoredApiKey, TenantUser } from '../tenancy/model.ts';
import { ROLE_SCOPES, type Scope } from './caller.ts';

/** Why a key holds less than its scopes; null when it holds all of them. */
export type PowerLimit =
  'creator_deleted' | 'creator_disabled' | 'creator_role' | 'creator_key_limited' | null;

/** The records permissions are derived from, read at the moment of the request. */
export interface PrincipalDirectory {
  findUser(tenantId: string, username: string): Promise<TenantUser | undefined>;
  findApiKey(tenantId: string, keyId: string): Promise<StoredApiKey | undefined>;
}

// Keys making keys could form a long chain; past this depth nothing is granted.
const MAX_CHAIN = 8;

/** Memoizes resolved principals within one request or one listing. */
export type PowerCache = Map<string, ReadonlySet<Scope>>;

function keyIsLive(key: StoredApiKey | undefined, now: Date): key is StoredApiKey {
  return (
    key !== undefined && !key.revokedAt && !(key.expiresAt && Date.parse(key.expiresAt) <= now.getTime())
  );
}

/** The scopes a principal (`user:<name>` or `apikey:<id>`) of a tenant holds now. */
export async function principalScopes(
  dir: PrincipalDirectory,
  tenantId: string,
  principal: string,
  now: Date,
  cache: PowerCache = new Map(),
  path: ReadonlySet<string> = new Set(),
): Promise<ReadonlySet<Scope>> {
  const cached = cache.get(principal);
  if (cached) return cached;
  // A chain too long, or one that loops back, grants nothing.
  if (path.has(principal) || path.size > MAX_CHAIN) return new Set();
  let scopes: ReadonlySet<Scope> = new Set();
  if (principal.startsWith('user:')) {
    const user = await dir.findUser(tenantId, principal.slice('user:'.length));
    if (user?.status === 'active') scopes = new Set(ROLE_SCOPES[user.role]);
  } else if (principal.startsWith('apikey:')) {
    const key = await dir.findApiKey(tenantId, principal.slice('apikey:'.length));
    if (keyIsLive(key, now)) {
      const creator = await principalScopes(
        dir,
        tenantId,
        key.createdBy,
        now,
        cache,
        new Set([...path, principal]),
      );
      scopes = new Set(key.scopes.filter((s) => creator.has(s)));
    }
  }
  cache.set(principal, scopes);
  return scopes;
}

/** A key's effective scopes (its scopes ∩ its creator's, now) and why they are fewer, if they are. */
export async function keyPowers(
  dir: PrincipalDirectory,
  tenantId: string,
  key: { scopes: readonly Scope[]; createdBy: string },
  now: Date,
  cache: PowerCache = new Map(),
): Promise<{ effectiveScopes: Scope[]; limitedBy: PowerLimit }> {
  const creator = await principalScopes(dir, tenantId, key.createdBy, now, cache);
  const effectiveScopes = key.scopes.filter((s) => creator.has(s));
  if (effectiveScopes.length === key.scopes.length) return { effectiveScopes, limitedBy: null };
  if (key.createdBy.startsWith('user:')) {
    const user = await dir.findUser(tenantId, key.createdBy.slice('user:'.length));
    const limitedBy: PowerLimit = !user
      ? 'creator_deleted'
      : user.status !== 'active'
        ? 'creator_disabled'
        : 'creator_role';
    return { effectiveScopes, limitedBy };
  }
  return {
    effectiveScopes,
    limitedBy: key.createdBy.startsWith('apikey:') ? 'creator_key_limited' : 'creator_deleted',
  };
}
