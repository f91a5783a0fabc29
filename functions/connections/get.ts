import { getConnection } from '../../core/connections/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionDeps } from './deps.ts';

/** GET /api/v1/connections/{id}: status, accounts, last error, pacing and market-data lines. */
export const handler = httpHandler(async (request) =>
  json(200, await getConnection(connectionDeps(), request.caller(), request.path('id'))),
);
