import * as z from 'zod';
import { roleSchema, usernameSchema } from '../../core/tenancy/model.ts';
import { SelfLockoutError, UserNotFoundError } from '../../core/tenancy/errors.ts';
import { httpHandler, json } from '../shared/http.ts';
import { identityProvider, sourceIp, tenancyStore } from '../auth/services.ts';

export const body = z
  .object({ role: roleSchema.optional(), status: z.enum(['active', 'disabled']).optional() })
  .refine((b) => b.role !== undefined || b.status !== undefined, 'send role or status');

/** PATCH /api/v1/users/{username} (tenant admin): change a role or disable a user. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('users:write');
  const username = request.path('username');
  const input = request.body(body);
  if (!usernameSchema.safeParse(username).success) throw new UserNotFoundError(username);
  const tenant = tenancyStore().forTenant(caller.tenantId);
  const before = await tenant.getUser(username); // 404 for a user of another tenant, before touching the identity provider
  if (caller.principal === `user:${username}`) throw new SelfLockoutError();
  if (input.role && input.role !== before.role) await identityProvider().setGroups(username, [input.role]);
  if (input.status && input.status !== before.status)
    await identityProvider().setEnabled(username, input.status === 'active');
  const after = await tenant.updateUser(username, input, new Date());
  const ip = sourceIp(request);
  if (input.role && input.role !== before.role) {
    await tenant.audit({
      type: 'user.role_changed',
      actor: caller.principal,
      sourceIp: ip,
      data: { username, from: before.role, to: input.role },
    });
  }
  if (input.status && input.status !== before.status) {
    await tenant.audit({
      type: input.status === 'disabled' ? 'user.disabled' : 'user.enabled',
      actor: caller.principal,
      sourceIp: ip,
      data: { username },
    });
  }
  return json(200, after);
});
