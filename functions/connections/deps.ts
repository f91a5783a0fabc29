import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { AccountNotFoundError } from '../../core/connections/errors.ts';
import type { ConnectionDeps } from '../../core/connections/service.ts';
import { WORKING_STATUSES } from '../../core/orders/status.ts';
import { env } from '../../core/topology.ts';
import { orderDeps } from '../orders/deps.ts';
import { registerProblem } from '../shared/problems.ts';

registerProblem(AccountNotFoundError, { status: 422, title: 'Not one of your accounts' });

let store: DynamoConnectionStore | undefined;

/** The connection store of this runtime's table. */
export function connectionStore(): DynamoConnectionStore {
  if (!store || store.tableName !== process.env[env.tableName])
    store = DynamoConnectionStore.fromEnvironment();
  return store;
}

/** The connection use cases' adapters. */
export function connectionDeps(): ConnectionDeps {
  return {
    store: connectionStore(),
    workingOrdersOn: async (tenantIds, connectionId) => {
      const orders = orderDeps().store;
      let working = 0;
      for (const tenantId of tenantIds)
        working += (await orders.workingOrders(tenantId)).filter(
          (o) => o.connectionId === connectionId && WORKING_STATUSES.includes(o.status),
        ).length;
      return working;
    },
  };
}
