import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { planAccountClaims } from '../../core/connections/claims.ts';
import {
  connectionEventDetail,
  type Account,
  type Connection,
  type RuntimePatch,
} from '../../core/connections/model.ts';
import type { ConnectionStore } from '../../core/connections/ports.ts';
import { accountKeys, connectionKeys, outboxSk, workKeys } from '../../core/store/keys.ts';
import { env } from '../../core/topology.ts';
import { requiredEnv } from '../aws.ts';
import { asDocumentClient, documentClient } from './document-client.ts';
import { DependencyError } from '../../core/errors.ts';
import { guardDynamo, isConditionFailure } from './errors.ts';

type Item = Record<string, unknown>;

const BOOKKEEPING = ['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

function strip<T>(item: Item): T {
  const copy: Item = { ...item };
  for (const name of BOOKKEEPING) delete copy[name];
  return copy as T;
}

function cancelled(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException || (error as Error).name === 'TransactionCanceledException'
  );
}

type ConnectionEventType = 'connection.created' | 'connection.updated' | 'connection.deleted';

/** Connections, accounts and tenants' default accounts in the single table (see core/store/keys.ts). */
export class DynamoConnectionStore implements ConnectionStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  private readonly now: () => Date;

  constructor(
    client: DynamoDBClient | DynamoDBDocumentClient,
    tableName: string,
    now: () => Date = () => new Date(),
  ) {
    this.doc = asDocumentClient(client);
    this.tableName = tableName;
    this.now = now;
  }

  /** The store of the runtime's table (bridges have no orders queue URL, so only the table is read). */
  static fromEnvironment(): DynamoConnectionStore {
    return new DynamoConnectionStore(documentClient(), requiredEnv(env.tableName));
  }

  private connectionItem(c: Connection): Item {
    return {
      ...connectionKeys.connection(c.connectionId),
      entity: 'connection',
      gsi1pk: c.ownerTenantId === null ? connectionKeys.sharedPk() : connectionKeys.ownedPk(c.ownerTenantId),
      gsi1sk: `${c.createdAt}#${c.connectionId}`,
      gsi2pk: connectionKeys.allPk(),
      gsi2sk: c.connectionId,
      ...c,
    };
  }

  private accountItem(a: Account): Item {
    return {
      ...accountKeys.account(a.accountId),
      entity: 'account',
      ...(a.tenantId === null ? {} : { gsi1pk: accountKeys.ownedPk(a.tenantId), gsi1sk: a.accountId }),
      ...a,
    };
  }

  /** The outbox item of one connection.* event (the drainer publishes it to the bus). */
  private eventPut(type: ConnectionEventType, c: Connection, at: string) {
    const eventId = ulid();
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...connectionKeys.event(c.connectionId, eventId),
          entity: 'connectionEvent',
          gsi3pk: workKeys.outboxPk(workKeys.shardOf(eventId)),
          gsi3sk: outboxSk(at, c.connectionId, eventId),
          detailType: type,
          detail: connectionEventDetail(c, at),
          at,
        },
      },
    };
  }

  private async queryAll(what: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await guardDynamo(what, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            ...input,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async get(connectionId: string): Promise<Connection | undefined> {
    const { Item } = await guardDynamo('reading a connection', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: connectionKeys.connection(connectionId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<Connection>(Item) : undefined;
  }

  async listAll(): Promise<Connection[]> {
    const items = await this.queryAll('listing connections', {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': connectionKeys.allPk() },
    });
    return items.map((i) => strip<Connection>(i));
  }

  async reportRuntime(connectionId: string, patch: RuntimePatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await this.tryReportRuntime(connectionId, patch)) return;
      // Another report changed the status first: report again against what is there now.
      if (attempt >= 5)
        throw new DependencyError(`Connection ${connectionId}: its status kept changing under the report`);
    }
  }

  private async tryReportRuntime(connectionId: string, patch: RuntimePatch): Promise<boolean> {
    const at = this.now().toISOString();
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Item = { ':updatedAt': at };
    const sets = ['#updatedAt = :updatedAt'];
    for (const [name, value] of fields) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    const update = (condition: string, extra: Item) => ({
      TableName: this.tableName,
      Key: connectionKeys.connection(connectionId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { ...names, ...(extra[':was'] === undefined ? {} : { '#status': 'status' }) },
      ExpressionAttributeValues: { ...values, ...extra },
    });
    const before = patch.status === undefined ? undefined : await this.get(connectionId);
    if (!before) {
      try {
        await guardDynamo('reporting a connection', () =>
          this.doc.send(new UpdateCommand(update('attribute_exists(pk)', {}))),
        );
      } catch (error) {
        // A connection deleted under a running bridge: nothing to report on.
        if (!isConditionFailure(error)) throw error;
      }
      return true;
    }
    if (before.status === patch.status) {
      // Conditional on the status read: a change written meanwhile (a stopping bridge's
      // 'disconnected') is not overwritten by a report decided before it.
      try {
        await guardDynamo('reporting a connection', () =>
          this.doc.send(new UpdateCommand(update('#status = :was', { ':was': before.status }))),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    }
    // A status change is an event, written with the change so neither exists without the other.
    const after: Connection = { ...before, ...(patch as Partial<Connection>), updatedAt: at };
    try {
      await guardDynamo('reporting a connection status', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update('#status = :was', { ':was': before.status }) },
              this.eventPut('connection.updated', after, at),
            ],
          }),
        ),
      );
      return true;
    } catch (error) {
      if (cancelled(error)) return false;
      throw error;
    }
  }

  async reportManagedAccounts(connectionId: string, reported: string[]): Promise<{ conflicts: string[] }> {
    const connection = await this.get(connectionId);
    if (!connection) return { conflicts: [] };
    const unique = [...new Set(reported)];
    const existing = new Map((await this.getAccounts(unique)).map((a) => [a.accountId, a]));
    const owner = connection.ownerTenantId;
    const hasDefault = owner === null ? true : (await this.getDefaultAccount(owner)) !== undefined;
    const plan = planAccountClaims(connection, unique, existing, hasDefault);
    const conflicts = [...plan.conflicts];
    for (const claim of plan.claims) {
      try {
        await guardDynamo('claiming an account', () =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: this.accountItem(claim),
              ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :null',
              ExpressionAttributeValues: { ':null': null },
            }),
          ),
        );
      } catch (error) {
        // Taken by another tenant since it was read: it stays theirs.
        if (!isConditionFailure(error)) throw error;
        conflicts.push(claim.accountId);
      }
    }
    for (const registration of plan.registrations) {
      await this.putIfAbsent(this.accountItem(registration), 'registering an account');
    }
    if (owner !== null && plan.defaultAccount !== undefined && !conflicts.includes(plan.defaultAccount)) {
      await this.putIfAbsent(
        { ...accountKeys.tenantDefault(owner), entity: 'accountDefault', accountId: plan.defaultAccount },
        'choosing a default account',
      );
    }
    if (plan.accounts.join(' ') !== connection.accounts.join(' '))
      await this.setAccounts(connection, plan.accounts);
    return { conflicts };
  }

  private async setAccounts(connection: Connection, accounts: string[]): Promise<void> {
    const at = this.now().toISOString();
    try {
      await guardDynamo('recording a connection’s accounts', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: connectionKeys.connection(connection.connectionId),
                  UpdateExpression: 'SET accounts = :accounts, updatedAt = :at',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':accounts': accounts, ':at': at },
                },
              },
              this.eventPut('connection.updated', { ...connection, accounts }, at),
            ],
          }),
        ),
      );
    } catch (error) {
      if (!cancelled(error)) throw error;
    }
  }

  private async putIfAbsent(item: Item, what: string): Promise<boolean> {
    try {
      await guardDynamo(what, () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  private async getAccounts(accountIds: string[]): Promise<Account[]> {
    const out: Account[] = [];
    for (let i = 0; i < accountIds.length; i += 100) {
      let keys: Item[] = accountIds.slice(i, i + 100).map((a) => ({ ...accountKeys.account(a) }));
      while (keys.length > 0) {
        const batch = keys;
        const { Responses, UnprocessedKeys } = await guardDynamo('reading accounts', () =>
          this.doc.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: batch, ConsistentRead: true } },
            }),
          ),
        );
        out.push(...(Responses?.[this.tableName] ?? []).map((item) => strip<Account>(item)));
        keys = (UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined) ?? [];
      }
    }
    return out;
  }

  async create(connection: Connection): Promise<boolean> {
    try {
      await guardDynamo('creating a connection', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: this.connectionItem(connection),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              this.eventPut('connection.created', connection, connection.createdAt),
            ],
          }),
        ),
      );
      return true;
    } catch (error) {
      if (cancelled(error)) return false;
      throw error;
    }
  }

  async listOwned(tenantId: string): Promise<Connection[]> {
    return this.listIndex(connectionKeys.ownedPk(tenantId));
  }

  async listShared(): Promise<Connection[]> {
    return this.listIndex(connectionKeys.sharedPk());
  }

  private async listIndex(pk: string): Promise<Connection[]> {
    const items = await this.queryAll('listing connections', {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
    return items.map((i) => strip<Connection>(i));
  }

  async remove(connection: Connection, at: string): Promise<void> {
    await guardDynamo('deleting a connection', () =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: { TableName: this.tableName, Key: connectionKeys.connection(connection.connectionId) },
            },
            this.eventPut('connection.deleted', connection, at),
          ],
        }),
      ),
    );
    // Its accounts are released, so a new connection to the same login can claim them again.
    for (const account of await this.getAccounts(connection.accounts)) {
      if (account.connectionId !== connection.connectionId) continue;
      await this.deleteIf(accountKeys.account(account.accountId), 'connectionId = :c', {
        ':c': connection.connectionId,
      });
      if (account.tenantId !== null)
        await this.releaseDefault(account.tenantId, account.accountId, new Set(connection.accounts));
    }
  }

  /** Drops a default that named a released account; another account of the tenant takes its place. */
  private async releaseDefault(tenantId: string, accountId: string, released: Set<string>): Promise<void> {
    await this.deleteIf(accountKeys.tenantDefault(tenantId), 'accountId = :a', { ':a': accountId });
    // The index may still list the released accounts for a moment: they are never candidates.
    const [next] = (await this.listAccounts(tenantId))
      .filter((a) => !released.has(a.accountId))
      .sort((x, y) => x.accountId.localeCompare(y.accountId));
    if (next)
      await this.putIfAbsent(
        { ...accountKeys.tenantDefault(tenantId), entity: 'accountDefault', accountId: next.accountId },
        'choosing a default account',
      );
  }

  private async deleteIf(key: { pk: string; sk: string }, condition: string, values: Item): Promise<void> {
    try {
      await guardDynamo('releasing an account', () =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: key,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getAccount(accountId: string): Promise<Account | undefined> {
    const { Item } = await guardDynamo('reading an account', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: accountKeys.account(accountId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<Account>(Item) : undefined;
  }

  async listAccounts(tenantId: string): Promise<Account[]> {
    const items = await this.queryAll('listing accounts', {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': accountKeys.ownedPk(tenantId) },
    });
    return items.map((i) => strip<Account>(i)).filter((a) => a.tenantId === tenantId);
  }

  async getDefaultAccount(tenantId: string): Promise<string | undefined> {
    const { Item } = await guardDynamo('reading the default account', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: accountKeys.tenantDefault(tenantId),
          ConsistentRead: true,
        }),
      ),
    );
    return typeof Item?.accountId === 'string' ? Item.accountId : undefined;
  }

  async setDefaultAccount(tenantId: string, accountId: string): Promise<void> {
    await guardDynamo('setting the default account', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...accountKeys.tenantDefault(tenantId), entity: 'accountDefault', accountId },
        }),
      ),
    );
  }

  async assignAccount(accountId: string, connectionId: string, tenantId: string): Promise<boolean> {
    try {
      await guardDynamo('assigning an account', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: accountKeys.account(accountId),
            UpdateExpression: 'SET tenantId = :t, gsi1pk = :pk, gsi1sk = :a',
            ConditionExpression: 'connectionId = :c AND tenantId = :null',
            ExpressionAttributeValues: {
              ':t': tenantId,
              ':pk': accountKeys.ownedPk(tenantId),
              ':a': accountId,
              ':c': connectionId,
              ':null': null,
            },
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.putIfAbsent(
      { ...accountKeys.tenantDefault(tenantId), entity: 'accountDefault', accountId },
      'choosing a default account',
    );
    return true;
  }
}
