import { awsClients, resources } from '../../adapters/aws.ts';
import { DynamoExecutionStore } from '../../adapters/dynamodb/execution-store.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import { dailyPnlView } from '../../core/positions/pnl.ts';
import { tradingDay } from '../../core/risk/checks.ts';
import { httpHandler, json } from '../shared/http.ts';

/**
 * GET /api/v1/pnl/today: realized P&L and commissions of the tenant's trading day (UTC) from the
 * store, unrealized P&L of its open positions marked to the latest cached quotes.
 */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  const { dynamo } = awsClients();
  const { tableName } = resources();
  const store = new DynamoExecutionStore(dynamo, tableName);
  const quotes = new DynamoQuoteSource(dynamo, tableName);
  const day = tradingDay(new Date());
  const [pnl, positions] = await Promise.all([
    store.dailyPnl(caller.tenantId, day),
    store.positions(caller.tenantId),
  ]);
  const symbols = [...new Set([...positions.map((p) => p.symbol), ...pnl.bySymbol.map((s) => s.symbol)])];
  const prices = new Map(
    await Promise.all(symbols.map(async (s) => [s, await quotes.latestPrice(s)] as const)),
  );
  return json(200, dailyPnlView(pnl, positions, prices));
});
