/**
 * The strategy store's items: how a strategy, a version and a strategy.* event are written, and
 * the update that saves a strategy under its revision.
 */
import { strategyKeys } from '../../core/store/keys.ts';
import type { Strategy, StrategyEventDetail, StrategyVersion } from '../../core/strategies/model.ts';
import type { GuardedItem } from './toolkit.ts';
import { outboxNotice, type Item, type Table } from './table.ts';

/** An item without its keys and bookkeeping attributes. */
export function strip<T>(item: Item): T {
  const { pk: _pk, sk: _sk, entity: _e, gsi3pk: _g, gsi3sk: _s, expiresAt: _x, ...rest } = item;
  return rest as T;
}

export function strategyItem(s: Strategy): Item {
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

export function versionPut(table: Table, v: StrategyVersion, tenantId: string): GuardedItem {
  return table.putItem(
    { ...strategyKeys.version(tenantId, v.strategyId, v.version), entity: 'strategyVersion', ...v },
    { condition: 'attribute_not_exists(pk)' },
    'version',
  );
}

export function eventPut(table: Table, e: StrategyEventDetail): GuardedItem {
  return table.putItem(
    outboxNotice('strategyEvent', e.strategyId, e, (id) => strategyKeys.event(e.tenantId, e.strategyId, id)),
  );
}

/**
 * Writes every attribute of the strategy but its stats (the host adds to those between reads)
 * if the stored revision is `expectedRev`; attributes the strategy no longer has are removed.
 */
export function saveUpdate(table: Table, strategy: Strategy, expectedRev: number): GuardedItem {
  const { stats: _stats, ...rest } = strategyItem(strategy);
  const names: Record<string, string> = {};
  const values: Item = { ':rev': expectedRev };
  const sets: string[] = [];
  Object.entries(rest).forEach(([key, value], i) => {
    if (key === 'pk' || key === 'sk') return;
    names[`#a${i}`] = key;
    values[`:v${i}`] = value;
    sets.push(`#a${i} = :v${i}`);
  });
  const removes = ['failure', 'gsi3pk', 'gsi3sk'].filter((k) => !(k in rest));
  removes.forEach((k, i) => (names[`#r${i}`] = k));
  const remove = removes.length ? ` REMOVE ${removes.map((_, i) => `#r${i}`).join(', ')}` : '';
  return table.updateItem(
    strategyKeys.strategy(strategy.tenantId, strategy.id),
    `SET ${sets.join(', ')}${remove}`,
    { condition: 'rev = :rev', names, values },
    'revision',
  );
}
