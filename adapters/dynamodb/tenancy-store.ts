import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { tenancyKeys } from '../../core/store/keys.ts';
import type { Role, Scope } from '../../core/access/caller.ts';
import {
  ApiKeyAlreadyRevokedError,
  ApiKeyNotFoundError,
  TenantNotFoundError,
  UserNotFoundError,
} from '../../core/tenancy/errors.ts';
import { ConflictError } from '../../core/errors.ts';
import type {
  ApiKeyRecord,
  AuditEvent,
  AuditEventType,
  Page,
  StoredApiKey,
  Tenant,
  TenantUser,
} from '../../core/tenancy/model.ts';
import { documentClient, resources } from '../aws.ts';
import { decodeSkCursor, encodeSkCursor, guardDynamo, isConditionFailure } from './errors.ts';

const strip = <T extends Record<string, unknown>>(item: T, ...names: string[]) => {
  const copy: Record<string, unknown> = { ...item };
  for (const name of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity', ...names]) delete copy[name];
  return copy;
};

function toApiKey(item: Record<string, unknown>): ApiKeyRecord {
  const { secretHash: _s, tenantId: _t, ...rest } = strip(item) as unknown as StoredApiKey;
  return rest;
}

/**
 * Tenants, users, API keys and the security audit log in the single table. Every method works
 * inside the tenant given to `forTenant`, which handlers take from the authorizer's caller.
 */
export class TenancyStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  /** The store of the runtime's table. */
  static fromEnvironment(): TenancyStore {
    return new TenancyStore(documentClient(), resources().tableName);
  }

  /** Creates a tenant record; fails with a conflict if the id exists. */
  async createTenant(tenant: Tenant): Promise<void> {
    try {
      await guardDynamo('creating a tenant', () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...tenancyKeys.tenant(tenant.id), entity: 'tenant', ...tenant },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConflictError('TENANT_EXISTS', `Tenant ${tenant.id} exists`, { id: tenant.id });
      throw error;
    }
  }

  /** Operations inside one tenant. */
  forTenant(tenantId: string): TenantScope {
    return new TenantScope(this, tenantId);
  }

  /** The key record for the authorizer, with its hash; undefined when absent. */
  async findApiKey(tenantId: string, keyId: string): Promise<StoredApiKey | undefined> {
    const { Item } = await guardDynamo('reading an API key', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: tenancyKeys.apiKey(tenantId, keyId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? ({ ...strip(Item), tenantId } as unknown as StoredApiKey) : undefined;
  }

  /** Records a key's use at most once a minute, so a busy key does not write on every request. */
  async touchApiKey(tenantId: string, keyId: string, now: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tenancyKeys.apiKey(tenantId, keyId),
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt = :null OR lastUsedAt < :before)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':before': new Date(now.getTime() - 60_000).toISOString(),
            ':null': null,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** One tenant's view of the store; the tenant id is fixed at construction. */
export class TenantScope {
  readonly store: TenancyStore;
  readonly tenantId: string;

  constructor(store: TenancyStore, tenantId: string) {
    this.store = store;
    this.tenantId = tenantId;
  }

  private get doc() {
    return this.store.doc;
  }

  private get table() {
    return this.store.tableName;
  }

  async getTenant(): Promise<Tenant> {
    const { Item } = await guardDynamo('reading a tenant', () =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: tenancyKeys.tenant(this.tenantId) })),
    );
    if (!Item) throw new TenantNotFoundError(this.tenantId);
    return strip(Item) as unknown as Tenant;
  }

  async putUser(user: TenantUser): Promise<void> {
    await guardDynamo('writing a user', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...tenancyKeys.user(this.tenantId, user.username), entity: 'user', ...user },
        }),
      ),
    );
  }

  async getUser(username: string): Promise<TenantUser> {
    const { Item } = await guardDynamo('reading a user', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: tenancyKeys.user(this.tenantId, username),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) throw new UserNotFoundError(username);
    return strip(Item) as unknown as TenantUser;
  }

  /** Changes a user's role or status; 404 when the user is not in this tenant. */
  async updateUser(
    username: string,
    change: { role?: Role; status?: TenantUser['status'] },
    now: Date,
  ): Promise<TenantUser> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now.toISOString() };
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
      const { Attributes } = await guardDynamo('updating a user', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: tenancyKeys.user(this.tenantId, username),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return strip(Attributes ?? {}) as unknown as TenantUser;
    } catch (error) {
      if (isConditionFailure(error)) throw new UserNotFoundError(username);
      throw error;
    }
  }

  async listUsers(limit: number, cursor?: string): Promise<Page<TenantUser>> {
    return this.page(
      tenancyKeys.userPrefix(this.tenantId),
      limit,
      cursor,
      true,
      (item) => strip(item) as unknown as TenantUser,
    );
  }

  async putApiKey(key: Omit<StoredApiKey, 'tenantId'>): Promise<void> {
    await guardDynamo('writing an API key', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...tenancyKeys.apiKey(this.tenantId, key.id), entity: 'apiKey', ...key },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord> {
    const { Item } = await guardDynamo('reading an API key', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: tenancyKeys.apiKey(this.tenantId, keyId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) throw new ApiKeyNotFoundError(keyId);
    return toApiKey(Item);
  }

  /** Revokes a key at once (the authorizer reads keys with consistent reads). */
  async revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord> {
    try {
      const { Attributes } = await guardDynamo('revoking an API key', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: tenancyKeys.apiKey(this.tenantId, keyId),
            UpdateExpression: 'SET revokedAt = :now',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(revokedAt) OR revokedAt = :null)',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':null': null },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return toApiKey(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        await this.getApiKey(keyId); // 404 when absent from this tenant
        throw new ApiKeyAlreadyRevokedError(keyId);
      }
      throw error;
    }
  }

  async listApiKeys(limit: number, cursor?: string): Promise<Page<ApiKeyRecord>> {
    return this.page(tenancyKeys.apiKeyPrefix(this.tenantId), limit, cursor, true, toApiKey);
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
    await guardDynamo('writing the audit log', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...tenancyKeys.audit(this.tenantId, entry.id), entity: 'audit', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return entry;
  }

  /** The audit log, newest first. */
  async listAudit(limit: number, cursor?: string, type?: AuditEventType): Promise<Page<AuditEvent>> {
    const pk = tenancyKeys.auditPk(this.tenantId);
    const startSk = decodeSkCursor(cursor, 'AUDIT#');
    const { Items, LastEvaluatedKey } = await guardDynamo('reading the audit log', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(type
            ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' } }
            : {}),
          ExpressionAttributeValues: { ':pk': pk, ':prefix': 'AUDIT#', ...(type ? { ':type': type } : {}) },
          ScanIndexForward: false,
          Limit: limit,
          ...(startSk ? { ExclusiveStartKey: { pk, sk: startSk } } : {}),
        }),
      ),
    );
    return {
      items: (Items ?? []).map((item) => strip(item) as unknown as AuditEvent),
      nextCursor: LastEvaluatedKey ? encodeSkCursor(String(LastEvaluatedKey.sk)) : null,
    };
  }

  private async page<T>(
    key: { pk: string; skPrefix: string },
    limit: number,
    cursor: string | undefined,
    forward: boolean,
    map: (item: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const startSk = decodeSkCursor(cursor, key.skPrefix);
    const { Items, LastEvaluatedKey } = await guardDynamo('listing', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': key.pk, ':prefix': key.skPrefix },
          ScanIndexForward: forward,
          Limit: limit,
          ...(startSk ? { ExclusiveStartKey: { pk: key.pk, sk: startSk } } : {}),
        }),
      ),
    );
    return {
      items: (Items ?? []).map(map),
      nextCursor: LastEvaluatedKey ? encodeSkCursor(String(LastEvaluatedKey.sk)) : null,
    };
  }
}

/** A scope a caller may grant must be one it holds. */
export type { Scope };
