import { Command, Option } from 'commander';
import { ok, type Schemas } from '../../client/index.ts';
import type { Context } from '../context.ts';
import { record, table } from '../output.ts';

const page = { limit: '--limit <n>', cursor: '--cursor <cursor>' };
const pageQuery = (o: { limit?: string; cursor?: string }) => ({
  ...(o.limit ? { limit: Number(o.limit) } : {}),
  ...(o.cursor ? { cursor: o.cursor } : {}),
});
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `oms keys …` */
export function keysCommand(ctx: Context): Command {
  const keys = new Command('keys').description('API keys of the tenant');
  keys
    .command('list')
    .option(page.limit, 'page size')
    .option(page.cursor, 'next page')
    .action(async (o: { limit?: string; cursor?: string }) => {
      const res = await ok(ctx.api().GET('/api/v1/api-keys', { params: { query: pageQuery(o) } }));
      ctx.out.print(res, (r: typeof res) =>
        table(r.items, ['id', 'name', 'scopes', 'hint', 'expiresAt', 'revokedAt', 'lastUsedAt']),
      );
    });
  keys
    .command('create')
    .argument('<name>', 'what the key is for')
    .requiredOption('--scope <scope>', 'a scope (repeat it), e.g. orders:read', collect)
    .option('--expires-at <time>', 'ISO-8601 expiry')
    .option('--rate-limit <perMinute>', 'requests per minute')
    .action(async (name: string, o: { scope: string[]; expiresAt?: string; rateLimit?: string }) => {
      const body = {
        name,
        scopes: o.scope as Schemas['ApiKey']['scopes'],
        ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}),
        ...(o.rateLimit ? { rateLimitPerMinute: Number(o.rateLimit) } : {}),
      };
      const key = await ok(ctx.api().POST('/api/v1/api-keys', { body }));
      ctx.out.print(key, (k: typeof key) => `${record(k)}\n\nThe key is shown this once; store it now.`);
    });
  keys
    .command('get')
    .argument('<id>')
    .action(async (id: string) =>
      ctx.out.print(await ok(ctx.api().GET('/api/v1/api-keys/{id}', { params: { path: { id } } })), record),
    );
  keys
    .command('revoke')
    .argument('<id>')
    .action(async (id: string) =>
      ctx.out.print(
        await ok(ctx.api().DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
        record,
      ),
    );
  return keys;
}

/** `oms webhooks …` */
export function webhooksCommand(ctx: Context): Command {
  const hooks = new Command('webhooks').description('webhook subscriptions and their deliveries');
  const id = { params: (value: string) => ({ params: { path: { id: value } } }) };
  hooks
    .command('list')
    .option(page.limit, 'page size')
    .option(page.cursor, 'next page')
    .action(async (o: { limit?: string; cursor?: string }) => {
      const res = await ok(ctx.api().GET('/api/v1/webhooks', { params: { query: pageQuery(o) } }));
      ctx.out.print(res, (r: typeof res) =>
        table(r.items, ['id', 'url', 'events', 'status', 'consecutiveFailures']),
      );
    });
  hooks
    .command('create')
    .argument('<url>', 'where to POST events')
    .option('--event <filter>', 'an event type, <category>.* or * (repeat it; default order.*)', collect)
    .option('--description <text>')
    .action(async (url: string, o: { event?: string[]; description?: string }) => {
      const body = {
        url,
        events: o.event ?? ['order.*'],
        ...(o.description ? { description: o.description } : {}),
      };
      const hook = await ok(ctx.api().POST('/api/v1/webhooks', { body }));
      ctx.out.print(hook, (h: typeof hook) => `${record(h)}\n\nThe secret is shown this once; store it now.`);
    });
  hooks
    .command('get')
    .argument('<id>')
    .action(async (v: string) =>
      ctx.out.print(await ok(ctx.api().GET('/api/v1/webhooks/{id}', id.params(v))), record),
    );
  hooks
    .command('delete')
    .argument('<id>')
    .action(async (v: string) => {
      await ok(ctx.api().DELETE('/api/v1/webhooks/{id}', id.params(v)));
      ctx.out.print({ deleted: v }, () => `deleted ${v}`);
    });
  hooks
    .command('test')
    .argument('<id>')
    .description('send a webhook.test event now')
    .action(async (v: string) => {
      ctx.out.print(await ok(ctx.api().POST('/api/v1/webhooks/{id}/test', id.params(v))), record);
    });
  hooks
    .command('rotate-secret')
    .argument('<id>')
    .action(async (v: string) => {
      ctx.out.print(await ok(ctx.api().POST('/api/v1/webhooks/{id}/rotate-secret', id.params(v))), record);
    });
  hooks
    .command('deliveries')
    .argument('<id>')
    .option(page.limit, 'page size')
    .option(page.cursor, 'next page')
    .action(async (v: string, o: { limit?: string; cursor?: string }) => {
      const res = await ok(
        ctx
          .api()
          .GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: v }, query: pageQuery(o) } }),
      );
      ctx.out.print(res, (r: typeof res) =>
        table(
          r.items.map((d) => ({
            ...d,
            attempts: d.attempts.length,
            last: d.attempts.at(-1)?.statusCode ?? d.attempts.at(-1)?.error,
          })),
          ['id', 'eventType', 'eventId', 'status', 'attempts', 'last'],
        ),
      );
    });
  hooks
    .command('redeliver')
    .argument('<id>')
    .argument('<deliveryId>')
    .action(async (v: string, deliveryId: string) => {
      const res = await ok(
        ctx.api().POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { id: v, deliveryId } },
        }),
      );
      ctx.out.print(res, record);
    });
  return hooks;
}

/** `oms users …` (tenant admin) */
export function usersCommand(ctx: Context): Command {
  const users = new Command('users').description('users of the tenant (admin)');
  const role = new Option('--role <role>').choices(['admin', 'trader', 'viewer']);
  users
    .command('list')
    .option(page.limit, 'page size')
    .option(page.cursor, 'next page')
    .action(async (o: { limit?: string; cursor?: string }) => {
      const res = await ok(ctx.api().GET('/api/v1/users', { params: { query: pageQuery(o) } }));
      ctx.out.print(res, (r: typeof res) => table(r.items, ['username', 'role', 'status', 'createdAt']));
    });
  users
    .command('create')
    .argument('<username>')
    .addOption(role.makeOptionMandatory())
    .requiredOption('--password <password>', 'initial password')
    .action(async (username: string, o: { role: Schemas['User']['role']; password: string }) => {
      ctx.out.print(
        await ok(ctx.api().POST('/api/v1/users', { body: { username, role: o.role, password: o.password } })),
        record,
      );
    });
  users
    .command('get')
    .argument('<username>')
    .action(async (username: string) =>
      ctx.out.print(
        await ok(ctx.api().GET('/api/v1/users/{username}', { params: { path: { username } } })),
        record,
      ),
    );
  users
    .command('update')
    .argument('<username>')
    .addOption(new Option('--role <role>').choices(['admin', 'trader', 'viewer']))
    .addOption(new Option('--status <status>').choices(['active', 'disabled']))
    .action(
      async (username: string, o: { role?: Schemas['User']['role']; status?: Schemas['User']['status'] }) => {
        const body = { ...(o.role ? { role: o.role } : {}), ...(o.status ? { status: o.status } : {}) };
        ctx.out.print(
          await ok(ctx.api().PATCH('/api/v1/users/{username}', { params: { path: { username } }, body })),
          record,
        );
      },
    );
  return users;
}

/** `oms tenants …` (`create` needs a platform operator) */
export function tenantsCommand(ctx: Context): Command {
  const tenants = new Command('tenants').description(
    'tenants: create one (platform operator), or show your own',
  );
  tenants
    .command('me')
    .description("the caller's tenant and identity")
    .action(async () => ctx.out.print(await ok(ctx.api().GET('/api/v1/tenants/me')), record));
  tenants
    .command('create')
    .description('create a tenant with its first admin (platform operator)')
    .argument('<name>')
    .requiredOption('--admin-username <username>')
    .requiredOption('--admin-password <password>')
    .action(async (name: string, o: { adminUsername: string; adminPassword: string }) => {
      const body = { name, admin: { username: o.adminUsername, password: o.adminPassword } };
      ctx.out.print(await ok(ctx.api().POST('/api/v1/tenants', { body })), record);
    });
  return tenants;
}
