/**
 * The host's side of one tenant's sandbox process: forked on first use, one request at a time
 * per message id. A process that dies (or stops answering) fails the callback it was running and
 * is forked again on the next request; the strategies it held are loaded again by the host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  FAILURES,
  type CallbackInput,
  type CallbackLimits,
  type CallbackResult,
} from '../core/strategies/callbacks.ts';
import type { FromWorker, ToWorker, WorkerMemory } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** A distributive Omit, so each message keeps its own fields. */
type Request = ToWorker extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export interface TenantProcessOptions {
  /** V8 heap cap of the sandbox process (WebAssembly memory is capped per strategy). */
  maxOldSpaceMb?: number;
  /** Answer deadline of one request; past it the process is killed. */
  requestTimeoutMs?: number;
  onExit?: (tenantId: string, code: number | null, signal: string | null) => void;
}

export class TenantProcess {
  readonly tenantId: string;
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (m: FromWorker) => void; reject: (e: Error) => void }
  >();
  private readonly options: TenantProcessOptions;
  /** Bumped each time a new process is forked, so the host knows its strategies must be loaded again. */
  generation = 0;

  constructor(tenantId: string, options: TenantProcessOptions = {}) {
    this.tenantId = tenantId;
    this.options = options;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private ensure(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    this.generation++;
    const child = fork(WORKER, [], {
      execArgv: [`--max-old-space-size=${this.options.maxOldSpaceMb ?? 128}`],
      // The sandbox process gets no credentials or endpoints: only what Node needs to run.
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.on('message', (message: FromWorker) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      waiter.resolve(message);
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new Error(`the sandbox process exited (${signal ?? code})`));
      }
      this.options.onExit?.(this.tenantId, code, signal);
    });
    child.stderr?.on('data', () => undefined);
    this.child = child;
    return child;
  }

  private request(message: Request): Promise<FromWorker> {
    const child = this.ensure();
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        child.kill('SIGKILL');
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ ...message, id } as ToWorker);
    });
  }

  /** Loads (or reloads) a strategy; its failure if the module does not load. */
  async load(
    key: string,
    compiled: string,
    limits: CallbackLimits,
  ): Promise<{ code: string; detail: string } | undefined> {
    try {
      const reply = await this.request({ type: 'load', key, compiled, limits });
      return reply.type === 'loaded' ? reply.failure : { code: FAILURES.crashed, detail: 'unexpected reply' };
    } catch (error) {
      return { code: FAILURES.crashed, detail: (error as Error).message };
    }
  }

  async call(key: string, input: CallbackInput): Promise<CallbackResult> {
    const started = performance.now();
    try {
      const reply = await this.request({ type: 'call', key, input });
      if (reply.type === 'result') return reply.result;
      throw new Error('unexpected reply');
    } catch (error) {
      return {
        ok: false,
        failure: { code: FAILURES.crashed, detail: (error as Error).message },
        cpuMs: performance.now() - started,
      };
    }
  }

  async unload(key: string): Promise<void> {
    if (!this.child) return;
    await this.request({ type: 'unload', key }).catch(() => undefined);
  }

  async memory(): Promise<WorkerMemory | undefined> {
    if (!this.child) return undefined;
    const reply = await this.request({ type: 'memory' }).catch(() => undefined);
    return reply?.type === 'memory' ? reply.memory : undefined;
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}
