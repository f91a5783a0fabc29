import { describe, expect, test } from '@jest/globals';
import { OmsProblemError } from '../../../client/index.ts';
import { main } from '../../../cli/main.ts';
import { EXIT, exitCodeFor } from '../../../cli/exit-codes.ts';
import { describeError, table } from '../../../cli/output.ts';
import { resolveAuth, sessionPath } from '../../../cli/session.ts';
import { describeEvent, type StreamEvent } from '../../../cli/commands/watch.ts';

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { XDG_CONFIG_HOME: '/nonexistent/config' };
  const status = await main(['node', 'oms', ...args], env, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  });
  return { status, stdout, stderr };
}

describe('the session file', () => {
  test('lives under XDG_CONFIG_HOME, else ~/.config, unless OMS_CONFIG_DIR says otherwise', () => {
    expect(sessionPath({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/oms/session.json');
    expect(sessionPath({ HOME: '/home/ann' })).toMatch(/\/\.config\/oms\/session\.json$/);
    expect(sessionPath({ XDG_CONFIG_HOME: '/x/cfg', OMS_CONFIG_DIR: '/etc/oms' })).toBe(
      '/etc/oms/session.json',
    );
  });

  test('an API key in the environment wins over the stored session', () => {
    const { auth, url } = resolveAuth(
      {},
      { XDG_CONFIG_HOME: '/nonexistent', OMS_API_KEY: 'oms_k', OMS_URL: 'http://h:1' },
    );
    expect(auth).toEqual({ kind: 'apiKey', apiKey: 'oms_k' });
    expect(url).toBe('http://h:1');
    expect(resolveAuth({}, { XDG_CONFIG_HOME: '/nonexistent' }).auth).toEqual({ kind: 'none' });
  });
});

describe('exit codes and messages', () => {
  test('each problem status has its own exit code', () => {
    const codes = [400, 401, 403, 404, 409, 422, 429, 503].map((status) =>
      exitCodeFor(new OmsProblemError(status, { title: 't', code: 'C' })),
    );
    expect(codes).toEqual([8, 3, 4, 5, 6, 7, 9, 10]);
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
    expect(exitCodeFor(new TypeError('fetch failed'))).toBe(EXIT.unavailable);
  });

  test('a problem prints its title, code, status, detail and field issues', () => {
    const text = describeError(
      new OmsProblemError(400, {
        title: 'The request is not valid',
        code: 'VALIDATION_FAILED',
        detail: 'Invalid request body',
        issues: [{ path: 'body.quantity', message: 'quantity must be a decimal number' }],
      }),
    );
    expect(text.split('\n')).toEqual([
      'error: The request is not valid (VALIDATION_FAILED, HTTP 400)',
      '  Invalid request body',
      '  - body.quantity: quantity must be a decimal number',
    ]);
  });
});

describe('output', () => {
  test('tables align columns under upper-case headings and show absent values as -', () => {
    const text = table(
      [
        { id: 'a', symbol: 'AAPL', limitPrice: '187.25' },
        { id: 'bb', symbol: 'MSFT', limitPrice: null },
      ],
      ['id', 'symbol', ['limitPrice', 'limit']],
    );
    expect(text.split('\n')).toEqual(['ID  SYMBOL  LIMIT', 'a   AAPL    187.25', 'bb  MSFT    -']);
    expect(table([], ['id'])).toBe('(none)');
  });

  test('a stream event is one readable line', () => {
    const event: StreamEvent = {
      type: 'event',
      stream: 'orders',
      event: 'order.filled',
      seq: 7,
      cursor: 'c7',
      at: '2026-01-05T14:30:02.000Z',
      data: {
        type: 'order.filled',
        timestamp: '2026-01-05T14:30:02.000Z',
        data: { orderId: '01JF', data: { order: { symbol: 'AAPL', status: 'filled', filledQuantity: '5' } } },
      },
    };
    expect(describeEvent(event)).toMatch(
      /^2026-01-05T14:30:02.000Z orders\s+order.filled\s+01JF AAPL filled filledQuantity=5$/,
    );
  });
});

describe('the command line', () => {
  test('--help lists every command and exits 0', async () => {
    const { status, stdout } = await run('--help');
    expect(status).toBe(0);
    for (const c of [
      'login',
      'orders',
      'positions',
      'pnl',
      'watch',
      'risk',
      'kill-switch',
      'keys',
      'webhooks',
      'users',
      'tenants',
    ])
      expect(stdout).toContain(c);
  });

  test('a bad command line exits 2 with a message, before any request', async () => {
    expect((await run('orders', 'place', 'hold', '1', 'AAPL')).status).toBe(EXIT.usage);
    expect((await run('nonsense')).status).toBe(EXIT.usage);
    const modify = await run('orders', 'modify', '01JF');
    expect(modify.status).toBe(EXIT.usage);
    expect(modify.stderr).toContain('--quantity');
    expect((await run('risk', 'limits', 'set', 'noequals')).status).toBe(EXIT.usage);
  });
});
