import * as z from 'zod';
import { getStrategy } from '../../core/strategies/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { storeDeps } from './store.ts';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** GET /api/v1/strategies/{id}/logs: newest first. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('strategies:read');
  const { limit } = request.query(Query);
  const deps = storeDeps();
  const strategy = await getStrategy(deps, caller, request.path('id'));
  return json(200, { items: await deps.store.logs(caller.tenantId, strategy.id, limit) });
});
