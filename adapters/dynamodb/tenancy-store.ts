import { systemKeys, tenancyKeys } from '../../core/store/keys.ts';
import type { Scope } from '../../core/access/caller.ts';
import { TenantNotFoundError } from '../../core/tenancy/errors.ts';
import { ConflictError } from '../../core/errors.ts';
import type { Page, StoredApiKey, Tenant, TenantUser } from '../../core/tenancy/model.ts';
import { isConditionFailure } from './errors.ts';
import { held, TableStore } from './table.ts';
import { strip, TenantScope } from './tenant-scope.ts';

export { TenantScope };

/**
 * Tenants, users, API keys and the security audit log in the single table. Every method works
 * inside the tenant given to `forTenant`, which handlers take from the authorizer's caller.
 */
export class TenancyStore extends TableStore {
  /**
   * Creates a tenant and its first admin's directory entry in one transaction (both or neither);
   * a conflict if the id exists. The tenant joins the operator's registry (GSI1).
   */
  async createTenant(tenant: Tenant, admin: TenantUser): Promise<void> {
    const failed = await this.table.transact(
      [
        this.table.putItem(
          {
            ...tenancyKeys.tenant(tenant.id),
            entity: 'tenant',
            gsi1pk: systemKeys.tenantRegistry(),
            gsi1sk: systemKeys.tenantRegistrySk(tenant.createdAt, tenant.id),
            ...tenant,
          },
          { condition: 'attribute_not_exists(pk)' },
          'new tenant',
        ),
        this.table.putItem({ ...tenancyKeys.user(tenant.id, admin.username), entity: 'user', ...admin }),
      ],
      'creating a tenant',
    );
    if (failed) throw new ConflictError('TENANT_EXISTS', `Tenant ${tenant.id} exists`, { id: tenant.id });
  }

  /** The tenant, or undefined. */
  async findTenant(tenantId: string): Promise<Tenant | undefined> {
    const item = await this.table.get(tenancyKeys.tenant(tenantId), 'reading a tenant');
    return item ? (strip(item) as unknown as Tenant) : undefined;
  }

  /** A tenant and one of its users in one consistent read (what the authorizer needs per request). */
  async findTenantAndUser(
    tenantId: string,
    username: string,
  ): Promise<{ tenant: Tenant | undefined; user: TenantUser | undefined }> {
    const keys = [tenancyKeys.tenant(tenantId), tenancyKeys.user(tenantId, username.toLowerCase())];
    const items = await this.table.getMany(keys, 'reading a tenant and a user');
    // Throttled keys come back unprocessed: read them one by one rather than retry the batch.
    if (!items) {
      const [tenant, user] = await Promise.all([
        this.findTenant(tenantId),
        this.findUser(tenantId, username),
      ]);
      return { tenant, user };
    }
    const find = (sk: string) => items.find((item) => item.sk === sk);
    const tenant = find(keys[0]!.sk);
    const user = find(keys[1]!.sk);
    return {
      tenant: tenant ? (strip(tenant) as unknown as Tenant) : undefined,
      user: user ? (strip(user) as unknown as TenantUser) : undefined,
    };
  }

  /** A user of a tenant's directory, or undefined. */
  async findUser(tenantId: string, username: string): Promise<TenantUser | undefined> {
    const item = await this.table.get(tenancyKeys.user(tenantId, username.toLowerCase()), 'reading a user');
    return item ? (strip(item) as unknown as TenantUser) : undefined;
  }

  /** Every tenant, oldest first, for the platform operator. */
  async listTenants(limit: number, cursor?: string): Promise<Page<Tenant>> {
    const pk = systemKeys.tenantRegistry();
    const { items, nextCursor } = await this.table.page(
      { index: 'gsi1', key: 'gsi1pk = :pk', values: { ':pk': pk } },
      { limit, ...(cursor === undefined ? {} : { cursor }) },
      'listing tenants',
      {
        pk,
        skPrefix: '',
        attribute: 'gsi1sk',
        startKey: (sk) => ({
          gsi1pk: pk,
          gsi1sk: sk,
          ...tenancyKeys.tenant(systemKeys.tenantIdFromRegistrySk(sk)),
        }),
      },
    );
    return { items: items.map((item) => strip(item) as unknown as Tenant), nextCursor: nextCursor ?? null };
  }

  /** Sets a tenant's status; 404 when there is no such tenant. */
  async setTenantStatus(tenantId: string, status: Tenant['status'], now: Date): Promise<Tenant> {
    try {
      const attributes = await this.table.update(
        tenancyKeys.tenant(tenantId),
        'SET #status = :status, updatedAt = :now',
        'updating a tenant',
        {
          condition: 'attribute_exists(pk)',
          names: { '#status': 'status' },
          values: { ':status': status, ':now': now.toISOString() },
        },
        'ALL_NEW',
      );
      return strip(attributes ?? {}) as unknown as Tenant;
    } catch (error) {
      if (isConditionFailure(error)) throw new TenantNotFoundError(tenantId);
      throw error;
    }
  }

  /** Operations inside one tenant. */
  forTenant(tenantId: string): TenantScope {
    return new TenantScope(this, tenantId);
  }

  /** The key record for the authorizer, with its hash; undefined when absent. */
  async findApiKey(tenantId: string, keyId: string): Promise<StoredApiKey | undefined> {
    const item = await this.table.get(tenancyKeys.apiKey(tenantId, keyId), 'reading an API key');
    return item ? ({ ...strip(item), tenantId } as unknown as StoredApiKey) : undefined;
  }

  /** Records a key's use at most once a minute, so a busy key does not write on every request. */
  async touchApiKey(tenantId: string, keyId: string, now: Date): Promise<void> {
    await held(
      this.table.update(
        tenancyKeys.apiKey(tenantId, keyId),
        'SET lastUsedAt = :now',
        'recording an API key use',
        {
          condition:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt = :null OR lastUsedAt < :before)',
          values: {
            ':now': now.toISOString(),
            ':before': new Date(now.getTime() - 60_000).toISOString(),
            ':null': null,
          },
        },
      ),
    );
  }
}

/** A scope a caller may grant must be one it holds. */
export type { Scope };
