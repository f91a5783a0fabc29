import * as z from 'zod';
import { logout } from '../../core/access/login.ts';
import { httpHandler } from '../shared/http.ts';
import { loginLimits } from './login.ts';
import { loginDeps, sourceIp } from './services.ts';

export const body = z.object({ refreshToken: z.string().min(1).max(4096) });

/**
 * POST /api/v1/auth/logout: ends the session of a refresh token (its whole rotation family; in
 * Cognito, RevokeToken). Holding the token is the proof, as for a refresh; 204 whether or not it
 * was still live, so the answer says nothing about the token.
 */
export const handler = httpHandler(async (request) => {
  const input = request.body(body);
  const perIp = { ...loginLimits().perIp, policy: 'refresh-ip' };
  await logout(loginDeps(), perIp, { ...input, sourceIp: sourceIp(request) });
  return { status: 204 };
});
