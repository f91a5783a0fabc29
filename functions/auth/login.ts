import * as z from 'zod';
import { login, type LoginLimits } from '../../core/access/login.ts';
import { env } from '../../core/topology.ts';
import { limitFromEnv } from '../../adapters/dynamodb/rate-limiter.ts';
import { httpHandler, json } from '../shared/http.ts';
import { loginDeps, sourceIp } from './services.ts';

export const body = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
  tenant: z.string().min(1).max(64).optional(),
});

/** Login limits: attempts per source address, and failures per username (a guessed account locks for the window). */
export function loginLimits(): LoginLimits {
  return {
    perIp: { policy: 'login-ip', limit: limitFromEnv(env.rateLimitLoginPerIp, 30), windowSeconds: 60 },
    perUser: { policy: 'login-user', limit: limitFromEnv(env.rateLimitLoginPerUser, 10), windowSeconds: 900 },
  };
}

/** POST /api/v1/auth/login: username and password for tokens (Cognito in AWS, the local provider locally). */
export const handler = httpHandler(async (request) => {
  const input = request.body(body);
  return json(200, await login(loginDeps(), loginLimits(), { ...input, sourceIp: sourceIp(request) }));
});
