import { subscriptionView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** GET /api/v1/webhooks/{id}. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:read');
  return json(200, subscriptionView(await webhookService().get(caller.tenantId, request.path('id'))));
});
