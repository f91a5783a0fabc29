import { listPositions } from '../../core/positions/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { positionDeps } from './deps.ts';

/** GET /api/v1/positions: the tenant's positions, marked to the latest cached quote when there is one. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  return json(200, await listPositions(positionDeps(), caller.tenantId));
});
