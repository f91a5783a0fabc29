import { PageQuery, deliveryView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** GET /api/v1/webhooks/{id}/deliveries: newest first, each with every attempt and its status code. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:read');
  const id = request.path('id');
  const page = request.query(PageQuery);
  const service = webhookService();
  await service.get(caller.tenantId, id);
  const result = await service.deps.store.listDeliveries(caller.tenantId, id, page);
  return json(200, {
    items: result.items.map(deliveryView),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  });
});
