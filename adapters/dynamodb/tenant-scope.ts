import { ulid } from 'ulid';
import { tenancyKeys } from '../../core/store/keys.ts';
import type { Role } from '../../core/access/caller.ts';
import {
  ApiKeyAlreadyRevokedError,
  ApiKeyNotFoundError,
  TenantNotFoundError,
  UserNotFoundError,
} from '../../core/tenancy/errors.ts';
import type {
  ApiKeyRecord,
  AuditEvent,
  AuditEventType,
  Page,
  StoredApiKey,
  Tenant,
  TenantUser,
} from '../../core/tenancy/model.ts';
import { isConditionFailure } from './errors.ts';
import type { Item, Query, Table } from './table.ts';

/** An item without its key and bookkeeping attributes. */
export const strip = <T extends Record<string, unknown>>(item: T, ...names: string[]) => {
  const copy: Record<string, unknown> = { ...item };
  for (const name of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity', ...names]) delete copy[name];
  return copy;
};

function toApiKey(item: Record<string, unknown>): ApiKeyRecord {
  const { secretHash: _s, tenantId: _t, ...rest } = strip(item) as unknown as StoredApiKey;
  return rest;
}

/** The table a tenant's view works on (the TenancyStore). */
export interface TenancyTable {
  readonly table: Table;
}

const underPrefix = ({ pk, skPrefix }: { pk: string; skPrefix: string }): Query => ({
  key: 'pk = :pk AND begins_with(sk, :prefix)',
  values: { ':pk': pk, ':prefix': skPrefix },
});

const absent = { condition: 'attribute_not_exists(pk)' };

/** One tenant's view of the store; the tenant id is fixed at construction. */
export class TenantScope {
  readonly store: TenancyTable;
  readonly tenantId: string;

  constructor(store: TenancyTable, tenantId: string) {
    this.store = store;
    this.tenantId = tenantId;
  }

  private get table() {
    return this.store.table;
  }

  async getTenant(): Promise<Tenant> {
    const item = await this.table.get(tenancyKeys.tenant(this.tenantId), 'reading a tenant', false);
    if (!item) throw new TenantNotFoundError(this.tenantId);
    return strip(item) as unknown as Tenant;
  }

  async putUser(user: TenantUser): Promise<void> {
    await this.table.put(
      {
        ...tenancyKeys.user(this.tenantId, user.username.toLowerCase()),
        entity: 'user',
        ...user,
        username: user.username.toLowerCase(),
      },
      'writing a user',
    );
  }

  async getUser(username: string): Promise<TenantUser> {
    const item = await this.table.get(
      tenancyKeys.user(this.tenantId, username.toLowerCase()),
      'reading a user',
    );
    if (!item) throw new UserNotFoundError(username);
    return strip(item) as unknown as TenantUser;
  }

  /** Changes a user's role or status; 404 when the user is not in this tenant. */
  async updateUser(
    username: string,
    change: { role?: Role; status?: TenantUser['status'] },
    now: Date,
  ): Promise<TenantUser> {
    const names: Record<string, string> = {};
    const values: Item = { ':now': now.toISOString() };
    const sets = ['updatedAt = :now'];
    if (change.role) {
      names['#role'] = 'role';
      values[':role'] = change.role;
      sets.push('#role = :role');
    }
    if (change.status) {
      names['#status'] = 'status';
      values[':status'] = change.status;
      sets.push('#status = :status');
    }
    try {
      const attributes = await this.table.update(
        tenancyKeys.user(this.tenantId, username.toLowerCase()),
        `SET ${sets.join(', ')}`,
        'updating a user',
        { condition: 'attribute_exists(pk)', names, values },
        'ALL_NEW',
      );
      return strip(attributes ?? {}) as unknown as TenantUser;
    } catch (error) {
      if (isConditionFailure(error)) throw new UserNotFoundError(username);
      throw error;
    }
  }

  async listUsers(limit: number, cursor?: string): Promise<Page<TenantUser>> {
    return this.page(
      tenancyKeys.userPrefix(this.tenantId),
      { limit, ...(cursor === undefined ? {} : { cursor }) },
      (item) => strip(item) as unknown as TenantUser,
    );
  }

  async putApiKey(key: Omit<StoredApiKey, 'tenantId'>): Promise<void> {
    await this.table.put(
      { ...tenancyKeys.apiKey(this.tenantId, key.id), entity: 'apiKey', ...key },
      'writing an API key',
      absent,
    );
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord> {
    const item = await this.table.get(tenancyKeys.apiKey(this.tenantId, keyId), 'reading an API key');
    if (!item) throw new ApiKeyNotFoundError(keyId);
    return toApiKey(item);
  }

  /** Revokes a key at once (the authorizer reads keys with consistent reads). */
  async revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord> {
    try {
      const attributes = await this.table.update(
        tenancyKeys.apiKey(this.tenantId, keyId),
        'SET revokedAt = :now',
        'revoking an API key',
        {
          condition: 'attribute_exists(pk) AND (attribute_not_exists(revokedAt) OR revokedAt = :null)',
          values: { ':now': now.toISOString(), ':null': null },
        },
        'ALL_NEW',
      );
      return toApiKey(attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        await this.getApiKey(keyId); // 404 when absent from this tenant
        throw new ApiKeyAlreadyRevokedError(keyId);
      }
      throw error;
    }
  }

  async listApiKeys(limit: number, cursor?: string): Promise<Page<ApiKeyRecord>> {
    return this.page(
      tenancyKeys.apiKeyPrefix(this.tenantId),
      { limit, ...(cursor === undefined ? {} : { cursor }) },
      toApiKey,
    );
  }

  /** Appends to the security audit log. */
  async audit(
    event: {
      type: AuditEventType;
      actor: string;
      sourceIp?: string | undefined;
      data?: Record<string, unknown>;
    },
    now = new Date(),
  ): Promise<AuditEvent> {
    const entry: AuditEvent = {
      id: ulid(now.getTime()),
      at: now.toISOString(),
      type: event.type,
      actor: event.actor,
      ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
      data: event.data ?? {},
    };
    await this.table.put(
      { ...tenancyKeys.audit(this.tenantId, entry.id), entity: 'audit', ...entry },
      'writing the audit log',
      absent,
    );
    return entry;
  }

  /** The audit log, newest first. */
  async listAudit(limit: number, cursor?: string, type?: AuditEventType): Promise<Page<AuditEvent>> {
    const prefix = { pk: tenancyKeys.auditPk(this.tenantId), skPrefix: tenancyKeys.auditPrefix };
    const query: Query = type
      ? {
          ...underPrefix(prefix),
          filter: '#type = :type',
          names: { '#type': 'type' },
          values: { ...underPrefix(prefix).values, ':type': type },
        }
      : underPrefix(prefix);
    return this.page(
      prefix,
      { limit, ...(cursor === undefined ? {} : { cursor }) },
      (item) => strip(item) as unknown as AuditEvent,
      { ...query, forward: false },
      'reading the audit log',
    );
  }

  private async page<T>(
    prefix: { pk: string; skPrefix: string },
    page: { limit: number; cursor?: string },
    map: (item: Item) => T,
    query: Query = underPrefix(prefix),
    what = 'listing',
  ): Promise<Page<T>> {
    const { items, nextCursor } = await this.table.page(query, page, what, prefix);
    return { items: items.map(map), nextCursor: nextCursor ?? null };
  }
}
