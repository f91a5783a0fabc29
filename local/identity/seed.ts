import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../core/access/caller.ts';
import { DEMO_CONNECTION_ID } from '../../core/connections/model.ts';
import { ConflictError } from '../../core/errors.ts';
import { createTenant, createUser } from '../../core/tenancy/service.ts';
import { OPERATOR_GROUP } from '../../core/tenancy/model.ts';
import { UsernameTakenError } from '../../core/access/errors.ts';
import type { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import type { LocalIdentityProvider } from '../../adapters/identity/local.ts';

export const DEMO_TENANT = 'demo';
/** A second demo tenant with its own paper connection, so isolation and the operator's view show. */
export const SECOND_DEMO_TENANT = 'demo2';
/** The second demo tenant's paper connection (the first's is `cdemo`, DEMO_CONNECTION_ID). */
export const SECOND_DEMO_CONNECTION_ID = 'cdemo2';

/** A seeded tenant: its id, name, and one user per role (the admin first). */
interface DemoTenantSeed {
  id: string;
  name: string;
  connection: string;
  users: Array<{ username: string; role: Role }>;
}
const usersOf = (prefix: string): DemoTenantSeed['users'] => [
  { username: `${prefix}-admin`, role: 'admin' },
  { username: `${prefix}-trader`, role: 'trader' },
  { username: `${prefix}-viewer`, role: 'viewer' },
];
const DEMO_TENANTS: readonly DemoTenantSeed[] = [
  { id: DEMO_TENANT, name: 'Demo Fund', connection: DEMO_CONNECTION_ID, users: usersOf('demo') },
  {
    id: SECOND_DEMO_TENANT,
    name: 'Second Demo Fund',
    connection: SECOND_DEMO_CONNECTION_ID,
    users: usersOf('demo2'),
  },
];
const OPERATOR = 'operator';

/** One seeded tenant as demo-credentials.json lists it under `tenants`. */
export interface DemoTenantCredentials {
  tenant: string;
  name: string;
  /** Its paper connection's id. */
  connection: string;
  users: Array<{ username: string; password: string; role: Role }>;
}

/** The file scripts read (docs/api-v1.md, "The local stack's interface"). */
export interface DemoCredentials {
  baseUrl: string;
  tenant: string;
  users: Array<{ username: string; password: string; role: Role }>;
  operator: { username: string; password: string };
  paperGateway: { host: string; port: number };
  /** Every demo tenant, the first one (`tenant`, `users` above) included. */
  tenants: DemoTenantCredentials[];
}

/** A password meeting the policy: upper, lower, digit, 20 characters. */
function generatePassword(): string {
  return `Demo-${randomBytes(12)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, 'x')}-7a`;
}

/**
 * Seeds the demo tenants, each with an admin, a trader and a viewer, and a platform operator,
 * idempotently: passwords come from OMS_DEMO_PASSWORD, else from the previous
 * demo-credentials.json, else are generated once. Existing users get the current password, so the
 * file is always right.
 */
export async function seedDemo(options: {
  store: TenancyStore;
  provider: LocalIdentityProvider;
  dataDir: string;
  baseUrl: string;
  paperGateway: { host: string; port: number };
}): Promise<DemoCredentials> {
  const file = join(options.dataDir, 'demo-credentials.json');
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials>)
    : {};
  const fixed = process.env.OMS_DEMO_PASSWORD;
  const previousUsers = [...(previous.users ?? []), ...(previous.tenants ?? []).flatMap((t) => t.users)];
  const passwordOf = (username: string) =>
    fixed ||
    previousUsers.find((u) => u.username === username)?.password ||
    (previous.operator?.username === username ? previous.operator.password : undefined) ||
    generatePassword();

  const tenants: DemoTenantCredentials[] = [];
  for (const seed of DEMO_TENANTS) {
    const users = seed.users.map((u) => ({ ...u, password: passwordOf(u.username) }));
    await seedTenant(options, seed, users);
    tenants.push({ tenant: seed.id, name: seed.name, connection: seed.connection, users });
  }
  const operator = { username: OPERATOR, password: passwordOf(OPERATOR) };
  try {
    await options.provider.createUser({
      username: operator.username,
      password: operator.password,
      tenantId: undefined,
      groups: [OPERATOR_GROUP],
    });
  } catch (error) {
    if (!(error instanceof UsernameTakenError)) throw error;
    await options.provider.setPassword(operator.username, operator.password);
  }

  const credentials: DemoCredentials = {
    baseUrl: options.baseUrl,
    tenant: DEMO_TENANT,
    users: tenants[0]!.users,
    operator,
    paperGateway: options.paperGateway,
    tenants,
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/** One demo tenant and its users; a user that exists gets the current password. */
async function seedTenant(
  options: { store: TenancyStore; provider: LocalIdentityProvider },
  seed: DemoTenantSeed,
  users: Array<{ username: string; password: string; role: Role }>,
): Promise<void> {
  const admin = users[0]!;
  const actor = 'system:seed';
  try {
    await createTenant(
      { identity: options.provider, store: options.store },
      {
        id: seed.id,
        name: seed.name,
        admin: { username: admin.username, password: admin.password },
        actor,
      },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  const scope = options.store.forTenant(seed.id);
  for (const user of users) {
    try {
      await createUser(
        { identity: options.provider, tenant: scope },
        { username: user.username, password: user.password, role: user.role, actor },
      );
    } catch (error) {
      if (!(error instanceof UsernameTakenError)) throw error;
      await options.provider.setPassword(user.username, user.password);
    }
  }
}
