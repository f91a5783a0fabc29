import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { createOmsClient, login, ok } from '../../client/index.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { record } from '../output.ts';
import { DEFAULT_URL, loadSession, removeSession, saveSession, sessionPath } from '../session.ts';

/** Reads a password from a pipe, or from the terminal without echoing it. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const rl = createInterface({ input: stdin });
    for await (const line of rl) return line;
    throw new UsageError('no password on standard input');
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return value;
        if (ch === '\u0003') throw new UsageError('cancelled');
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** `oms login`, `oms logout`, `oms whoami` */
export function sessionCommands(ctx: Context): Command[] {
  const loginCmd = new Command('login')
    .description('log in and store a refreshable session (or an API key) in your config directory')
    .option('-u, --username <username>', 'your username (or OMS_USERNAME)')
    .option('-p, --password <password>', 'your password (or OMS_PASSWORD; prompted otherwise)')
    .option('--with-api-key <key>', 'store an API key instead of logging in as a user')
    .action(async (o: { username?: string; password?: string; withApiKey?: string }) => {
      const url = ctx.options().url ?? ctx.env.OMS_URL ?? loadSession(ctx.env)?.url ?? DEFAULT_URL;
      const savedAt = new Date().toISOString();
      if (o.withApiKey) {
        const me = await ok(
          createOmsClient(url, { kind: 'apiKey', apiKey: o.withApiKey }).GET('/api/v1/tenants/me'),
        );
        const path = saveSession({ url, kind: 'apiKey', apiKey: o.withApiKey, savedAt }, ctx.env);
        ctx.out.print(
          { url, tenant: me.id, principal: me.caller.principal, session: path },
          (r: object) => `logged in\n${record(r)}`,
        );
        return;
      }
      const username = o.username ?? ctx.env.OMS_USERNAME;
      if (!username) throw new UsageError('give --username (or set OMS_USERNAME)');
      const password =
        o.password ?? ctx.env.OMS_PASSWORD ?? (await readPassword(`password for ${username}: `));
      const tokens = await login(url, username, password);
      const path = saveSession(
        {
          url,
          kind: 'bearer',
          username,
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          savedAt,
        },
        ctx.env,
      );
      const me = await ok(
        createOmsClient(url, { kind: 'bearer', accessToken: tokens.accessToken }).GET('/api/v1/tenants/me'),
      );
      ctx.out.print(
        { url, tenant: me.id, principal: me.caller.principal, roles: me.caller.roles, session: path },
        (r: object) => `logged in\n${record(r)}`,
      );
    });

  const logout = new Command('logout').description('forget the stored session').action(() => {
    const removed = removeSession(ctx.env);
    ctx.out.print({ removed, session: sessionPath(ctx.env) }, () =>
      removed ? 'logged out' : 'no session was stored',
    );
  });

  const whoami = new Command('whoami')
    .description('who the stored session is, and its tenant')
    .action(async () => {
      const me = await ok(ctx.api().GET('/api/v1/tenants/me'));
      ctx.out.print(me, (m: typeof me) =>
        record({ url: ctx.connection().url, tenant: m.id, name: m.name, ...m.caller }),
      );
    });

  return [loginCmd, logout, whoami];
}
