import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where the console's sources are and where `vite build` puts the served files. */
export function consolePaths(projectRoot: string) {
  const root = join(projectRoot, 'console');
  return { root, dist: join(root, 'dist'), lock: join(root, '.build-lock') };
}

/** The newest modification time among the console's sources (dist excluded) and the lockfile. */
function newestSource(projectRoot: string): number {
  const { root, dist } = consolePaths(projectRoot);
  let newest = statSync(join(projectRoot, 'package-lock.json')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (path === dist || entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(root);
  return newest;
}

/** True when console/dist is missing or older than a source file. */
export function consoleIsStale(projectRoot: string): boolean {
  const stamp = join(consolePaths(projectRoot).dist, '.built-from');
  if (!existsSync(stamp)) return true;
  return Number(readFileSync(stamp, 'utf8')) < newestSource(projectRoot);
}

const STALE_LOCK_MS = 5 * 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One build at a time across processes (parallel test files start stacks together). */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = 0;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Released meanwhile, or its pid not written yet.
      }
      // A lock left by a build that died is taken over; a live one is waited on.
      if ((owner > 0 && !alive(owner)) || age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Vite's command-line entry (its package exports do not expose the bin file itself). */
function viteBin(projectRoot: string): string {
  const manifest = createRequire(join(projectRoot, 'package.json')).resolve('vite/package.json');
  return join(dirname(manifest), 'bin', 'vite.js');
}

function runVite(projectRoot: string): Promise<void> {
  const vite = viteBin(projectRoot);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts'], {
      cwd: projectRoot,
      // A test runner's NODE_ENV=test would make Vite ship React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A stack that exits mid-build (a taken port) must not leave Vite writing dist behind it.
    const stop = () => child.kill();
    process.once('exit', stop);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      process.off('exit', stop);
      if (code === 0) resolve();
      else reject(new Error(`vite build exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Builds the console when its sources changed since the last build (`npm start` serves it at /).
 * Without Vite (a production install) the stack runs without the console and says so.
 */
export async function ensureConsoleBuilt(projectRoot: string, log: (line: string) => void): Promise<boolean> {
  const { root, dist, lock } = consolePaths(projectRoot);
  if (!existsSync(join(root, 'index.html'))) return false;
  if (!consoleIsStale(projectRoot)) return true;
  try {
    viteBin(projectRoot);
  } catch {
    log('console          not built: Vite is not installed (npm ci installs it)');
    return false;
  }
  return withLock(lock, async () => {
    // Another process may have built it while this one waited for the lock.
    if (!consoleIsStale(projectRoot)) return true;
    const started = Date.now();
    const sources = newestSource(projectRoot);
    log('console          building (sources changed since the last build)…');
    await runVite(projectRoot);
    writeFileSync(join(dist, '.built-from'), String(sources));
    log(`console          built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  });
}
