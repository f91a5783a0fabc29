import { httpHandler } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** DELETE /api/v1/webhooks/{id}: pending retries of its deliveries are cancelled when they come due. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:write');
  await webhookService().remove(caller.tenantId, request.path('id'));
  return { status: 204 };
});
