/**
 * Fills and commissions: core decides what an execution changes (applyExecution), the store
 * writes it exactly once by execId. Fills of one position take its lock, so two orders of one
 * symbol never race on it; positions are cached between fills and re-read after a conflict.
 */
import { positionSymbolOf } from '../core/instruments/identity.ts';
import type { MetricsPort } from '../adapters/metrics/index.ts';
import { applyCommissionReport, applyExecution, type ExecutionReport } from '../core/bridge/apply.ts';
import { PositionVersionConflictError } from '../core/bridge/errors.ts';
import type { Dec } from '../core/money.ts';
import type { Order } from '../core/orders/order.ts';
import type { Position } from '../core/positions/position.ts';
import type { CommissionJoiner } from './commissions.ts';
import { KeyedMutex } from './keyed.ts';
import type { Mailbox } from './mailbox.ts';
import type { ExecutionStore, RouterStats } from './ports.ts';

/** Execution ids applied in this process, kept at most (the store's guard is what counts). */
const APPLIED_KEPT = 100_000;

export interface FillDeskDeps {
  store: Pick<ExecutionStore, 'getPosition' | 'getFill' | 'commitFill' | 'commitCommission'>;
  joiner: CommissionJoiner;
  stats: RouterStats;
  now: () => string;
  committed: () => void;
  metrics?: MetricsPort;
}

export class FillDesk {
  readonly #d: FillDeskDeps;
  readonly #applied = new Set<string>();
  readonly #positions = new Map<string, Position>();
  readonly #locks = new KeyedMutex();

  constructor(deps: FillDeskDeps) {
    this.#d = deps;
  }

  /** Cached positions are stale (a conflict): read them again. */
  forgetPositions(): void {
    this.#positions.clear();
  }

  async #position(key: string, tenantId: string, account: string, symbol: string) {
    const cached = this.#positions.get(key);
    if (cached) return cached;
    const stored = await this.#d.store.getPosition(tenantId, account, symbol);
    if (stored) this.#positions.set(key, stored);
    return stored;
  }

  /** Applies an execution of the mailbox's order (with its commission when it came with it). */
  async fill(box: Mailbox, order: Order, exec: ExecutionReport, receivedAt?: number): Promise<void> {
    const { stats } = this.#d;
    const commission = this.#d.joiner.take(exec.execId);
    if (this.#applied.has(exec.execId)) {
      stats.duplicateFills++;
      if (commission !== undefined) await this.commission(box, exec.execId, commission);
      return;
    }
    const symbol = positionSymbolOf(order);
    const key = `${order.tenantId}|${exec.account}|${symbol}`;
    const written = await this.#locks.run(key, async () => {
      const position = await this.#position(key, order.tenantId, exec.account, symbol);
      const { commission: _unpaired, ...execution } = exec;
      const report: ExecutionReport = commission !== undefined ? { ...execution, commission } : execution;
      const outcome = applyExecution(order, position, report, this.#d.now(), box.route.clientId);
      try {
        const result = await this.#d.store.commitFill(outcome);
        this.#remember(exec.execId);
        if (result === 'duplicate') return false;
        box.order = outcome.order;
        this.#positions.set(key, outcome.position);
        return true;
      } catch (error) {
        if (error instanceof PositionVersionConflictError) this.#positions.delete(key);
        this.#d.joiner.giveBack(exec.execId, commission);
        throw error;
      }
    });
    if (!written) {
      stats.duplicateFills++;
      // Applied before without it (a replay): the commission on its own, if not charged yet.
      if (commission !== undefined) await this.commission(box, exec.execId, commission);
      return;
    }
    stats.fills++;
    this.#d.metrics?.count('fills');
    if (receivedAt !== undefined)
      this.#d.metrics?.observe('fillToEvent', (performance.now() - receivedAt) / 1000);
    if (commission !== undefined) stats.commissions++;
    this.#d.committed();
  }

  /** Charges a commission on its own; it waits again if its fill is not applied yet. */
  async commission(box: Mailbox, execId: string, commission: Dec): Promise<void> {
    const fill = await this.#d.store.getFill(box.route.tenantId, execId);
    if (!fill) {
      this.#d.joiner.giveBack(execId, commission);
      return;
    }
    if (fill.commission !== undefined) return;
    const key = `${fill.tenantId}|${fill.account}|${fill.symbol}`;
    await this.#locks.run(key, async () => {
      const position = await this.#position(key, fill.tenantId, fill.account, fill.symbol);
      const outcome = applyCommissionReport(fill, position, commission, this.#d.now());
      if (!outcome) return;
      try {
        const result = await this.#d.store.commitCommission(outcome);
        if (result === 'no-fill') this.#d.joiner.giveBack(execId, commission);
        if (result !== 'written') return;
        this.#d.stats.commissions++;
        this.#positions.set(key, outcome.position);
        this.#d.committed();
      } catch (error) {
        if (error instanceof PositionVersionConflictError) this.#positions.delete(key);
        throw error;
      }
    });
  }

  #remember(execId: string): void {
    this.#applied.add(execId);
    if (this.#applied.size > APPLIED_KEPT) {
      // Sets iterate in insertion order: drop the oldest half.
      let n = 0;
      for (const id of this.#applied) {
        this.#applied.delete(id);
        if (++n > APPLIED_KEPT / 2) break;
      }
    }
  }
}
