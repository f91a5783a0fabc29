import { subscriptionView } from '../../core/webhooks/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { webhookService } from './shared.ts';

/** POST /api/v1/webhooks/{id}/rotate-secret: the new secret, shown once; the old one signs too for 24 h. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('webhooks:write');
  const s = await webhookService().rotateSecret(caller.tenantId, request.path('id'));
  return json(200, {
    ...subscriptionView(s),
    secret: s.secret,
    previousSecretExpiresAt: s.previousSecretExpiresAt,
  });
});
