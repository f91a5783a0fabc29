import { ValidationError } from '../../core/errors.ts';
import { QuoteQuery, SymbolParam } from '../../core/marketdata/schemas.ts';
import { getQuote } from '../../core/marketdata/service.ts';
import { httpHandler, json } from '../shared/http.ts';
import { marketDataConnection, marketDataDeps } from './deps.ts';

/** GET /api/v1/marketdata/{symbol} */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('marketdata:read');
  const parsed = SymbolParam.safeParse(request.path('symbol'));
  if (!parsed.success)
    throw new ValidationError('Invalid symbol', [{ path: 'path.symbol', message: 'not a ticker' }]);
  const { refresh } = request.query(QuoteQuery);
  return json(
    200,
    await getQuote(marketDataDeps(await marketDataConnection(caller.tenantId)), parsed.data, {
      refresh: refresh ?? false,
    }),
  );
});
