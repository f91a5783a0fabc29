/**
 * Runs a long-lived process of the OMS (the bridge, the strategy host) as a child and starts it
 * again when it dies, as ECS does with a service's task. The local stack uses it; so do tests that
 * kill the bridge.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface SupervisedProcess {
  /** The running child, if any. */
  readonly child: ChildProcess | undefined;
  /** How many times it was started. */
  readonly starts: number;
  /** Health port the current child printed (0 until it has). */
  readonly healthPort: number;
  /** Stops it for good: SIGTERM (it drains), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export type SupervisedBridge = SupervisedProcess;
export type SupervisedHost = SupervisedProcess;

interface SuperviseOptions {
  projectRoot: string;
  env: Record<string, string>;
  log?: (line: string) => void;
  /** Every line of the child's output (tests). */
  onLine?: (line: string) => void;
}

/** Starts `node ib-bridge/main.ts`, restarting it when it exits. */
export function superviseBridge(options: SuperviseOptions): SupervisedBridge {
  return superviseProcess({
    ...options,
    name: 'bridge',
    entry: 'ib-bridge/main.ts',
    worthALine:
      /bridge health on port|broker session started|reconciled with the broker|broker connection lost|stopped/,
  });
}

/** Starts `node strategies/main.ts`, restarting it when it exits. */
export function superviseStrategyHost(options: SuperviseOptions): SupervisedHost {
  // Strategy failures and host problems are worth a line in the terminal; routine loads are not.
  return superviseProcess({
    ...options,
    name: 'strategy host',
    entry: 'strategies/main.ts',
    worthALine: /host started|stopping/,
  });
}

/**
 * Starts `node <entry>` with `env` on top of this process's environment, restarting it with a
 * growing delay when it exits. Its JSON log lines below warn reach `log` only when they match
 * `worthALine`; everything else (warnings, errors, plain text) always does.
 */
function superviseProcess(
  options: SuperviseOptions & { name: string; entry: string; worthALine: RegExp },
): SupervisedProcess {
  const log = options.log ?? (() => undefined);
  let child: ChildProcess | undefined;
  let starts = 0;
  let stopped = false;
  let healthPort = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let failuresInARow = 0;

  const start = () => {
    if (stopped) return;
    starts++;
    const startedAt = Date.now();
    healthPort = 0;
    const proc = spawn(process.execPath, [resolve(options.projectRoot, options.entry)], {
      cwd: options.projectRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const onData = (buffer: Buffer) => {
      for (const line of buffer.toString().split('\n')) {
        if (!line) continue;
        options.onLine?.(line);
        let parsed: { level?: string; message?: string; healthPort?: number } | undefined;
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          parsed = undefined;
        }
        if (parsed?.healthPort) healthPort = parsed.healthPort;
        // OMS_CHILD_LOGS=all: every JSON line as it is (to follow a correlation id through the bridge).
        if (parsed && process.env.OMS_CHILD_LOGS === 'all') log(`${options.name}: ${line}`);
        else if (!parsed || parsed.level !== 'info' || options.worthALine.test(parsed.message ?? '')) {
          log(`${options.name}: ${parsed?.message ?? line}`);
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopped) return;
      failuresInARow = Date.now() - startedAt > 30_000 ? 0 : failuresInARow + 1;
      const delay = Math.min(10_000, 250 * 2 ** Math.min(failuresInARow, 6));
      log(`${options.name} exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay)} ms`);
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
    get healthPort() {
      return healthPort;
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
