import * as z from 'zod';
import { accountIdSchema } from '../../core/connections/model.ts';
import { listPositions } from '../../core/positions/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { positionDeps } from './deps.ts';

/** `?account=`: one broker account's positions (or P&L) only. */
export const AccountQuery = z.object({
  account: accountIdSchema.optional().meta({ description: 'Only this IB account', example: 'DU1234567' }),
});

/** GET /api/v1/positions: the tenant's positions, marked to the latest cached quote when there is one. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  const { account } = request.query(AccountQuery);
  return json(200, await listPositions(positionDeps(), caller.tenantId, account));
});
