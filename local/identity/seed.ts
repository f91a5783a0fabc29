import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../core/access/caller.ts';
import { ConflictError } from '../../core/errors.ts';
import { createTenant, createUser } from '../../core/tenancy/service.ts';
import { OPERATOR_GROUP } from '../../core/tenancy/model.ts';
import { UsernameTakenError } from '../../core/access/errors.ts';
import type { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import type { LocalIdentityProvider } from '../../adapters/identity/local.ts';

export const DEMO_TENANT = 'demo';
const DEMO_USERS: Array<{ username: string; role: Role }> = [
  { username: 'demo-admin', role: 'admin' },
  { username: 'demo-trader', role: 'trader' },
  { username: 'demo-viewer', role: 'viewer' },
];
const OPERATOR = 'operator';

/** The file scripts read (docs/api-v1.md, "The local stack's interface"). */
export interface DemoCredentials {
  baseUrl: string;
  tenant: string;
  users: Array<{ username: string; password: string; role: Role }>;
  operator: { username: string; password: string };
  paperGateway: { host: string; port: number };
}

/** A password meeting the policy: upper, lower, digit, 20 characters. */
function generatePassword(): string {
  return `Demo-${randomBytes(12)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, 'x')}-7a`;
}

/**
 * Seeds the demo tenant, its admin, trader and viewer and a platform operator, idempotently:
 * passwords come from OMS_DEMO_PASSWORD, else from the previous demo-credentials.json, else are
 * generated once. Existing users get the current password, so the file is always right.
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
  const passwordOf = (username: string) =>
    fixed ||
    previous.users?.find((u) => u.username === username)?.password ||
    (previous.operator?.username === username ? previous.operator.password : undefined) ||
    generatePassword();

  const users = DEMO_USERS.map((u) => ({ ...u, password: passwordOf(u.username) }));
  const operator = { username: OPERATOR, password: passwordOf(OPERATOR) };
  const admin = users[0]!;
  const actor = 'system:seed';

  try {
    await createTenant(
      { identity: options.provider, store: options.store },
      {
        id: DEMO_TENANT,
        name: 'Demo Fund',
        admin: { username: admin.username, password: admin.password },
        actor,
      },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  const scope = options.store.forTenant(DEMO_TENANT);
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
    users,
    operator,
    paperGateway: options.paperGateway,
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
