import { DEFAULT_CLIENT_ID, DEMO_CONNECTION_ID, type Connection } from '../core/connections/model.ts';
import type { ConnectionStore } from '../core/connections/ports.ts';
import { DEMO_TENANT } from './identity/seed.ts';

/**
 * Seeds the demo tenant's own paper connection `cdemo`, idempotently. Its account is claimed for
 * the demo tenant when the connection's bridge reports `managedAccounts`.
 */
export async function seedDemoConnection(
  store: Pick<ConnectionStore, 'get' | 'create'>,
  now = new Date(),
): Promise<Connection> {
  const existing = await store.get(DEMO_CONNECTION_ID);
  if (existing) return existing;
  const at = now.toISOString();
  const connection: Connection = {
    connectionId: DEMO_CONNECTION_ID,
    ownerTenantId: DEMO_TENANT,
    name: 'Demo paper',
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: DEFAULT_CLIENT_ID,
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
  };
  // Two stacks on one data dir may race: the loser reads the winner's record.
  if (await store.create(connection)) return connection;
  return (await store.get(DEMO_CONNECTION_ID)) ?? connection;
}
