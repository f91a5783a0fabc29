/**
 * Login and refresh: limited per source address, and for logins per username too, where failures
 * alone count, so a guessed account locks for the window while its owner's right password still
 * works until then. Successes go to the tenant's security audit log.
 */
import type { TenancyStorePort } from '../tenancy/service.ts';
import type { IdentityProvider } from '../tenancy/ports.ts';
import { CredentialRejectedError, RateLimitExceededError } from './errors.ts';
import type { RateLimit, RateLimiterPort } from './rate-limits.ts';

export interface LoginDeps {
  identity: Pick<IdentityProvider, 'login' | 'refresh'>;
  limiter: RateLimiterPort;
  tenants: Pick<TenancyStorePort, 'forTenant'>;
}

export interface LoginLimits {
  perIp: RateLimit;
  perUser: RateLimit;
}

/** Username and password for tokens; `tenant`, when given, must be the user's. */
export async function login(
  deps: LoginDeps,
  limits: LoginLimits,
  input: { username: string; password: string; tenant?: string | undefined; sourceIp: string },
) {
  const userBucket = {
    platform: true as const,
    bucket: `login-user:${input.username.toLowerCase().replaceAll('#', '')}`,
  };
  await deps.limiter.hit({ platform: true, bucket: `login-ip:${input.sourceIp}` }, limits.perIp);
  await deps.limiter.check(userBucket, limits.perUser);
  try {
    const { tokens, identity } = await deps.identity.login(input.username, input.password);
    if (input.tenant !== undefined && identity.tenantId !== input.tenant) {
      throw new CredentialRejectedError('INVALID_CREDENTIALS', 'Incorrect username or password');
    }
    if (identity.tenantId) {
      await deps.tenants.forTenant(identity.tenantId).audit({
        type: 'auth.login_succeeded',
        actor: `user:${identity.username}`,
        sourceIp: input.sourceIp,
        data: {},
      });
    }
    return tokens;
  } catch (error) {
    if (error instanceof CredentialRejectedError) {
      // The failure that fills the window is still a failure: the caller hears about the credentials.
      await deps.limiter.hit(userBucket, limits.perUser).catch((e: unknown) => {
        if (!(e instanceof RateLimitExceededError)) throw e;
      });
    }
    throw error;
  }
}

/** A refresh token for new tokens, limited per source address. */
export async function refresh(
  deps: LoginDeps,
  perIp: RateLimit,
  input: { refreshToken: string; sourceIp: string },
) {
  await deps.limiter.hit({ platform: true, bucket: `refresh-ip:${input.sourceIp}` }, perIp);
  const { tokens, identity } = await deps.identity.refresh(input.refreshToken);
  if (identity.tenantId) {
    await deps.tenants.forTenant(identity.tenantId).audit({
      type: 'auth.refreshed',
      actor: `user:${identity.username}`,
      sourceIp: input.sourceIp,
      data: {},
    });
  }
  return tokens;
}
