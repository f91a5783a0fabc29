/** Messages between the strategy host and a tenant's sandbox process (Node IPC, JSON). */
import type { CallbackInput, CallbackLimits, CallbackResult } from '../core/strategies/callbacks.ts';

export type ToWorker =
  | { type: 'load'; id: number; key: string; compiled: string; limits: CallbackLimits }
  | { type: 'call'; id: number; key: string; input: CallbackInput }
  | { type: 'unload'; id: number; key: string }
  | { type: 'memory'; id: number };

export interface WorkerMemory {
  rss: number;
  heapUsed: number;
  /** WebAssembly memory of every loaded strategy. */
  wasm: number;
  strategies: number;
}

export type FromWorker =
  | { type: 'loaded'; id: number; failure?: { code: string; detail: string } }
  | { type: 'result'; id: number; result: CallbackResult }
  | { type: 'unloaded'; id: number }
  | { type: 'memory'; id: number; memory: WorkerMemory };
