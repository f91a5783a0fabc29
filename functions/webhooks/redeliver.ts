import { deliveryView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: a new round of attempts, same webhook-id. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:write');
  const d = await webhookService().redeliver(caller.tenantId, request.path('id'), request.path('deliveryId'));
  return json(202, deliveryView(d));
});
