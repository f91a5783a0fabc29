import * as z from 'zod';
import { refresh } from '../../core/access/login.ts';
import { httpHandler, json } from '../shared/http.ts';
import { loginLimits } from './login.ts';
import { loginDeps, sourceIp } from './services.ts';

export const body = z.object({ refreshToken: z.string().min(1).max(4096) });

/** POST /api/v1/auth/refresh: a refresh token for new tokens (the local provider rotates it). */
export const handler = httpHandler(async (request) => {
  const input = request.body(body);
  // Refreshes share the login allowance per address, under their own counter.
  const perIp = { ...loginLimits().perIp, policy: 'refresh-ip' };
  return json(200, await refresh(loginDeps(), perIp, { ...input, sourceIp: sourceIp(request) }));
});
