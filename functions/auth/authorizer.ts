/**
 * The one Lambda authorizer (payload v2, simple responses), run by API Gateway in AWS and by the
 * local gateway on a laptop. It ALLOWS every request: a denial would make API Gateway answer a
 * bare `403 {"message":"Forbidden"}` (and a missing identity source a bare 401), breaking the
 * contract's problem+json 401. Refusals travel in the context as `authError`, and
 * `HttpRequest.caller()` turns them into 401/429 problems. Results must not be cached (the
 * identity source is unset), so a revoked key stops working at once. See docs/security.md.
 */
import { DependencyError } from '../../core/errors.ts';
import { OPERATOR_SCOPE, ROLES, type Caller, type Role } from '../../core/access/caller.ts';
import { CredentialRejectedError, RateLimitExceededError } from '../../core/access/errors.ts';
import { parseApiKey, secretMatches } from '../../core/access/api-keys.ts';
import { OPERATOR_GROUP } from '../../core/tenancy/model.ts';
import { env } from '../../core/topology.ts';
import { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import { RateLimiter, limitFromEnv, type RateLimit } from '../../adapters/dynamodb/rate-limiter.ts';
import { verifyAccessToken } from '../../adapters/identity/verifier.ts';
import { logger } from '../shared/observability.ts';

export interface AuthorizerEvent {
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { sourceIp?: string } };
}

type Context = Record<string, string>;

/** Limits read on every call, so tests and operators can change them through the environment. */
export function limits() {
  const perMinute = (policy: string, limit: number): RateLimit => ({ policy, limit, windowSeconds: 60 });
  return {
    tenant: perMinute('tenant', limitFromEnv(env.rateLimitTenantPerMinute, 6000)),
    apiKey: (own: number | null | undefined) =>
      perMinute('api-key', own ?? limitFromEnv(env.rateLimitApiKeyPerMinute, 1200)),
    authFailures: perMinute('auth-failures', limitFromEnv(env.rateLimitAuthFailuresPerMinute, 30)),
  };
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)[ \t]*$/i;

/** The token of an `Authorization: Bearer` header; undefined when the header is not one. */
export function bearerToken(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

function header(event: AuthorizerEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

let services: { store: TenancyStore; limiter: RateLimiter } | undefined;
function deps() {
  services ??= { store: TenancyStore.fromEnvironment(), limiter: RateLimiter.fromEnvironment() };
  // Tests give each file its own table; follow the environment rather than the first value seen.
  if (services.store.tableName !== process.env[env.tableName])
    services = { store: TenancyStore.fromEnvironment(), limiter: RateLimiter.fromEnvironment() };
  return services;
}

async function fromToken(token: string): Promise<{ caller: Caller; rateLimitPerMinute?: undefined }> {
  const claims = await verifyAccessToken(token);
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
  value: string,
  sourceIp: string,
): Promise<{ caller: Caller; rateLimitPerMinute: number | null }> {
  const { store, limiter } = deps();
  const rejected = () =>
    new CredentialRejectedError('INVALID_API_KEY', 'The API key is invalid, expired or revoked');
  // Guessing keys from one address stops once it has failed too often, even for a right guess.
  await limiter.check({ platform: true, bucket: `auth-fail:${sourceIp}` }, limits().authFailures);
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
    .catch((error: unknown) => logger.warn('lastUsedAt update failed', { error: error as Error }));
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

/** Resolves the caller of a request, or throws why not. */
export async function resolveCaller(event: AuthorizerEvent): Promise<Caller> {
  const authorization = header(event, 'authorization');
  const apiKey = header(event, 'x-api-key');
  const sourceIp = event.requestContext?.http?.sourceIp ?? 'unknown';
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
  const { limiter } = deps();
  let resolved: { caller: Caller; rateLimitPerMinute?: number | null | undefined };
  try {
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      if (!token)
        throw new CredentialRejectedError('INVALID_TOKEN', 'Authorization must be "Bearer <access token>"');
      resolved = await fromToken(token);
    } else {
      resolved = await fromApiKey(apiKey ?? '', sourceIp);
    }
  } catch (error) {
    if (error instanceof CredentialRejectedError && apiKey !== undefined) {
      // Counting failures per address is what makes guessing API keys slow.
      await limiter.hit({ platform: true, bucket: `auth-fail:${sourceIp}` }, limits().authFailures);
    }
    throw error;
  }
  const { caller } = resolved;
  if (caller.kind === 'apiKey') {
    const keyId = caller.principal.slice('apikey:'.length);
    await limiter.hit(
      { tenantId: caller.tenantId, bucket: `key:${keyId}` },
      limits().apiKey(resolved.rateLimitPerMinute),
    );
  }
  if (caller.kind !== 'operator')
    await limiter.hit({ tenantId: caller.tenantId, bucket: 'tenant' }, limits().tenant);
  return caller;
}

/** The context a resolved caller travels in (API Gateway context values are flat strings). */
export function callerContext(caller: Caller): Context {
  return {
    tenantId: caller.tenantId,
    principal: caller.principal,
    kind: caller.kind,
    roles: caller.roles.join(' '),
    scopes: caller.kind === 'operator' ? OPERATOR_SCOPE : caller.scopes.join(' '),
  };
}

/** The context of a refused request. */
export function refusalContext(error: unknown): Context {
  if (error instanceof RateLimitExceededError) {
    return {
      authError: 'RATE_LIMITED',
      authMessage: error.message,
      ratePolicy: error.policy,
      rateLimit: String(error.limit),
      rateWindow: String(error.windowSeconds),
      retryAfter: String(error.retryAfterSeconds),
    };
  }
  if (error instanceof CredentialRejectedError)
    return { authError: error.reason, authMessage: error.message };
  if (error instanceof DependencyError)
    return { authError: 'UNAVAILABLE', authMessage: 'Authentication is temporarily unavailable' };
  logger.error('Authorizer failed', { error: error as Error });
  return { authError: 'UNAVAILABLE', authMessage: 'Authentication is temporarily unavailable' };
}

/** The Lambda authorizer: always `isAuthorized: true`, with the caller or the refusal in the context. */
export const handler = async (event: AuthorizerEvent): Promise<{ isAuthorized: true; context: Context }> => {
  try {
    return { isAuthorized: true, context: callerContext(await resolveCaller(event)) };
  } catch (error) {
    return { isAuthorized: true, context: refusalContext(error) };
  }
};
