import { CreateWebhookRequest, subscriptionView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** POST /api/v1/webhooks: the subscription, with its signing secret shown this once. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:write');
  const input = request.body(CreateWebhookRequest);
  const s = await webhookService().subscribe(caller.tenantId, input);
  return json(201, { ...subscriptionView(s), secret: s.secret }, { location: `/api/v1/webhooks/${s.id}` });
});
