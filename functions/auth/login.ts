import * as z from 'zod';
import { CredentialRejectedError, RateLimitExceededError } from '../../core/access/errors.ts';
import { env } from '../../core/topology.ts';
import { limitFromEnv } from '../../adapters/dynamodb/rate-limiter.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, rateLimiter, sourceIp, tenancyStore } from './services.ts';

export const body = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
  tenant: z.string().min(1).max(64).optional(),
});

/** Login limits: attempts per source address, and failures per username (a guessed account locks for the window). */
export function loginLimits() {
  return {
    perIp: { policy: 'login-ip', limit: limitFromEnv(env.rateLimitLoginPerIp, 30), windowSeconds: 60 },
    perUser: { policy: 'login-user', limit: limitFromEnv(env.rateLimitLoginPerUser, 10), windowSeconds: 900 },
  };
}

/** POST /api/v1/auth/login: username and password for tokens (Cognito in AWS, the local provider locally). */
export const handler = httpHandler(async (request) => {
  const input = request.body(body);
  const ip = sourceIp(request);
  const limiter = rateLimiter();
  const limits = loginLimits();
  const userBucket = {
    platform: true as const,
    bucket: `login-user:${input.username.toLowerCase().replaceAll('#', '')}`,
  };
  await limiter.hit({ platform: true, bucket: `login-ip:${ip}` }, limits.perIp);
  await limiter.check(userBucket, limits.perUser);
  try {
    const { tokens, identity } = await identityProvider().login(input.username, input.password);
    if (input.tenant !== undefined && identity.tenantId !== input.tenant) {
      throw new CredentialRejectedError('INVALID_CREDENTIALS', 'Incorrect username or password');
    }
    if (identity.tenantId) {
      await tenancyStore()
        .forTenant(identity.tenantId)
        .audit({ type: 'auth.login_succeeded', actor: `user:${identity.username}`, sourceIp: ip, data: {} });
    }
    return json(200, tokens);
  } catch (error) {
    if (error instanceof CredentialRejectedError) {
      await limiter.hit(userBucket, limits.perUser).catch((e: unknown) => {
        if (!(e instanceof RateLimitExceededError)) throw e;
      });
    }
    throw error;
  }
});
