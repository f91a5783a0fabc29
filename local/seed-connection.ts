import { DEFAULT_CLIENT_ID, DEMO_CONNECTION_ID, type Connection } from '../core/connections/model.ts';
import type { ConnectionStore } from '../core/connections/ports.ts';
import { paperAccountId } from './connections.ts';
import { DEMO_TENANT, SECOND_DEMO_CONNECTION_ID, SECOND_DEMO_TENANT } from './identity/seed.ts';

/** A paper connection owned by a demo tenant, as first stored. */
function paperConnection(connectionId: string, tenantId: string, name: string, at: string): Connection {
  return {
    connectionId,
    ownerTenantId: tenantId,
    name,
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: DEFAULT_CLIENT_ID,
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
  };
}

async function createOnce(
  store: Pick<ConnectionStore, 'get' | 'create'>,
  connection: Connection,
): Promise<{ connection: Connection; created: boolean }> {
  const existing = await store.get(connection.connectionId);
  if (existing) return { connection: existing, created: false };
  if (await store.create(connection)) return { connection, created: true };
  // Two stacks on one data dir may race: the loser reads the winner's record.
  return { connection: (await store.get(connection.connectionId)) ?? connection, created: false };
}

/**
 * Seeds the demo tenant's own paper connection `cdemo`, idempotently. Its account is claimed for
 * the demo tenant when the connection's bridge reports `managedAccounts`.
 */
export async function seedDemoConnection(
  store: Pick<ConnectionStore, 'get' | 'create'>,
  now = new Date(),
): Promise<Connection> {
  const seeded = paperConnection(DEMO_CONNECTION_ID, DEMO_TENANT, 'Demo paper', now.toISOString());
  return (await createOnce(store, seeded)).connection;
}

/**
 * Seeds the second demo tenant's paper connection `cdemo2`, idempotently; the local provisioner
 * gives it a paper gateway of its own. Its account is claimed at once, as its bridge would on
 * `managedAccounts`: until a tenant owns an account its orders go to the house connection, which is
 * the first demo tenant's gateway, and the second tenant must never trade there.
 */
export async function seedSecondDemoConnection(
  store: Pick<ConnectionStore, 'get' | 'create' | 'reportManagedAccounts'>,
  now = new Date(),
): Promise<Connection> {
  const seeded = paperConnection(
    SECOND_DEMO_CONNECTION_ID,
    SECOND_DEMO_TENANT,
    'Second demo paper',
    now.toISOString(),
  );
  const { connection } = await createOnce(store, seeded);
  if (connection.accounts.length === 0)
    await store.reportManagedAccounts(connection.connectionId, [paperAccountId(connection.connectionId)]);
  return (await store.get(connection.connectionId)) ?? connection;
}
