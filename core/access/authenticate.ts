/**
 * Who is calling: an access token (user or platform operator) or an API key, resolved to a
 * Caller, with the per-key and per-tenant rate limits counted and failed API-key guesses limited
 * per source address. The authorizer (functions/auth/authorizer.ts) runs it in both runtimes.
 */
import { OPERATOR_GROUP } from '../tenancy/model.ts';
import type { StoredApiKey } from '../tenancy/model.ts';
import type { TenantStorePort } from '../tenancy/service.ts';
import { parseApiKey, secretMatches } from './api-keys.ts';
import { ROLES, type Caller, type Role } from './caller.ts';
import { CredentialRejectedError } from './errors.ts';
import type { RateLimit, RateLimiterPort } from './rate-limits.ts';

/** What a verified access token says. */
export interface TokenClaims {
  username: string;
  groups: string[];
  tenantId: string | undefined;
}

export interface CallerLimits {
  tenant: RateLimit;
  /** A key's own limit when it has one, else the default. */
  apiKey(own: number | null | undefined): RateLimit;
  authFailures: RateLimit;
}

export interface AuthenticateDeps {
  /** Verifies signature, issuer, audience, token_use and expiry; throws CredentialRejectedError. */
  verifyToken(token: string): Promise<TokenClaims>;
  apiKeys: {
    findApiKey(tenantId: string, keyId: string): Promise<StoredApiKey | undefined>;
    touchApiKey(tenantId: string, keyId: string, now: Date): Promise<void>;
    forTenant(tenantId: string): Pick<TenantStorePort, 'audit'>;
  };
  limiter: RateLimiterPort;
  limits: CallerLimits;
  warn(message: string, error: unknown): void;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)[ \t]*$/i;

/** The token of an `Authorization: Bearer` header; undefined when the header is not one. */
export function bearerToken(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

async function fromToken(
  deps: AuthenticateDeps,
  token: string,
): Promise<{ caller: Caller; rateLimitPerMinute?: undefined }> {
  const claims = await deps.verifyToken(token);
  if (claims.groups.includes(OPERATOR_GROUP)) {
    return {
      caller: {
        tenantId: '',
        principal: `operator:${claims.username}`,
        kind: 'operator',
        roles: [],
        scopes: [],
      },
    };
  }
  if (!claims.tenantId)
    throw new CredentialRejectedError('INVALID_TOKEN', 'The access token names no tenant');
  const roles = claims.groups.filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return {
    caller: {
      tenantId: claims.tenantId,
      principal: `user:${claims.username}`,
      kind: 'user',
      roles,
      scopes: [],
    },
  };
}

async function fromApiKey(
  deps: AuthenticateDeps,
  value: string,
  sourceIp: string,
): Promise<{ caller: Caller; rateLimitPerMinute: number | null }> {
  const { apiKeys: store, limiter, limits } = deps;
  const rejected = () =>
    new CredentialRejectedError('INVALID_API_KEY', 'The API key is invalid, expired or revoked');
  // Guessing keys from one address stops once it has failed too often, even for a right guess.
  await limiter.check({ platform: true, bucket: `auth-fail:${sourceIp}` }, limits.authFailures);
  const parsed = parseApiKey(value);
  const stored = parsed ? await store.findApiKey(parsed.tenantId, parsed.keyId) : undefined;
  const matches = secretMatches(parsed?.secret ?? 'x', stored?.secretHash);
  const now = new Date();
  if (!parsed || !stored || !matches) throw rejected();
  if (stored.revokedAt || (stored.expiresAt && Date.parse(stored.expiresAt) <= now.getTime())) {
    void store
      .forTenant(parsed.tenantId)
      .audit({
        type: 'auth.api_key_rejected',
        actor: `apikey:${parsed.keyId}`,
        sourceIp,
        data: { reason: stored.revokedAt ? 'revoked' : 'expired' },
      })
      .catch(() => undefined);
    throw rejected();
  }
  // Not awaited: the request must not wait for bookkeeping (at most one write a minute per key).
  void store
    .touchApiKey(parsed.tenantId, parsed.keyId, now)
    .catch((error: unknown) => deps.warn('lastUsedAt update failed', error));
  return {
    caller: {
      tenantId: parsed.tenantId,
      principal: `apikey:${parsed.keyId}`,
      kind: 'apiKey',
      roles: [],
      scopes: stored.scopes,
    },
    rateLimitPerMinute: stored.rateLimitPerMinute,
  };
}

/** Resolves the caller from the request's credentials, or throws why not. */
export async function authenticate(
  deps: AuthenticateDeps,
  credentials: { authorization: string | undefined; apiKey: string | undefined; sourceIp: string },
): Promise<Caller> {
  const { authorization, apiKey, sourceIp } = credentials;
  if (authorization === undefined && apiKey === undefined) {
    throw new CredentialRejectedError(
      'MISSING_CREDENTIALS',
      'Send Authorization: Bearer <access token> or x-api-key',
    );
  }
  if (authorization !== undefined && apiKey !== undefined) {
    throw new CredentialRejectedError(
      'INVALID_TOKEN',
      'Send one credential: Authorization or x-api-key, not both',
    );
  }
  const { limiter, limits } = deps;
  let resolved: { caller: Caller; rateLimitPerMinute?: number | null | undefined };
  try {
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      if (!token)
        throw new CredentialRejectedError('INVALID_TOKEN', 'Authorization must be "Bearer <access token>"');
      resolved = await fromToken(deps, token);
    } else {
      resolved = await fromApiKey(deps, apiKey ?? '', sourceIp);
    }
  } catch (error) {
    if (error instanceof CredentialRejectedError && apiKey !== undefined) {
      // Counting failures per address is what makes guessing API keys slow.
      await limiter.hit({ platform: true, bucket: `auth-fail:${sourceIp}` }, limits.authFailures);
    }
    throw error;
  }
  const { caller } = resolved;
  if (caller.kind === 'apiKey') {
    const keyId = caller.principal.slice('apikey:'.length);
    await limiter.hit(
      { tenantId: caller.tenantId, bucket: `key:${keyId}` },
      limits.apiKey(resolved.rateLimitPerMinute),
    );
  }
  if (caller.kind !== 'operator')
    await limiter.hit({ tenantId: caller.tenantId, bucket: 'tenant' }, limits.tenant);
  return caller;
}
