import { getStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

/** GET /api/v1/strategies/{id}/versions: every uploaded version, oldest first. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  const deps = storeDeps();
  const strategy = await getStrategy(deps, caller, request.path('id'));
  return json(200, { items: await deps.store.listVersions(caller.tenantId, strategy.id) });
});
