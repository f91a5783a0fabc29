import { ApiKeyNotFoundError } from '../../core/tenancy/errors.ts';
import { httpHandler, json } from '../shared/http.ts';
import { tenancyStore } from '../auth/services.ts';
import { withPowers } from './powers.ts';

/** Key ids are hex; anything else cannot exist. */
export const KEY_ID = /^[0-9a-f]{20}$/;

/** GET /api/v1/api-keys/{id}. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('api-keys:read');
  const id = request.path('id');
  if (!KEY_ID.test(id)) throw new ApiKeyNotFoundError(id);
  const key = await tenancyStore().forTenant(caller.tenantId).getApiKey(id);
  const [described] = await withPowers(caller.tenantId, [key]);
  return json(200, described);
});
