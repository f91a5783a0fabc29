import { randomBytes } from 'node:crypto';
import { ROLE_SCOPES, scopesBeyond, type Caller, type Role, type Scope } from '../access/caller.ts';
import { generateApiKey, apiKeyHint } from '../access/api-keys.ts';
import { RateLimitExceededError, UsernameTakenError } from '../access/errors.ts';
import type { RateLimit, RateLimiterPort } from '../access/rate-limits.ts';
import { ScopeEscalationError, SelfLockoutError } from './errors.ts';
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
  /** The tenant and its first admin's directory entry in one transaction: both or neither. */
  createTenant(tenant: Tenant, admin: TenantUser): Promise<void>;
  forTenant(tenantId: string): TenantStorePort;
}

/** Throws ScopeEscalationError unless `grantor` holds every scope of `role` at this moment. */
export function assertMayGrantRole(grantor: Pick<Caller, 'kind' | 'roles' | 'scopes'>, role: Role): void {
  const beyond = scopesBeyond({ tenantId: '', principal: '', ...grantor }, ROLE_SCOPES[role]);
  if (beyond.length) throw new ScopeEscalationError(beyond);
}

/** A new tenant id: `t` and 12 hex digits. */
export function newTenantId(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

/**
 * Creates a user in the identity provider (password, tenant, role group) and the tenant's
 * directory. Usernames are one namespace for the platform (as in a Cognito pool), so "taken" says
 * the name exists somewhere: with `conflicts`, a tenant hears it only so often, which keeps
 * anyone from listing other tenants' users by trying names.
 */
export async function createUser(
  deps: {
    identity: Pick<IdentityProvider, 'createUser'>;
    tenant: TenantStorePort;
    conflicts?: { limiter: RateLimiterPort; limit: RateLimit };
  },
  input: {
    username: string;
    password: string | undefined;
    role: Role;
    actor: string;
    sourceIp?: string | undefined;
    /** The caller creating the user: it cannot make a user who may do more than itself. */
    grantor?: Pick<Caller, 'kind' | 'roles' | 'scopes'>;
  },
  now = new Date(),
): Promise<TenantUser> {
  if (input.grantor) assertMayGrantRole(input.grantor, input.role);
  const username = input.username.toLowerCase();
  const conflicts = { tenantId: deps.tenant.tenantId, bucket: 'username-taken' };
  if (deps.conflicts) await deps.conflicts.limiter.check(conflicts, deps.conflicts.limit);
  // The identity provider enforces username uniqueness, so it goes first.
  try {
    await deps.identity.createUser({
      username,
      password: input.password,
      tenantId: deps.tenant.tenantId,
      groups: [input.role],
    });
  } catch (error) {
    if (error instanceof UsernameTakenError && deps.conflicts)
      await deps.conflicts.limiter.hit(conflicts, deps.conflicts.limit).catch((e: unknown) => {
        if (!(e instanceof RateLimitExceededError)) throw e;
      });
    throw error;
  }
  const user: TenantUser = {
    username,
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
    /** The caller: it can neither raise a user above itself nor touch a user above itself. */
    grantor?: Pick<Caller, 'kind' | 'roles' | 'scopes'>;
  },
  now = new Date(),
): Promise<TenantUser> {
  const { change } = input;
  const username = input.username.toLowerCase();
  // 404 for a user of another tenant, before the identity provider is touched.
  const before = await deps.tenant.getUser(username);
  if (input.actor === `user:${username}`) throw new SelfLockoutError();
  if (input.grantor) {
    assertMayGrantRole(input.grantor, before.role);
    if (change.role) assertMayGrantRole(input.grantor, change.role);
  }
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

/**
 * Creates a tenant with its first admin, or nothing: the identity provider (which owns username
 * uniqueness) first, then the tenant and the admin's directory entry in one transaction; if that
 * fails, the identity user is deleted again.
 */
export async function createTenant(
  deps: { identity: Pick<IdentityProvider, 'createUser' | 'deleteUser'>; store: TenancyStorePort },
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
  const admin: TenantUser = {
    username: input.admin.username.toLowerCase(),
    role: 'admin',
    status: 'active',
    createdAt: now.toISOString(),
    createdBy: input.actor,
    updatedAt: now.toISOString(),
  };
  await deps.identity.createUser({
    username: admin.username,
    password: input.admin.password,
    tenantId: tenant.id,
    groups: ['admin'],
  });
  try {
    await deps.store.createTenant(tenant, admin);
  } catch (error) {
    await deps.identity.deleteUser(admin.username);
    throw error;
  }
  const scope = deps.store.forTenant(tenant.id);
  const audit = { actor: input.actor, sourceIp: input.sourceIp };
  await scope.audit({ ...audit, type: 'tenant.created', data: { name: tenant.name } });
  await scope.audit({ ...audit, type: 'user.created', data: { username: admin.username, role: 'admin' } });
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

/**
 * Suspends or reactivates a tenant (platform operator). A suspended tenant's tokens and keys are
 * refused by the authorizer, so it can place no order; `cancelWorkingOrders` asks to cancel the
 * orders it has working at the broker in the same call.
 */
export async function setTenantStatus(
  deps: {
    store: TenancyStorePort & {
      setTenantStatus(tenantId: string, status: Tenant['status'], now: Date): Promise<Tenant>;
    };
    cancelWorkingOrders(tenantId: string, actor: string): Promise<number>;
  },
  input: {
    tenantId: string;
    status: Tenant['status'];
    cancelWorkingOrders: boolean;
    actor: string;
    sourceIp?: string | undefined;
  },
  now = new Date(),
): Promise<Tenant & { cancelledOrders: number }> {
  const tenant = await deps.store.setTenantStatus(input.tenantId, input.status, now);
  await deps.store.forTenant(input.tenantId).audit({
    type: input.status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated',
    actor: input.actor,
    sourceIp: input.sourceIp,
    data: { cancelWorkingOrders: input.cancelWorkingOrders },
  });
  const cancelledOrders = input.cancelWorkingOrders
    ? await deps.cancelWorkingOrders(input.tenantId, input.actor)
    : 0;
  return { ...tenant, cancelledOrders };
}
