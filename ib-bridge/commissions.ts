/**
 * Pairs each commissionReport with its execution at the connection edge, so a fill is applied
 * with its commission in one write. IB sends the commission right after its execution: it joins
 * the execution while that waits for its order's turn. One that comes later (the fill is being
 * or was applied), or before its execution, waits here until it can be charged on its own.
 */
import type { ExecutionReport } from '../core/bridge/apply.ts';
import type { Dec } from '../core/money.ts';

/** Unpaired commissions kept at most (foreign executions' commissions are never claimed). */
const MAX_WAITING = 20_000;

export class CommissionJoiner {
  /** Executions received and not yet taken for applying, by execId. */
  readonly #executions = new Map<string, ExecutionReport>();
  /** Commissions whose execution is not waiting here. */
  readonly #waiting = new Map<string, Dec>();

  /** An execution arrived; the same execId again (a replay) shares the first one's commission. */
  execution(report: ExecutionReport): void {
    const known = this.#executions.get(report.execId);
    if (known) {
      if (known.commission !== undefined && report.commission === undefined)
        report.commission = known.commission;
      return;
    }
    this.#executions.set(report.execId, report);
  }

  /** A commission arrived: true if it joined its waiting execution, false if it waits on its own. */
  commission(execId: string, commission: Dec): boolean {
    const execution = this.#executions.get(execId);
    if (execution) {
      execution.commission = commission;
      return true;
    }
    this.#waiting.set(execId, commission);
    if (this.#waiting.size > MAX_WAITING) {
      const oldest = this.#waiting.keys().next().value;
      if (oldest !== undefined) this.#waiting.delete(oldest);
    }
    return false;
  }

  /** The execution goes to be applied: its commission, if one has come. */
  take(execId: string): Dec | undefined {
    const execution = this.#executions.get(execId);
    this.#executions.delete(execId);
    return execution?.commission ?? this.takeWaiting(execId);
  }

  /** Applying failed: the commission waits for the retry. */
  giveBack(execId: string, commission: Dec | undefined): void {
    if (commission !== undefined) this.#waiting.set(execId, commission);
  }

  /** An execution with no order of ours: nothing will take it. */
  drop(execId: string): void {
    this.#executions.delete(execId);
  }

  /** A commission waiting on its own. */
  takeWaiting(execId: string): Dec | undefined {
    const commission = this.#waiting.get(execId);
    this.#waiting.delete(execId);
    return commission;
  }
}
