import { ulid } from 'ulid';
import { strategyKeys } from '../../core/store/keys.ts';
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
import { eventPut, saveUpdate, strategyItem, strip, versionPut } from './strategy-items.ts';
import { TableStore, type Query } from './table.ts';

/** Strategy logs are kept this long, then expire by TTL. */
const LOG_RETENTION_SECONDS = 7 * 24 * 3600;
/** Backtests are kept this long. */
const BACKTEST_RETENTION_SECONDS = 30 * 24 * 3600;

const underPrefix = (pk: string, prefix: string): Query => ({
  key: 'pk = :pk AND begins_with(sk, :p)',
  values: { ':pk': pk, ':p': prefix },
});

/** Strategies in the single table: the strategy item in the tenant partition, the rest in its own. */
export class DynamoStrategyStore extends TableStore implements StrategyStore {
  async create(strategy: Strategy, version: StrategyVersion, maxPerTenant: number): Promise<void> {
    // A soft limit: two creates racing may both pass it, which costs one extra strategy at most.
    const { pk, skPrefix } = strategyKeys.strategyPrefix(strategy.tenantId);
    const count = await this.table.count(underPrefix(pk, skPrefix), 'counting strategies');
    if (count >= maxPerTenant) throw new StrategyLimitError(maxPerTenant);
    const failed = await this.table.transact(
      [
        this.table.putItem(strategyItem(strategy), { condition: 'attribute_not_exists(pk)' }, 'strategy'),
        versionPut(this.table, version, strategy.tenantId),
      ],
      'creating a strategy',
    );
    if (failed) throw new StrategyVersionConflictError(strategy.id);
  }

  async get(tenantId: string, id: string): Promise<Strategy | undefined> {
    const item = await this.table.get(strategyKeys.strategy(tenantId, id), 'reading a strategy');
    return item ? strip<Strategy>(item) : undefined;
  }

  async list(tenantId: string): Promise<Strategy[]> {
    const { pk, skPrefix } = strategyKeys.strategyPrefix(tenantId);
    const items = await this.table.queryAll(
      { ...underPrefix(pk, skPrefix), consistent: true },
      'listing strategies',
    );
    return items.map((i) => strip<Strategy>(i));
  }

  async save(
    strategy: Strategy,
    expectedRev: number,
    extra: { version?: StrategyVersion; event?: StrategyEventDetail } = {},
  ): Promise<void> {
    const failed = await this.table.transact(
      [
        saveUpdate(this.table, strategy, expectedRev),
        ...(extra.version ? [versionPut(this.table, extra.version, strategy.tenantId)] : []),
        ...(extra.event ? [eventPut(this.table, extra.event)] : []),
      ],
      'saving a strategy',
    );
    if (failed) throw new StrategyVersionConflictError(strategy.id);
  }

  async getVersion(tenantId: string, id: string, version: number): Promise<StrategyVersion | undefined> {
    const item = await this.table.get(
      strategyKeys.version(tenantId, id, version),
      'reading a strategy version',
      false,
    );
    return item ? strip<StrategyVersion>(item) : undefined;
  }

  async listVersions(tenantId: string, id: string): Promise<Array<{ version: number; createdAt: string }>> {
    const items = await this.table.queryAll(
      {
        ...underPrefix(strategyKeys.ownPk(tenantId, id), strategyKeys.versionPrefix),
        projection: '#v, createdAt',
        names: { '#v': 'version' },
      },
      'listing strategy versions',
    );
    return items.map((i) => ({ version: Number(i.version), createdAt: String(i.createdAt) }));
  }

  async runtime(tenantId: string, id: string): Promise<StrategyRuntime | undefined> {
    const item = await this.table.get(strategyKeys.runtime(tenantId, id), 'reading strategy state');
    return item ? strip<StrategyRuntime>(item) : undefined;
  }

  async saveRuntime(
    tenantId: string,
    id: string,
    runtime: StrategyRuntime,
    stats: StrategyStats,
  ): Promise<boolean> {
    const failed = await this.table.transact(
      [
        this.table.updateItem(
          strategyKeys.strategy(tenantId, id),
          'ADD stats.events :e, stats.orders :o, stats.cpuMs :c',
          {
            condition: '#status = :running AND runId = :run',
            names: { '#status': 'status' },
            values: {
              ':e': stats.events,
              ':o': stats.orders,
              ':c': Math.round(stats.cpuMs * 1000) / 1000,
              ':running': 'running',
              ':run': runtime.runId,
            },
          },
          'same run',
        ),
        this.table.putItem({ ...strategyKeys.runtime(tenantId, id), entity: 'strategyRuntime', ...runtime }),
      ],
      'saving strategy state',
    );
    return failed === undefined;
  }

  async fail(strategy: Strategy, failure: StrategyFailure, event: StrategyEventDetail): Promise<boolean> {
    const failed = await this.table.transact(
      [
        this.table.updateItem(
          strategyKeys.strategy(strategy.tenantId, strategy.id),
          'SET #status = :failed, failure = :failure, updatedAt = :at, rev = rev + :one REMOVE gsi3pk, gsi3sk',
          {
            condition: '#status = :running AND runId = :run',
            names: { '#status': 'status' },
            values: {
              ':failed': 'failed',
              ':failure': failure,
              ':at': failure.at,
              ':one': 1,
              ':running': 'running',
              ':run': strategy.runId,
            },
          },
          'same run',
        ),
        eventPut(this.table, event),
      ],
      'failing a strategy',
    );
    return failed === undefined;
  }

  async appendLogs(tenantId: string, id: string, lines: StrategyLogLine[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + LOG_RETENTION_SECONDS;
    await this.table.putMany(
      lines.map((line) => ({
        ...strategyKeys.log(tenantId, id, ulid()),
        entity: 'strategyLog',
        ...line,
        expiresAt,
      })),
      'writing strategy logs',
    );
  }

  async logs(tenantId: string, id: string, limit: number): Promise<StrategyLogLine[]> {
    const { items } = await this.table.query(
      { ...underPrefix(strategyKeys.ownPk(tenantId, id), strategyKeys.logPrefix), forward: false, limit },
      'reading strategy logs',
    );
    return items.map((i) => ({
      at: String(i.at),
      level: i.level as StrategyLogLine['level'],
      message: String(i.message),
    }));
  }

  async running(): Promise<Array<{ tenantId: string; id: string }>> {
    const items = await this.table.queryAll(
      {
        index: 'gsi3',
        key: 'gsi3pk = :pk',
        values: { ':pk': strategyKeys.runningPk() },
        projection: 'tenantId, id',
      },
      'listing running strategies',
    );
    return items.map((i) => ({ tenantId: String(i.tenantId), id: String(i.id) }));
  }

  async putBacktest(backtest: Backtest): Promise<void> {
    await this.table.put(
      {
        ...strategyKeys.backtest(backtest.tenantId, backtest.id),
        entity: 'backtest',
        ...backtest,
        expiresAt: Math.floor(Date.parse(backtest.createdAt) / 1000) + BACKTEST_RETENTION_SECONDS,
      },
      'storing a backtest',
    );
  }

  async getBacktest(tenantId: string, id: string): Promise<Backtest | undefined> {
    const item = await this.table.get(strategyKeys.backtest(tenantId, id), 'reading a backtest', false);
    return item ? strip<Backtest>(item) : undefined;
  }
}
