/**
 * `npm start` as a user runs it, for end-to-end tests: the local stack in a child process with
 * its own data directory and port, and the demo credentials it seeds.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports.ts';

export const projectRoot = join(import.meta.dirname, '..', '..');

export interface LocalStack {
  baseUrl: string;
  dataDir: string;
  /** A seeded demo user of this role. */
  user(role: 'admin' | 'trader' | 'viewer'): { username: string; password: string };
  stop(): Promise<void>;
}

export async function startLocalStack(name: string): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `oms-${name}-`));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['bin/local.ts'], {
    cwd: projectRoot,
    env: { ...process.env, OMS_PORT: String(port), OMS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready: (http:\/\/\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    dataDir,
    user: (role) => {
      const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
        users: Array<{ username: string; password: string; role: string }>;
      };
      const user = creds.users.find((u) => u.role === role);
      if (!user) throw new Error(`no demo ${role}`);
      return { username: user.username, password: user.password };
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `oms` (bin/oms.ts) as a separate process, as a shell would. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/oms.ts', ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** `npx oms …` from the project root, the way the README tells users to run it. */
export function runNpx(args: string[]): CliResult {
  const run = spawnSync('npx', ['--no-install', 'oms', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
