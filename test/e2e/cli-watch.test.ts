/**
 * `oms watch` against `npm start`: login → watch → place → the fill arrives live, in order
 * (accepted → submitted → filled) → positions → cancel-all. Needs the WebSocket stream
 * (`/api/v1/stream`, docs/api-v1.md "Streaming").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runCli, startLocalStack, type LocalStack } from '../support/stack.ts';

let stack: LocalStack;
const configHome = mkdtempSync(join(tmpdir(), 'oms-cli-watch-'));
const env = () => ({ ...process.env, XDG_CONFIG_HOME: configHome, OMS_URL: stack.baseUrl });

beforeAll(async () => {
  stack = await startLocalStack('cli-watch');
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(configHome, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes
async function oms(...args: string[]): Promise<any> {
  const run = await runCli(['--json', ...args], env());
  if (run.status !== 0) throw new Error(`oms ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

interface Watched {
  status: number | null;
  events: Array<{
    event: string;
    seq: number;
    cursor: string;
    data: { orderId?: string; data?: { orderId?: string } };
  }>;
  stderr: string;
}

describe('oms watch against npm start', () => {
  it('shows an order placed from another shell being accepted, submitted and filled, live', async () => {
    const trader = stack.user('trader');
    await oms('login', '--username', trader.username, '--password', trader.password);

    const watcher = spawn(
      process.execPath,
      ['bin/oms.ts', '--json', 'watch', 'orders', '--until', 'order.filled', '--timeout', '90'],
      { cwd: projectRoot, env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    watcher.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const subscribed = new Promise<void>((resolve) =>
      watcher.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('watching')) resolve();
      }),
    );
    const done = new Promise<Watched>((resolve) =>
      watcher.once('exit', (status) =>
        resolve({
          status,
          stderr,
          events: stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Watched['events'][number]),
        }),
      ),
    );
    await Promise.race([subscribed, done]);

    // The paper gateway's AAPL trades near 190: a buy limit at 215 is marketable and fills.
    const placed = await oms('orders', 'place', 'buy', '5', 'AAPL', '--limit', '215');
    const watched = await done;
    expect([watched.status, watched.stderr]).toEqual([0, expect.stringContaining('watching orders')]);

    // `data` is the webhook payload of the event (its detail under `data`); accept the bare detail too.
    const mine = watched.events.filter((e) => (e.data.data?.orderId ?? e.data.orderId) === placed.id);
    const types = mine.map((e) => e.event);
    expect(types[0]).toBe('order.accepted');
    expect(types.at(-1)).toBe('order.filled');
    expect(types.indexOf('order.submitted')).toBeGreaterThan(0);
    const seqs = mine.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(mine.map((e) => e.cursor)).size).toBe(mine.length);

    const positions = await oms('positions');
    const aapl = positions.items.find((p: { symbol: string }) => p.symbol === 'AAPL');
    expect(Number(aapl.quantity)).toBeGreaterThanOrEqual(5);
    const cancelled = await oms('orders', 'cancel-all');
    expect(cancelled.failed).toEqual([]);
  }, 150_000);
});
