import { PageQuery, subscriptionView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** GET /api/v1/webhooks: the tenant's subscriptions, oldest first, by cursor. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:read');
  const page = request.query(PageQuery);
  const result = await webhookService().deps.store.listSubscriptions(caller.tenantId, page);
  return json(200, {
    items: result.items.map(subscriptionView),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  });
});
