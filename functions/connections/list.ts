import { listConnections } from '../../core/connections/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionDeps } from './deps.ts';

/** GET /api/v1/connections */
export const handler = httpHandler(async (request) =>
  json(200, await listConnections(connectionDeps(), request.caller())),
);
