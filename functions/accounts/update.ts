import * as z from 'zod';
import { updateAccount } from '../../core/connections/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionDeps } from '../connections/deps.ts';

export const body = z.strictObject({
  default: z.literal(true).meta({ description: 'Orders without `account` go to this account' }),
});

/** PATCH /api/v1/accounts/{id} `{ default: true }` */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('connections:write');
  const input = request.body(body);
  return json(200, await updateAccount(connectionDeps(), caller, request.path('id'), input));
});
