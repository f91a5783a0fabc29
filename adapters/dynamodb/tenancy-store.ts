import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { systemKeys, tenancyKeys } from '../../core/store/keys.ts';
import type { Scope } from '../../core/access/caller.ts';
import { TenantNotFoundError } from '../../core/tenancy/errors.ts';
import { ConflictError } from '../../core/errors.ts';
import type { Page, StoredApiKey, Tenant, TenantUser } from '../../core/tenancy/model.ts';
import { documentClient, resources } from '../aws.ts';
import { decodeSkCursor, encodeSkCursor, guardDynamo, isConditionFailure } from './errors.ts';
import { strip, TenantScope } from './tenant-scope.ts';

export { TenantScope };

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

  /**
   * Creates a tenant and its first admin's directory entry in one transaction (both or neither);
   * a conflict if the id exists. The tenant joins the operator's registry (GSI1).
   */
  async createTenant(tenant: Tenant, admin: TenantUser): Promise<void> {
    try {
      await guardDynamo('creating a tenant', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...tenancyKeys.tenant(tenant.id),
                    entity: 'tenant',
                    gsi1pk: systemKeys.tenantRegistry(),
                    gsi1sk: `${tenant.createdAt}#${tenant.id}`,
                    ...tenant,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...tenancyKeys.user(tenant.id, admin.username), entity: 'user', ...admin },
                },
              },
            ],
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error) || error instanceof TransactionCanceledException)
        throw new ConflictError('TENANT_EXISTS', `Tenant ${tenant.id} exists`, { id: tenant.id });
      throw error;
    }
  }

  /** The tenant, or undefined. */
  async findTenant(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await guardDynamo('reading a tenant', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: tenancyKeys.tenant(tenantId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? (strip(Item) as unknown as Tenant) : undefined;
  }

  /** A tenant and one of its users in one consistent read (what the authorizer needs per request). */
  async findTenantAndUser(
    tenantId: string,
    username: string,
  ): Promise<{ tenant: Tenant | undefined; user: TenantUser | undefined }> {
    const keys = [tenancyKeys.tenant(tenantId), tenancyKeys.user(tenantId, username.toLowerCase())];
    const { Responses, UnprocessedKeys } = await guardDynamo('reading a tenant and a user', () =>
      this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      ),
    );
    // Throttled keys come back unprocessed: read them one by one rather than retry the batch.
    if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0) {
      const [tenant, user] = await Promise.all([
        this.findTenant(tenantId),
        this.findUser(tenantId, username),
      ]);
      return { tenant, user };
    }
    const items = Responses?.[this.tableName] ?? [];
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
    const { Item } = await guardDynamo('reading a user', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: tenancyKeys.user(tenantId, username.toLowerCase()),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? (strip(Item) as unknown as TenantUser) : undefined;
  }

  /** Every tenant, oldest first, for the platform operator. */
  async listTenants(limit: number, cursor?: string): Promise<Page<Tenant>> {
    const pk = systemKeys.tenantRegistry();
    const start = await decodeSkCursor(cursor, '', pk);
    const { Items, LastEvaluatedKey } = await guardDynamo('listing tenants', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          Limit: limit,
          ...(start
            ? {
                ExclusiveStartKey: {
                  gsi1pk: pk,
                  gsi1sk: start,
                  ...tenancyKeys.tenant(start.slice(start.lastIndexOf('#') + 1)),
                },
              }
            : {}),
        }),
      ),
    );
    const items = (Items ?? []).map((item) => strip(item) as unknown as Tenant);
    return {
      items,
      nextCursor: LastEvaluatedKey ? await encodeSkCursor(String(LastEvaluatedKey.gsi1sk), pk) : null,
    };
  }

  /** Sets a tenant's status; 404 when there is no such tenant. */
  async setTenantStatus(tenantId: string, status: Tenant['status'], now: Date): Promise<Tenant> {
    try {
      const { Attributes } = await guardDynamo('updating a tenant', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: tenancyKeys.tenant(tenantId),
            UpdateExpression: 'SET #status = :status, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return strip(Attributes ?? {}) as unknown as Tenant;
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

/** A scope a caller may grant must be one it holds. */
export type { Scope };
