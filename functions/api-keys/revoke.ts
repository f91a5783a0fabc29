import { ApiKeyNotFoundError } from '../../core/tenancy/errors.ts';
import { httpHandler, json } from '../shared/http.ts';
import { sourceIp, tenancyStore } from '../auth/services.ts';
import { KEY_ID } from './get.ts';

/** DELETE /api/v1/api-keys/{id}: revokes the key at once; the record stays for the audit trail. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('api-keys:write');
  const id = request.path('id');
  if (!KEY_ID.test(id)) throw new ApiKeyNotFoundError(id);
  const tenant = tenancyStore().forTenant(caller.tenantId);
  const key = await tenant.revokeApiKey(id, new Date());
  await tenant.audit({
    type: 'api_key.revoked',
    actor: caller.principal,
    sourceIp: sourceIp(request),
    data: { id, name: key.name },
  });
  return json(200, key);
});
