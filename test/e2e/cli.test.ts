/**
 * The `oms` CLI against `npm start`: login → place → the fill → positions → cancel-all, each a
 * separate process parsing `--json` output, plus the session file, token refresh, human tables,
 * and the exit codes of refused requests. (Watching the fill live is test/e2e/cli-watch.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runNpx, startLocalStack, type LocalStack } from '../support/stack.ts';

let stack: LocalStack;
const configHome = mkdtempSync(join(tmpdir(), 'oms-cli-config-'));
const env = () => ({ ...process.env, XDG_CONFIG_HOME: configHome, OMS_URL: stack.baseUrl });
const sessionFile = join(configHome, 'oms', 'session.json');

beforeAll(async () => {
  stack = await startLocalStack('cli');
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

describe('npx oms', () => {
  it('prints its help after npm ci', () => {
    const run = runNpx(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: oms');
    expect(run.stdout).toContain('cancel');
  });
});

describe('oms against npm start', () => {
  it('drives a session: login, place, the fill, positions, cancel-all', async () => {
    const trader = stack.user('trader');
    const login = await oms('login', '--username', trader.username, '--password', trader.password);
    expect(login).toMatchObject({ url: stack.baseUrl, roles: ['trader'] });
    expect(login.session).toBe(sessionFile);
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(sessionFile, 'utf8'))).toMatchObject({
      kind: 'bearer',
      username: trader.username,
    });

    // The paper gateway's AAPL trades near 190: a buy limit at 215 is marketable and fills.
    const placed = await oms('orders', 'place', 'buy', '5', 'AAPL', '--limit', '215');
    expect(placed).toMatchObject({
      symbol: 'AAPL',
      side: 'buy',
      quantity: '5',
      type: 'limit',
      status: 'pending_new',
    });
    let order = placed;
    for (let i = 0; i < 120 && order.status !== 'filled'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      order = await oms('orders', 'get', placed.id);
    }
    expect(order).toMatchObject({ id: placed.id, status: 'filled', filledQuantity: '5' });
    const events = await oms('orders', 'events', placed.id);
    expect(events.items.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['order.accepted', 'order.filled']),
    );

    const positions = await oms('positions');
    const aapl = positions.items.find((p: { symbol: string }) => p.symbol === 'AAPL');
    expect(Number(aapl.quantity)).toBeGreaterThanOrEqual(5);
    const pnl = await oms('pnl');
    expect(pnl.fills).toBeGreaterThanOrEqual(1);

    // A buy far below the market stays working until cancel-all.
    const working = await oms('orders', 'place', 'buy', '1', 'AAPL', '--limit', '100', '--tif', 'gtc');
    const cancelled = await oms('orders', 'cancel-all');
    expect(cancelled.items.map((o: { id: string }) => o.id)).toContain(working.id);
    expect(cancelled.failed).toEqual([]);

    const human = await runCli(['orders', 'list', '--limit', '5'], env());
    expect(human.status).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^ID\s+SYMBOL\s+SIDE\s+QUANTITY/);
    expect(human.stdout).toContain(placed.id);
  }, 120_000);

  it('refreshes an expired access token and stores the new one', async () => {
    const saved = JSON.parse(readFileSync(sessionFile, 'utf8'));
    writeFileSync(sessionFile, JSON.stringify({ ...saved, accessToken: 'expired.access.token' }), {
      mode: 0o600,
    });
    const me = await oms('whoami');
    expect(me.caller.roles).toEqual(['trader']);
    const after = JSON.parse(readFileSync(sessionFile, 'utf8'));
    expect(after.accessToken).not.toBe('expired.access.token');
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('explains refused requests with the problem and a meaningful exit code', async () => {
    const missing = await runCli(['orders', 'get', '01JF3Q7RZ8E4XK2M5N6P7Q8R9Z'], env());
    expect(missing.status).toBe(5);
    expect(missing.stderr).toContain('ORDER_NOT_FOUND');
    expect(missing.stderr).toContain('was not found');

    const invalid = await runCli(['orders', 'place', 'buy', '1.23456', 'AAPL', '--limit', '10'], env());
    expect(invalid.status).toBe(8);
    expect(invalid.stderr).toContain('VALIDATION_FAILED');
    expect(invalid.stderr).toContain('body.quantity');

    const forbidden = await runCli(['users', 'list'], env());
    expect(forbidden.status).toBe(4);
    expect(forbidden.stderr).toContain('FORBIDDEN');

    const usage = await runCli(['orders', 'place', 'hold', '1', 'AAPL'], env());
    expect(usage.status).toBe(2);

    const anonymous = await runCli(['positions'], { ...env(), XDG_CONFIG_HOME: join(configHome, 'nobody') });
    expect(anonymous.status).toBe(3);
    expect(anonymous.stderr).toContain('oms login');

    const down = await runCli(['positions'], { ...env(), OMS_URL: 'http://127.0.0.1:9' });
    expect(down.status).toBe(10);
    expect(down.stderr).toContain('cannot reach the OMS');
  }, 60_000);
});
