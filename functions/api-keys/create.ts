import * as z from 'zod';
import { scopesBeyond } from '../../core/access/caller.ts';
import { createApiKey } from '../../core/tenancy/service.ts';
import { scopeSchema } from '../../core/tenancy/model.ts';
import { ScopeEscalationError } from '../../core/tenancy/errors.ts';
import { httpHandler, json } from '../shared/http.ts';
import { sourceIp, tenancyStore } from '../auth/services.ts';

export const body = z.object({
  name: z.string().trim().min(1).max(200),
  scopes: z.array(scopeSchema).min(1).max(32),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) > Date.now(), 'must be in the future')
    .optional(),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
});

/** POST /api/v1/api-keys: a key with scopes, shown once. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('api-keys:write');
  const input = request.body(body);
  const beyond = scopesBeyond(caller, input.scopes);
  if (beyond.length) throw new ScopeEscalationError(beyond);
  const key = await createApiKey(
    { tenant: tenancyStore().forTenant(caller.tenantId) },
    {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      caller,
      sourceIp: sourceIp(request),
    },
  );
  return json(201, key, { 'cache-control': 'no-store' });
});
