import { awsClients, resources } from '../../adapters/aws.ts';
import { DynamoExecutionStore } from '../../adapters/dynamodb/execution-store.ts';
import { DynamoQuoteSource } from '../../adapters/dynamodb/quote-source.ts';
import { positionView } from '../../core/positions/position.ts';
import { httpHandler, json } from '../shared/http.ts';

/** GET /api/v1/positions: the tenant's positions, marked to the latest cached quote when there is one. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  const { dynamo } = awsClients();
  const { tableName } = resources();
  const store = new DynamoExecutionStore(dynamo, tableName);
  const quotes = new DynamoQuoteSource(dynamo, tableName);
  const positions = await store.positions(caller.tenantId);
  const symbols = [...new Set(positions.map((p) => p.symbol))];
  const prices = new Map(
    await Promise.all(symbols.map(async (s) => [s, await quotes.latestPrice(s)] as const)),
  );
  return json(200, { items: positions.map((p) => positionView(p, prices.get(p.symbol))) });
});
