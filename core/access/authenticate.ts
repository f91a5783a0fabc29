/**
 * Who is calling: an access token (user or platform operator) or an API key, resolved to a
 * Caller with what it may do at this moment (a user's role from the tenant's directory, a key's
 * scopes narrowed to what its creator still holds), its tenant checked for suspension, and the
 * rate limits counted: per principal inside the tenant's budget, the emergency routes on a
 * reserved budget, failed API-key guesses per source and named tenant. The authorizer
 * (functions/auth/authorizer.ts) runs it in both runtimes.
 */
import { OPERATOR_GROUP } from '../tenancy/model.ts';
import type { StoredApiKey, Tenant, TenantUser } from '../tenancy/model.ts';
import type { TenantStorePort } from '../tenancy/service.ts';
import { TenantSuspendedError } from '../tenancy/errors.ts';
import { parseApiKey, secretMatches } from './api-keys.ts';
import { effectiveScopes, type Caller } from './caller.ts';
import { CredentialRejectedError } from './errors.ts';
import { keyPowers, type PrincipalDirectory } from './permissions.ts';
import { EMERGENCY_ROUTES, type RateLimit, type RateLimiterPort } from './rate-limits.ts';
import { normalizeUsername } from './usernames.ts';

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
  /** Each signed-in user, inside the tenant's budget. */
  user: RateLimit;
  /** The reserved budget of the emergency routes (EMERGENCY_ROUTES), per tenant. */
  emergency: RateLimit;
  authFailures: RateLimit;
}

export interface AuthenticateDeps {
  /** Verifies signature, issuer, audience, token_use and expiry; throws CredentialRejectedError. */
  verifyToken(token: string): Promise<TokenClaims>;
  apiKeys: PrincipalDirectory & {
    findTenant(tenantId: string): Promise<Tenant | undefined>;
    /** Both in one read, for a signed-in user's every request. */
    findTenantAndUser(
      tenantId: string,
      username: string,
    ): Promise<{ tenant: Tenant | undefined; user: TenantUser | undefined }>;
    touchApiKey(tenantId: string, keyId: string, now: Date): Promise<void>;
    forTenant(tenantId: string): Pick<TenantStorePort, 'audit'>;
  };
  limiter: RateLimiterPort;
  limits: CallerLimits;
  warn(message: string, error: unknown): void;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)[ \t]*$/i;
const NAMED_TENANT = /^oms_([a-z0-9]{1,40})_/;

/** The token of an `Authorization: Bearer` header; undefined when the header is not one. */
export function bearerToken(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

type Resolved = { caller: Caller; rateLimitPerMinute?: number | null | undefined };

function checkTenant(tenant: Tenant | undefined, tenantId: string, whenMissing: () => Error): void {
  if (!tenant) throw whenMissing();
  if (tenant.status === 'suspended') throw new TenantSuspendedError(tenantId);
}

async function activeTenant(deps: AuthenticateDeps, tenantId: string, whenMissing: () => Error) {
  checkTenant(await deps.apiKeys.findTenant(tenantId), tenantId, whenMissing);
}

async function fromToken(deps: AuthenticateDeps, token: string): Promise<Resolved> {
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
  const gone = () =>
    new CredentialRejectedError('INVALID_TOKEN', 'The access token names no active user of a tenant');
  const username = normalizeUsername(claims.username);
  if (!claims.tenantId || !username) throw gone();
  // The directory, not the token, says what the user may do now: a demotion takes effect at once.
  const { tenant, user } = await deps.apiKeys.findTenantAndUser(claims.tenantId, username);
  checkTenant(tenant, claims.tenantId, gone);
  if (user?.status !== 'active') throw gone();
  return {
    caller: {
      tenantId: claims.tenantId,
      principal: `user:${username}`,
      kind: 'user',
      roles: [user.role],
      scopes: [],
    },
  };
}

function failureBucket(value: string, sourceIp: string) {
  // Per source and named tenant: guesses at one tenant's keys never lock out another tenant's
  // keys used from the same address (one egress IP for many tenants), and touch no tenant budget.
  const named = NAMED_TENANT.exec(value)?.[1] ?? '-';
  return { platform: true as const, bucket: `auth-fail:${sourceIp.replaceAll('#', '')}:${named}` };
}

async function fromApiKey(
  deps: AuthenticateDeps,
  value: string,
  sourceIp: string,
): Promise<Resolved & { rateLimitPerMinute: number | null }> {
  const { apiKeys: store, limiter, limits } = deps;
  const rejected = () =>
    new CredentialRejectedError('INVALID_API_KEY', 'The API key is invalid, expired or revoked');
  // Guessing keys from one address stops once it has failed too often, even for a right guess.
  await limiter.check(failureBucket(value, sourceIp), limits.authFailures);
  const parsed = parseApiKey(value);
  const stored: StoredApiKey | undefined = parsed
    ? await store.findApiKey(parsed.tenantId, parsed.keyId)
    : undefined;
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
  const [powers] = await Promise.all([
    keyPowers(store, parsed.tenantId, stored, now),
    activeTenant(deps, parsed.tenantId, rejected),
  ]);
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
      scopes: powers.effectiveScopes,
    },
    rateLimitPerMinute: stored.rateLimitPerMinute,
  };
}

/** Counts the request against the budgets it belongs to. */
async function countRequest(deps: AuthenticateDeps, resolved: Resolved, route: string | undefined) {
  const { limiter, limits } = deps;
  const { caller } = resolved;
  if (caller.kind === 'operator') return;
  const emergencyScope = route === undefined ? undefined : EMERGENCY_ROUTES.get(route);
  if (emergencyScope && effectiveScopes(caller).has(emergencyScope)) {
    await limiter.hit({ tenantId: caller.tenantId, bucket: 'emergency' }, limits.emergency);
    return;
  }
  if (caller.kind === 'apiKey') {
    const keyId = caller.principal.slice('apikey:'.length);
    await limiter.hit(
      { tenantId: caller.tenantId, bucket: `key:${keyId}` },
      limits.apiKey(resolved.rateLimitPerMinute),
    );
  } else {
    await limiter.hit({ tenantId: caller.tenantId, bucket: caller.principal }, limits.user);
  }
  await limiter.hit({ tenantId: caller.tenantId, bucket: 'tenant' }, limits.tenant);
}

/** Resolves the caller from the request's credentials, or throws why not. */
export async function authenticate(
  deps: AuthenticateDeps,
  credentials: {
    authorization: string | undefined;
    apiKey: string | undefined;
    sourceIp: string;
    /** `METHOD /path/{param}` of the route, as API Gateway names it. */
    route?: string | undefined;
  },
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
  let resolved: Resolved;
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
      await deps.limiter.hit(failureBucket(apiKey, sourceIp), deps.limits.authFailures);
    }
    throw error;
  }
  await countRequest(deps, resolved, credentials.route);
  return resolved.caller;
}
