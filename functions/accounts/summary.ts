import { DynamoAccountValuesStore } from '../../adapters/dynamodb/account-values-store.ts';
import { getAccountSummary } from '../../core/connections/account-summary.ts';
import { env } from '../../core/topology.ts';
import { httpHandler, json } from '../shared/http.ts';
import { connectionStore } from '../connections/deps.ts';

let values: DynamoAccountValuesStore | undefined;

function accountValues(): DynamoAccountValuesStore {
  if (!values || values.table.name !== process.env[env.tableName])
    values = DynamoAccountValuesStore.fromEnvironment();
  return values;
}

/** GET /api/v1/accounts/{id}/summary: IB's account values of one of the tenant's accounts. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('positions:read');
  return json(
    200,
    await getAccountSummary(
      { store: connectionStore(), values: accountValues() },
      caller,
      request.path('id'),
    ),
  );
});
