/**
 * `npm run paper-gateway`: the entry point runs the gateway alone, says where it listens and
 * where its control interface is, serves a client, and stops cleanly on SIGTERM.
 */
import { describe, it, expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventName } from './ib.ts';
import { order, stock, TestClient, waitFor } from './harness.ts';

describe('bin/paper-gateway.ts', () => {
  it('listens on PAPER_GATEWAY_PORT, reports its control port, and exits 0 on SIGTERM', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const child = spawn(process.execPath, [join(root, 'bin', 'paper-gateway.ts')], {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PAPER_GATEWAY_PORT: '0',
        PAPER_GATEWAY_CONTROL_PORT: '0',
        PAPER_GATEWAY_TICK_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = Number(
        await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1], 'listening line', 10_000),
      );
      const controlPort = Number(
        await waitFor(
          () => /control interface on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1],
          'control line',
        ),
      );
      const token = await waitFor(() => /control token: (\S+)/.exec(output)?.[1], 'token line');
      const c = await new TestClient(port, 1).connect();
      const id = c.place(stock('AAPL'), order('BUY', 5, 'MKT', { orderRef: 'cli-1' }));
      await waitFor(() => c.statuses(id).includes('Filled'), 'filled');
      expect((await fetch(`http://127.0.0.1:${controlPort}/orders`)).status).toBe(401);
      const authorized = await fetch(`http://127.0.0.1:${controlPort}/orders`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const orders = (await authorized.json()) as Array<{
        orderRef: string;
      }>;
      expect(orders.map((o) => o.orderRef)).toEqual(['cli-1']);
      expect(c.named(EventName.execDetails)).toHaveLength(1);
      expect(c.layoutProblems()).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitFor(() => !c.connected, 'client sees the gateway go');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
