import { deleteConnection } from '../../core/connections/service.ts';
import { httpHandler } from '../shared/http.ts';
import { connectionDeps } from './deps.ts';

/** DELETE /api/v1/connections/{id}: 409 CONNECTION_IN_USE while orders work through it. */
export const handler = httpHandler(async (request) => {
  await deleteConnection(connectionDeps(), request.caller(), request.path('id'));
  return { status: 204 };
});
