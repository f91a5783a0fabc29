/**
 * The one Lambda authorizer (payload v2, simple responses), run by API Gateway in AWS and by the
 * local gateway on a laptop. It ALLOWS every request: a denial would make API Gateway answer a
 * bare `403 {"message":"Forbidden"}` (and a missing identity source a bare 401), breaking the
 * contract's problem+json 401. Refusals travel in the context as `authError`, and
 * `HttpRequest.caller()` turns them into 401/429 problems. Results must not be cached (the
 * identity source is unset), so a revoked key stops working at once. See docs/security.md.
 */
import { DependencyError } from '../../core/errors.ts';
import { authenticate, type CallerLimits } from '../../core/access/authenticate.ts';
import { OPERATOR_SCOPE, type Caller } from '../../core/access/caller.ts';
import { CredentialRejectedError, RateLimitExceededError } from '../../core/access/errors.ts';
import { env } from '../../core/topology.ts';
import { TenantSuspendedError } from '../../core/tenancy/errors.ts';
import { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import { RateLimiter, limitFromEnv, type RateLimit } from '../../adapters/dynamodb/rate-limiter.ts';
import { verifyAccessToken } from '../../adapters/identity/verifier.ts';
import { logger } from '../shared/observability.ts';

export interface AuthorizerEvent {
  /** `METHOD /path/{param}`: the emergency routes draw on a budget of their own. */
  routeKey?: string;
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { sourceIp?: string } };
}

type Context = Record<string, string>;

export { bearerToken } from '../../core/access/authenticate.ts';

/** Limits read on every call, so tests and operators can change them through the environment. */
export function limits(): CallerLimits {
  const perMinute = (policy: string, limit: number): RateLimit => ({ policy, limit, windowSeconds: 60 });
  return {
    tenant: perMinute('tenant', limitFromEnv(env.rateLimitTenantPerMinute, 6000)),
    apiKey: (own: number | null | undefined) =>
      perMinute('api-key', own ?? limitFromEnv(env.rateLimitApiKeyPerMinute, 1200)),
    user: perMinute('user', limitFromEnv(env.rateLimitUserPerMinute, 3000)),
    emergency: perMinute('emergency', limitFromEnv(env.rateLimitEmergencyPerMinute, 600)),
    authFailures: perMinute('auth-failures', limitFromEnv(env.rateLimitAuthFailuresPerMinute, 30)),
  };
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
  if (services.store.table.name !== process.env[env.tableName])
    services = { store: TenancyStore.fromEnvironment(), limiter: RateLimiter.fromEnvironment() };
  return services;
}

/** Resolves the caller of a request, or throws why not. */
export async function resolveCaller(event: AuthorizerEvent): Promise<Caller> {
  const { store, limiter } = deps();
  return authenticate(
    {
      verifyToken: (token) => verifyAccessToken(token),
      apiKeys: store,
      limiter,
      limits: limits(),
      warn: (message, error) => logger.warn(message, { error: error as Error }),
    },
    {
      authorization: header(event, 'authorization'),
      apiKey: header(event, 'x-api-key'),
      sourceIp: event.requestContext?.http?.sourceIp ?? 'unknown',
      route: event.routeKey,
    },
  );
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
  if (error instanceof TenantSuspendedError)
    return { authError: error.code, authMessage: error.message, tenantId: String(error.details?.tenantId) };
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
