import { randomBytes } from 'node:crypto';
import type { Caller, Role, Scope } from '../access/caller.ts';
import { generateApiKey, apiKeyHint } from '../access/api-keys.ts';
import type { IdentityProvider } from './ports.ts';
import type { ApiKeyRecord, AuditEvent, AuditEventType, StoredApiKey, Tenant, TenantUser } from './model.ts';

/** What the use cases need from one tenant's store (adapters/dynamodb/tenancy-store.ts TenantScope). */
export interface TenantStorePort {
  readonly tenantId: string;
  putUser(user: TenantUser): Promise<void>;
  putApiKey(key: Omit<StoredApiKey, 'tenantId'>): Promise<void>;
  audit(event: {
    type: AuditEventType;
    actor: string;
    sourceIp?: string | undefined;
    data?: Record<string, unknown>;
  }): Promise<AuditEvent>;
}

export interface TenancyStorePort {
  createTenant(tenant: Tenant): Promise<void>;
  forTenant(tenantId: string): TenantStorePort;
}

/** A new tenant id: `t` and 12 hex digits. */
export function newTenantId(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

/** Creates a user in the identity provider (password, tenant, role group) and the tenant's directory. */
export async function createUser(
  deps: { identity: Pick<IdentityProvider, 'createUser'>; tenant: TenantStorePort },
  input: {
    username: string;
    password: string | undefined;
    role: Role;
    actor: string;
    sourceIp?: string | undefined;
  },
  now = new Date(),
): Promise<TenantUser> {
  // The identity provider enforces username uniqueness, so it goes first.
  await deps.identity.createUser({
    username: input.username,
    password: input.password,
    tenantId: deps.tenant.tenantId,
    groups: [input.role],
  });
  const user: TenantUser = {
    username: input.username,
    role: input.role,
    status: 'active',
    createdAt: now.toISOString(),
    createdBy: input.actor,
    updatedAt: now.toISOString(),
  };
  await deps.tenant.putUser(user);
  await deps.tenant.audit({
    type: 'user.created',
    actor: input.actor,
    sourceIp: input.sourceIp,
    data: { username: user.username, role: user.role },
  });
  return user;
}

/** Creates a tenant with its first admin. */
export async function createTenant(
  deps: { identity: Pick<IdentityProvider, 'createUser'>; store: TenancyStorePort },
  input: {
    name: string;
    admin: { username: string; password: string | undefined };
    actor: string;
    id?: string;
    sourceIp?: string | undefined;
  },
  now = new Date(),
): Promise<{ tenant: Tenant; admin: TenantUser }> {
  const tenant: Tenant = {
    id: input.id ?? newTenantId(),
    name: input.name,
    status: 'active',
    createdAt: now.toISOString(),
    createdBy: input.actor,
  };
  await deps.store.createTenant(tenant);
  const scope = deps.store.forTenant(tenant.id);
  await scope.audit({
    type: 'tenant.created',
    actor: input.actor,
    sourceIp: input.sourceIp,
    data: { name: tenant.name },
  });
  const admin = await createUser(
    { identity: deps.identity, tenant: scope },
    {
      username: input.admin.username,
      password: input.admin.password,
      role: 'admin',
      actor: input.actor,
      sourceIp: input.sourceIp,
    },
    now,
  );
  return { tenant, admin };
}

/** Creates an API key; the returned `key` is the only time its value exists outside the client. */
export async function createApiKey(
  deps: { tenant: TenantStorePort },
  input: {
    name: string;
    scopes: Scope[];
    expiresAt: string | null;
    rateLimitPerMinute: number | null;
    caller: Pick<Caller, 'principal'>;
    sourceIp?: string | undefined;
  },
  now = new Date(),
): Promise<ApiKeyRecord & { key: string }> {
  const { keyId, value, secretHash } = generateApiKey(deps.tenant.tenantId);
  const record: ApiKeyRecord = {
    id: keyId,
    name: input.name,
    scopes: [...new Set(input.scopes)],
    hint: apiKeyHint(value),
    createdAt: now.toISOString(),
    createdBy: input.caller.principal,
    expiresAt: input.expiresAt,
    revokedAt: null,
    lastUsedAt: null,
    rateLimitPerMinute: input.rateLimitPerMinute,
  };
  await deps.tenant.putApiKey({ ...record, secretHash });
  await deps.tenant.audit({
    type: 'api_key.created',
    actor: input.caller.principal,
    sourceIp: input.sourceIp,
    data: { id: keyId, name: record.name, scopes: record.scopes },
  });
  return { ...record, key: value };
}
