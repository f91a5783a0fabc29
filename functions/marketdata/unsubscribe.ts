import { ValidationError } from '../../core/errors.ts';
import { SymbolParam } from '../../core/marketdata/schemas.ts';
import { unsubscribe } from '../../core/marketdata/service.ts';
import { httpHandler } from '../shared/http.ts';
import { marketDataConnection, marketDataDeps } from './deps.ts';

/** DELETE /api/v1/marketdata/subscriptions/{symbol} */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:write');
  const parsed = SymbolParam.safeParse(request.path('symbol'));
  if (!parsed.success)
    throw new ValidationError('Invalid symbol', [{ path: 'path.symbol', message: 'not a ticker' }]);
  await unsubscribe(
    marketDataDeps(await marketDataConnection(caller.tenantId)),
    caller.tenantId,
    parsed.data,
  );
  return { status: 204 };
});
