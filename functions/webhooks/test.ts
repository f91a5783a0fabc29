import { deliveryView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** POST /api/v1/webhooks/{id}/test: one signed `webhook.test` attempt now, without retries; the result is in the body. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:write');
  const delivery = await webhookService().sendTest(caller.tenantId, request.path('id'));
  return json(200, deliveryView(delivery));
});
