import { randomBytes } from 'node:crypto';
import type { Caller, Role, Scope } from '../access/caller.ts';
import { generateApiKey, apiKeyHint } from '../access/api-keys.ts';
import { SelfLockoutError } from './errors.ts';
import type { IdentityProvider } from './ports.ts';
import type { ApiKeyRecord, AuditEvent, AuditEventType, StoredApiKey, Tenant, TenantUser } from './model.ts';

/** What the use cases need from one tenant's store (adapters/dynamodb/tenancy-store.ts TenantScope). */
export interface TenantStorePort {
  readonly tenantId: string;
  putUser(user: TenantUser): Promise<void>;
  /** The user, or UserNotFoundError (also for another tenant's user). */
  getUser(username: string): Promise<TenantUser>;
  updateUser(
    username: string,
    change: { role?: Role; status?: TenantUser['status'] },
    now: Date,
  ): Promise<TenantUser>;
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

/**
 * Changes a user's role or status: in the identity provider (groups, enabled) and the tenant's
 * directory, with an audit event per change. Admins cannot change themselves (no self-lockout).
 */
export async function updateUser(
  deps: { identity: Pick<IdentityProvider, 'setGroups' | 'setEnabled'>; tenant: TenantStorePort },
  input: {
    username: string;
    change: { role?: Role | undefined; status?: TenantUser['status'] | undefined };
    actor: string;
    sourceIp?: string | undefined;
  },
  now = new Date(),
): Promise<TenantUser> {
  const { username, change } = input;
  // 404 for a user of another tenant, before the identity provider is touched.
  const before = await deps.tenant.getUser(username);
  if (input.actor === `user:${username}`) throw new SelfLockoutError();
  const newRole = change.role !== undefined && change.role !== before.role ? change.role : undefined;
  const newStatus =
    change.status !== undefined && change.status !== before.status ? change.status : undefined;
  if (newRole) await deps.identity.setGroups(username, [newRole]);
  if (newStatus) await deps.identity.setEnabled(username, newStatus === 'active');
  const after = await deps.tenant.updateUser(
    username,
    { ...(change.role ? { role: change.role } : {}), ...(change.status ? { status: change.status } : {}) },
    now,
  );
  const audit = { actor: input.actor, sourceIp: input.sourceIp };
  if (newRole)
    await deps.tenant.audit({
      ...audit,
      type: 'user.role_changed',
      data: { username, from: before.role, to: newRole },
    });
  if (newStatus)
    await deps.tenant.audit({
      ...audit,
      type: newStatus === 'disabled' ? 'user.disabled' : 'user.enabled',
      data: { username },
    });
  return after;
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
