/**
 * Optional persistence of the gateway's book (orders, executions, account, quotes, id counters)
 * to one JSON file, so that a gateway restarted on the same file carries on where it stopped,
 * as IB keeps GTC orders and the day's executions across a gateway restart.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Account } from './accounts.ts';
import { StateFileError } from './errors.ts';
import type { ExecutionRecord, OrderRecord } from './matching.ts';
import type { Quote } from './prices.ts';

/** Per client id order-id bookkeeping. */
export interface ClientIds {
  /** What nextValidId reports. */
  next: number;
  /** Highest order id ever used; new ids at or below it are duplicates. */
  max: number;
}

/** Everything the state file holds. */
export interface PersistedState {
  format: 1;
  savedAt: string;
  nextPermId: number;
  execSeq: number;
  clientIds: Record<string, ClientIds>;
  orders: OrderRecord[];
  executions: ExecutionRecord[];
  account: ReturnType<Account['toJSON']>;
  quotes: Quote[];
}

/** Reads a state file; a missing file is no state, a damaged one is a StateFileError. */
export function loadState(path: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read state file ${path}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`state file ${path} is not JSON`, { cause: error });
  }
  const state = data as Partial<PersistedState>;
  if (
    state.format !== 1 ||
    !Array.isArray(state.orders) ||
    !Array.isArray(state.executions) ||
    !state.account
  ) {
    throw new StateFileError(`state file ${path} has an unknown format`);
  }
  return state as PersistedState;
}

/** Writes the state atomically (temporary file, then rename). */
export function saveState(path: string, state: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}
