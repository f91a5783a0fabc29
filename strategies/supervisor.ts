/**
 * Runs the strategy host as a child process and starts it again when it dies, as ECS does with a
 * service's task (the local stack uses this).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface SupervisedHost {
  readonly child: ChildProcess | undefined;
  readonly starts: number;
  /** Stops it for good: SIGTERM (it finishes its callbacks), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node strategies/main.ts` with `env` on top of this process's environment, restarting it when it exits. */
export function superviseStrategyHost(options: {
  projectRoot: string;
  env: Record<string, string>;
  log?: (line: string) => void;
}): SupervisedHost {
  const log = options.log ?? (() => undefined);
  let child: ChildProcess | undefined;
  let starts = 0;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let failuresInARow = 0;

  const start = () => {
    if (stopped) return;
    starts++;
    const startedAt = Date.now();
    const proc = spawn(process.execPath, [resolve(options.projectRoot, 'strategies/main.ts')], {
      cwd: options.projectRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const onData = (buffer: Buffer) => {
      for (const line of buffer.toString().split('\n')) {
        if (!line) continue;
        let parsed: { level?: string; message?: string } | undefined;
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          parsed = undefined;
        }
        // Strategy failures and host problems are worth a line in the terminal; routine loads are not.
        if (!parsed || parsed.level !== 'info' || /host started|stopping/.test(parsed.message ?? ''))
          log(`strategy host: ${parsed?.message ?? line}${parsed?.level === 'warn' ? ` ${line}` : ''}`);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopped) return;
      failuresInARow = Date.now() - startedAt > 30_000 ? 0 : failuresInARow + 1;
      const delay = Math.min(10_000, 250 * 2 ** Math.min(failuresInARow, 6));
      log(`strategy host exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay)} ms`);
      restartTimer = setTimeout(start, delay);
    });
  };
  start();

  return {
    get child() {
      return child;
    },
    get starts() {
      return starts;
    },
    stop: async (graceMs = 10_000) => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
