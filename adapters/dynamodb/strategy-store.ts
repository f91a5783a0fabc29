import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { outboxSk, strategyKeys, workKeys } from '../../core/store/keys.ts';
import type { Backtest } from '../../core/strategies/backtest-model.ts';
import { StrategyLimitError, StrategyVersionConflictError } from '../../core/strategies/errors.ts';
import type {
  Strategy,
  StrategyEventDetail,
  StrategyFailure,
  StrategyLogLine,
  StrategyRuntime,
  StrategyStats,
  StrategyVersion,
} from '../../core/strategies/model.ts';
import type { StrategyStore } from '../../core/strategies/ports.ts';
import { documentClient, resources } from '../aws.ts';
import { guardDynamo } from './errors.ts';

/** Strategy logs are kept this long, then expire by TTL. */
const LOG_RETENTION_SECONDS = 7 * 24 * 3600;
/** Backtests are kept this long. */
const BACKTEST_RETENTION_SECONDS = 30 * 24 * 3600;

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, entity: _e, gsi3pk: _g, gsi3sk: _s, expiresAt: _x, ...rest } = item;
  return rest as T;
}

function cancelled(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException || (error as Error).name === 'TransactionCanceledException'
  );
}

/** Strategies in the single table: the strategy item in the tenant partition, the rest in its own. */
export class DynamoStrategyStore implements StrategyStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  static fromEnvironment(): DynamoStrategyStore {
    return new DynamoStrategyStore(documentClient(), resources().tableName);
  }

  private strategyItem(s: Strategy): Record<string, unknown> {
    return {
      ...strategyKeys.strategy(s.tenantId, s.id),
      entity: 'strategy',
      ...s,
      // Sparse: only running strategies are on the host's list.
      ...(s.status === 'running'
        ? { gsi3pk: strategyKeys.runningPk(), gsi3sk: strategyKeys.runningSk(s.tenantId, s.id) }
        : {}),
    };
  }

  private versionPut(v: StrategyVersion, tenantId: string) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...strategyKeys.version(tenantId, v.strategyId, v.version), entity: 'strategyVersion', ...v },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private eventPut(e: StrategyEventDetail) {
    const key = ulid();
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...strategyKeys.event(e.tenantId, e.strategyId, key),
          entity: 'strategyEvent',
          gsi3pk: workKeys.outboxPk(workKeys.shardOf(key)),
          gsi3sk: outboxSk(e.at, e.strategyId, key),
          detailType: e.type,
          detail: e,
          tenantId: e.tenantId,
          at: e.at,
        },
      },
    };
  }

  async create(strategy: Strategy, version: StrategyVersion, maxPerTenant: number): Promise<void> {
    // A soft limit: two creates racing may both pass it, which costs one extra strategy at most.
    const { pk, skPrefix } = strategyKeys.strategyPrefix(strategy.tenantId);
    const { Count = 0 } = await guardDynamo('counting strategies', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
          Select: 'COUNT',
        }),
      ),
    );
    if (Count >= maxPerTenant) throw new StrategyLimitError(maxPerTenant);
    await guardDynamo('creating a strategy', () =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.strategyItem(strategy),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.versionPut(version, strategy.tenantId),
          ],
        }),
      ),
    );
  }

  async get(tenantId: string, id: string): Promise<Strategy | undefined> {
    const { Item } = await guardDynamo('reading a strategy', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: strategyKeys.strategy(tenantId, id),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<Strategy>(Item) : undefined;
  }

  async list(tenantId: string): Promise<Strategy[]> {
    const { pk, skPrefix } = strategyKeys.strategyPrefix(tenantId);
    return (await this.query(pk, skPrefix, true)).map((i) => strip<Strategy>(i));
  }

  async save(
    strategy: Strategy,
    expectedRev: number,
    extra: { version?: StrategyVersion; event?: StrategyEventDetail } = {},
  ): Promise<void> {
    const item = this.strategyItem(strategy);
    // Stats are added by the host between reads; keep the stored ones.
    const { stats: _stats, ...rest } = item;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':rev': expectedRev };
    const sets: string[] = [];
    Object.entries(rest).forEach(([key, value], i) => {
      if (key === 'pk' || key === 'sk') return;
      names[`#a${i}`] = key;
      values[`:v${i}`] = value;
      sets.push(`#a${i} = :v${i}`);
    });
    const removes = ['failure', 'gsi3pk', 'gsi3sk'].filter((k) => !(k in rest));
    removes.forEach((k, i) => (names[`#r${i}`] = k));
    const update = {
      Update: {
        TableName: this.tableName,
        Key: strategyKeys.strategy(strategy.tenantId, strategy.id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
    try {
      await guardDynamo('saving a strategy', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              update,
              ...(extra.version ? [this.versionPut(extra.version, strategy.tenantId)] : []),
              ...(extra.event ? [this.eventPut(extra.event)] : []),
            ],
          }),
        ),
      );
    } catch (error) {
      if (cancelled(error)) throw new StrategyVersionConflictError(strategy.id);
      throw error;
    }
  }

  async getVersion(tenantId: string, id: string, version: number): Promise<StrategyVersion | undefined> {
    const { Item } = await guardDynamo('reading a strategy version', () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: strategyKeys.version(tenantId, id, version) }),
      ),
    );
    return Item ? strip<StrategyVersion>(Item) : undefined;
  }

  async listVersions(tenantId: string, id: string): Promise<Array<{ version: number; createdAt: string }>> {
    const items = await this.query(strategyKeys.ownPk(tenantId, id), 'VERSION#', false, 'version, createdAt');
    return items.map((i) => ({ version: Number(i.version), createdAt: String(i.createdAt) }));
  }

  async runtime(tenantId: string, id: string): Promise<StrategyRuntime | undefined> {
    const { Item } = await guardDynamo('reading strategy state', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: strategyKeys.runtime(tenantId, id),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? strip<StrategyRuntime>(Item) : undefined;
  }

  async saveRuntime(
    tenantId: string,
    id: string,
    runtime: StrategyRuntime,
    stats: StrategyStats,
  ): Promise<boolean> {
    try {
      await guardDynamo('saving strategy state', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: strategyKeys.strategy(tenantId, id),
                  UpdateExpression: 'ADD stats.events :e, stats.orders :o, stats.cpuMs :c',
                  ConditionExpression: '#status = :running AND runId = :run',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':e': stats.events,
                    ':o': stats.orders,
                    ':c': Math.round(stats.cpuMs * 1000) / 1000,
                    ':running': 'running',
                    ':run': runtime.runId,
                  },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...strategyKeys.runtime(tenantId, id), entity: 'strategyRuntime', ...runtime },
                },
              },
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

  async fail(strategy: Strategy, failure: StrategyFailure, event: StrategyEventDetail): Promise<boolean> {
    try {
      await guardDynamo('failing a strategy', () =>
        this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: strategyKeys.strategy(strategy.tenantId, strategy.id),
                  UpdateExpression:
                    'SET #status = :failed, failure = :failure, updatedAt = :at, rev = rev + :one REMOVE gsi3pk, gsi3sk',
                  ConditionExpression: '#status = :running AND runId = :run',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':failed': 'failed',
                    ':failure': failure,
                    ':at': failure.at,
                    ':one': 1,
                    ':running': 'running',
                    ':run': strategy.runId,
                  },
                },
              },
              this.eventPut(event),
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

  async appendLogs(tenantId: string, id: string, lines: StrategyLogLine[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + LOG_RETENTION_SECONDS;
    for (let i = 0; i < lines.length; i += 25) {
      const chunk = lines.slice(i, i + 25);
      await guardDynamo('writing strategy logs', () =>
        this.doc.send(
          new BatchWriteCommand({
            RequestItems: {
              [this.tableName]: chunk.map((line) => ({
                PutRequest: {
                  Item: {
                    ...strategyKeys.log(tenantId, id, ulid()),
                    entity: 'strategyLog',
                    ...line,
                    expiresAt,
                  },
                },
              })),
            },
          }),
        ),
      );
    }
  }

  async logs(tenantId: string, id: string, limit: number): Promise<StrategyLogLine[]> {
    const { Items = [] } = await guardDynamo('reading strategy logs', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': strategyKeys.ownPk(tenantId, id), ':p': 'LOG#' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return Items.map((i) => ({
      at: String(i.at),
      level: i.level as StrategyLogLine['level'],
      message: String(i.message),
    }));
  }

  async running(): Promise<Array<{ tenantId: string; id: string }>> {
    const out: Array<{ tenantId: string; id: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guardDynamo('listing running strategies', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi3',
            KeyConditionExpression: 'gsi3pk = :pk',
            ExpressionAttributeValues: { ':pk': strategyKeys.runningPk() },
            ProjectionExpression: 'tenantId, id',
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const i of page.Items ?? []) out.push({ tenantId: String(i.tenantId), id: String(i.id) });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putBacktest(backtest: Backtest): Promise<void> {
    await guardDynamo('storing a backtest', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...strategyKeys.backtest(backtest.tenantId, backtest.id),
            entity: 'backtest',
            ...backtest,
            expiresAt: Math.floor(Date.parse(backtest.createdAt) / 1000) + BACKTEST_RETENTION_SECONDS,
          },
        }),
      ),
    );
  }

  async getBacktest(tenantId: string, id: string): Promise<Backtest | undefined> {
    const { Item } = await guardDynamo('reading a backtest', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: strategyKeys.backtest(tenantId, id) })),
    );
    return Item ? strip<Backtest>(Item) : undefined;
  }

  private async query(
    pk: string,
    skPrefix: string,
    consistent: boolean,
    projection?: string,
  ): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guardDynamo('querying strategies', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
            ConsistentRead: consistent,
            ExclusiveStartKey: start,
            ...(projection
              ? {
                  ProjectionExpression: projection.replace('version', '#v'),
                  ExpressionAttributeNames: { '#v': 'version' },
                }
              : {}),
          }),
        ),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
