import * as z from 'zod';
import { env } from '../../core/topology.ts';
import { limitFromEnv } from '../../adapters/dynamodb/rate-limiter.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, rateLimiter, sourceIp, tenancyStore } from './services.ts';

export const body = z.object({ refreshToken: z.string().min(1).max(4096) });

/** POST /api/v1/auth/refresh: a refresh token for new tokens (the local provider rotates it). */
export const handler = httpHandler(async (request) => {
  const input = request.body(body);
  const ip = sourceIp(request);
  await rateLimiter().hit(
    { platform: true, bucket: `refresh-ip:${ip}` },
    { policy: 'refresh-ip', limit: limitFromEnv(env.rateLimitLoginPerIp, 30), windowSeconds: 60 },
  );
  const { tokens, identity } = await identityProvider().refresh(input.refreshToken);
  if (identity.tenantId) {
    await tenancyStore()
      .forTenant(identity.tenantId)
      .audit({ type: 'auth.refreshed', actor: `user:${identity.username}`, sourceIp: ip, data: {} });
  }
  return json(200, tokens);
});
