import { listAccounts } from '../../core/connections/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionDeps } from '../connections/deps.ts';

/** GET /api/v1/accounts: the IB accounts the caller's tenant owns. */
export const handler = httpHandler(async (request) =>
  json(200, await listAccounts(connectionDeps(), request.caller())),
);
