import { createConnection } from '../../core/connections/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionDeps } from './deps.ts';

/** POST /api/v1/connections: a tenant admin's own connection, or the operator's shared one. */
export const handler = httpHandler(async (request) =>
  json(201, await createConnection(connectionDeps(), request.caller(), request.json())),
);
