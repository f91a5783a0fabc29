/**
 * Issue 15: the eleven findings of the adversarial review, each reproduced against the real
 * gateway, authorizer, DynamoDB Local and local identity provider. Finding 10 (the bridge's
 * environment) lives in test/unit/access/process-secrets.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemKeys, tenantPk } from '../../../core/store/keys.ts';
import { startTestApi, type TestApi, type TestResponse } from '../../support/api.ts';
import { createTestTenant, operatorToken, type TestTenant } from '../../support/tenants.ts';
import { limitOrder, postOrder } from '../../support/orders.ts';
import { requestFrom } from '../../support/source.ts';

let api: TestApi;
let tenant: TestTenant;
let operator: Record<string, string>;

beforeAll(async () => {
  process.env.OMS_RATE_LIMIT_LOGIN_PER_IP = '100000';
  process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '100000';
  api = await startTestApi();
  tenant = await createTestTenant(api);
  operator = { authorization: `Bearer ${operatorToken(api)}` };
});
afterAll(() => api?.close());

const sequential = async (n: number, fn: (i: number) => Promise<TestResponse>) => {
  const out: TestResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
};
const key = (value: string) => ({ 'x-api-key': value });
const password = () => `Pw-${randomUUID()}-A1`;

async function login(username: string, pw: string, ip = '127.0.0.1') {
  return requestFrom(ip, api.url, 'POST', '/api/v1/auth/login', { body: { username, password: pw } });
}

describe('1. a key cannot create or promote a user beyond its own powers', () => {
  it('refuses an admin from a users:write key, and a promotion to admin', async () => {
    const provisioning = await tenant.apiKey(['users:write', 'users:read']);
    const created = await api.request('POST', '/api/v1/users', {
      headers: key(provisioning),
      body: { username: `esc-${randomUUID().slice(0, 8)}`, password: password(), role: 'admin' },
    });
    expect(created.status).toBe(403);
    const promoted = await api.request('PATCH', `/api/v1/users/${tenant.usernames.viewer}`, {
      headers: key(provisioning),
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(403);
    // A trader cannot be made by a key that cannot trade either.
    const trader = await api.request('POST', '/api/v1/users', {
      headers: key(provisioning),
      body: { username: `esc-${randomUUID().slice(0, 8)}`, password: password(), role: 'trader' },
    });
    expect(trader.status).toBe(403);
  });
});

describe('2. keys lose the powers their creator loses', () => {
  it('a demoted and disabled admin takes its keys (and the keys they made) with it', async () => {
    const second = await tenant.addUser('admin');
    const bearer = { authorization: `Bearer ${second.token}` };
    const made = await api.request('POST', '/api/v1/api-keys', {
      headers: bearer,
      body: {
        name: 'provisioning',
        scopes: ['users:write', 'users:read', 'api-keys:write', 'api-keys:read'],
      },
    });
    expect(made.status).toBe(201);
    const child = await api.request('POST', '/api/v1/api-keys', {
      headers: key(made.body.key),
      body: { name: 'child', scopes: ['users:write', 'users:read'] },
    });
    expect(child.status).toBe(201);
    const demote = await api.request('PATCH', `/api/v1/users/${second.username}`, {
      headers: tenant.headers('admin'),
      body: { role: 'viewer', status: 'disabled' },
    });
    expect(demote.status).toBe(200);
    for (const value of [made.body.key as string, child.body.key as string]) {
      const res = await api.request('POST', '/api/v1/users', {
        headers: key(value),
        body: { username: `esc-${randomUUID().slice(0, 8)}`, password: password(), role: 'viewer' },
      });
      expect(res.status).toBe(403);
    }
    const repromote = await api.request('PATCH', `/api/v1/users/${second.username}`, {
      headers: key(child.body.key),
      body: { role: 'admin', status: 'active' },
    });
    expect(repromote.status).toBe(403);
    // The demoted admin's own token follows the directory, not the role it was issued with.
    expect((await api.request('GET', '/api/v1/users', { headers: bearer })).status).toBe(401);
    const listed = await api.request('GET', '/api/v1/api-keys?limit=100', {
      headers: tenant.headers('admin'),
    });
    const entry = listed.body.items.find((k: { id: string }) => k.id === made.body.id);
    expect(entry).toMatchObject({ effectiveScopes: [], limitedBy: 'creator_disabled' });
    const childEntry = listed.body.items.find((k: { id: string }) => k.id === child.body.id);
    expect(childEntry).toMatchObject({ effectiveScopes: [], limitedBy: 'creator_key_limited' });
  });

  it('a demoted (still active) creator narrows its keys to its new role', async () => {
    const second = await tenant.addUser('admin');
    const made = await api.request('POST', '/api/v1/api-keys', {
      headers: { authorization: `Bearer ${second.token}` },
      body: { name: 'mixed', scopes: ['orders:read', 'users:read'] },
    });
    await api.request('PATCH', `/api/v1/users/${second.username}`, {
      headers: tenant.headers('admin'),
      body: { role: 'viewer' },
    });
    expect((await api.request('GET', '/api/v1/users', { headers: key(made.body.key) })).status).toBe(403);
    expect((await api.request('GET', '/api/v1/orders', { headers: key(made.body.key) })).status).toBe(200);
    const got = await api.request('GET', `/api/v1/api-keys/${made.body.id}`, {
      headers: tenant.headers('admin'),
    });
    expect(got.body).toMatchObject({ effectiveScopes: ['orders:read'], limitedBy: 'creator_role' });
  });
});

describe('3. reads cannot block the emergency brake', () => {
  it('a viewer flooding GETs gets 429 while kill switch and cancel-all still answer', async () => {
    const t = await createTestTenant(api);
    process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '5';
    try {
      const reads = await sequential(11, () =>
        api.request('GET', '/api/v1/orders', { headers: t.headers('viewer') }),
      );
      expect(reads.some((r) => r.status === 429)).toBe(true);
      const kill = await api.request('POST', '/api/v1/risk/kill-switch', {
        headers: t.headers('admin'),
        body: { engaged: true, reason: 'drill' },
      });
      expect(kill.status).toBeLessThan(300);
      const cancelAll = await api.request('POST', '/api/v1/orders/cancel-all', {
        headers: t.headers('trader'),
      });
      expect(cancelAll.status).toBe(202);
      // A viewer's cancel attempts cannot spend the reserved budget: they count as ordinary requests.
      const viewerCancel = await api.request('POST', '/api/v1/orders/cancel-all', {
        headers: t.headers('viewer'),
      });
      expect(viewerCancel.status).toBe(429);
    } finally {
      process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '100000';
    }
  });

  it('one principal exhausting its own limit leaves the others of the tenant alone', async () => {
    const t = await createTestTenant(api);
    process.env.OMS_RATE_LIMIT_USER_PER_MINUTE = '3';
    try {
      const reads = await sequential(7, () =>
        api.request('GET', '/api/v1/orders', { headers: t.headers('viewer') }),
      );
      const limited = reads.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0]!.headers.get('ratelimit-policy')).toMatch(/^"user";/);
      expect((await api.request('GET', '/api/v1/orders', { headers: t.headers('trader') })).status).toBe(200);
    } finally {
      process.env.OMS_RATE_LIMIT_USER_PER_MINUTE = '100000';
    }
  });
});

describe('4. refresh-token families and logout', () => {
  it('replaying a rotated refresh token revokes the whole family, and is audited', async () => {
    const user = await tenant.addUser('viewer');
    const first = await login(user.username, user.password);
    expect(first.status).toBe(200);
    const r1 = first.body.refreshToken as string;
    const second = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1 } });
    expect(second.status).toBe(200);
    const r2 = second.body.refreshToken as string;
    // The thief replays the old one: refused, and the chain it belongs to dies with it.
    expect((await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1 } })).status).toBe(
      401,
    );
    expect((await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: r2 } })).status).toBe(
      401,
    );
    const audit = await api.store
      .forTenant(tenant.tenantId)
      .listAudit(100, undefined, 'auth.refresh_replayed');
    expect(audit.items.some((e) => e.actor === `user:${user.username}`)).toBe(true);
  });

  it('logout revokes the session', async () => {
    const user = await tenant.addUser('viewer');
    const tokens = (await login(user.username, user.password)).body;
    const out = await api.request('POST', '/api/v1/auth/logout', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(out.status).toBe(204);
    const again = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(again.status).toBe(401);
  });
});

describe('5. login throttling cannot be turned against a user; usernames ignore case', () => {
  it('failed logins for an upper-cased name do not lock the real user out of a known source', async () => {
    process.env.OMS_RATE_LIMIT_LOGIN_FAILURES_PER_USER = '10';
    try {
      const user = await tenant.addUser('viewer');
      expect((await login(user.username, user.password, '127.0.0.5')).status).toBe(200);
      // One attacker address: after a few failures in a row each next try must wait, longer each time.
      const attack = await sequential(12, () =>
        login(user.username.toUpperCase(), 'Wrong-password-1', '127.0.0.9'),
      );
      expect(attack.every((r) => r.status === 401 || r.status === 429)).toBe(true);
      const slowed = attack.filter((r) => r.status === 429);
      expect(slowed.length).toBeGreaterThan(0);
      expect(slowed[0]!.headers.get('ratelimit-policy')).toMatch(/^"login-source";/);
      // Many attacker addresses together pass the per-username ceiling…
      for (const ip of ['127.0.0.10', '127.0.0.11', '127.0.0.12'])
        await sequential(5, () => login(user.username.toUpperCase(), 'Wrong-password-1', ip));
      // …which refuses addresses that never signed in as this user, even with the right password,
      const stranger = await login(user.username, user.password, '127.0.0.20');
      expect(stranger.status).toBe(429);
      expect(stranger.headers.get('ratelimit-policy')).toMatch(/^"login-user";/);
      // …but never locks out the address the user has signed in from before.
      expect((await login(user.username, user.password, '127.0.0.5')).status).toBe(200);
    } finally {
      process.env.OMS_RATE_LIMIT_LOGIN_FAILURES_PER_USER = '100000';
    }
  });

  it('a username differing only in case is taken, and logins ignore case', async () => {
    const name = `Case-${randomUUID().slice(0, 8)}`;
    const pw = password();
    const first = await api.request('POST', '/api/v1/users', {
      headers: tenant.headers('admin'),
      body: { username: name, password: pw, role: 'viewer' },
    });
    expect(first.status).toBe(201);
    expect(first.body.username).toBe(name.toLowerCase());
    const second = await api.request('POST', '/api/v1/users', {
      headers: tenant.headers('admin'),
      body: { username: name.toUpperCase(), password: pw, role: 'viewer' },
    });
    expect(second.status).toBe(409);
    expect((await login(name.toUpperCase(), pw)).status).toBe(200);
  });
});

describe('6. bad keys are limited per source without touching the tenant', () => {
  it('bad keys naming one tenant from a shared address do not lock out another tenant', async () => {
    const victim = await createTestTenant(api);
    const neighbour = await createTestTenant(api);
    const good = await neighbour.apiKey(['orders:read']);
    const named = await victim.apiKey(['orders:read']);
    process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '4';
    try {
      const bad = (i: number) =>
        i % 2
          ? `oms_${victim.tenantId}_garbage`
          : `${named.slice(0, named.lastIndexOf('_') + 1)}${String(i).padStart(43, 'B')}`;
      const attempts = await sequential(9, (i) =>
        requestFrom('127.0.0.6', api.url, 'GET', '/api/v1/orders', { headers: key(bad(i)) }),
      );
      expect(attempts.some((r) => r.status === 429)).toBe(true);
      const neighbourRes = await requestFrom('127.0.0.6', api.url, 'GET', '/api/v1/orders', {
        headers: key(good),
      });
      expect(neighbourRes.status).toBe(200);
    } finally {
      process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '100000';
    }
    const { Items = [] } = await DynamoDBDocumentClient.from(api.resources.dynamo).send(
      new QueryCommand({
        TableName: api.resources.tableName,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':p': tenantPk(victim.tenantId), ':r': 'RATE#' },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([]);
  });
});

describe('7. malformed input is a 4xx problem', () => {
  const expect4xx = (res: TestResponse) => {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  };

  it('refuses a cursor of another tenant, or one forged from it', async () => {
    const a = await createTestTenant(api);
    const b = await createTestTenant(api);
    for (let i = 0; i < 3; i++) await postOrder(api, a, limitOrder());
    const page = await api.request('GET', '/api/v1/orders?limit=1', { headers: a.headers('viewer') });
    const cursor = page.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    const next = await api.request('GET', `/api/v1/orders?limit=1&cursor=${cursor}`, {
      headers: a.headers('viewer'),
    });
    expect(next.status).toBe(200);
    expect4xx(
      await api.request('GET', `/api/v1/orders?limit=1&cursor=${cursor}`, { headers: b.headers('viewer') }),
    );
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const pkOfB = tenantPk(b.tenantId);
    for (const bad of [
      forged({ pk: pkOfB, sk: `ORDER#${'0'.repeat(26)}`, gsi1pk: `${pkOfB}#ORDERS`, gsi1sk: 'x' }),
      forged({ pk: tenantPk(a.tenantId), sk: 'ORDER#x', gsi1pk: `${pkOfB}#ORDERS`, gsi1sk: 'x' }),
      `${cursor.slice(0, -2)}AA`,
    ]) {
      expect4xx(await api.request('GET', `/api/v1/orders?cursor=${bad}`, { headers: b.headers('viewer') }));
    }
    const users = await api.request('GET', '/api/v1/users?limit=1', { headers: a.headers('admin') });
    expect4xx(
      await api.request('GET', `/api/v1/users?cursor=${users.body.nextCursor as string}`, {
        headers: b.headers('admin'),
      }),
    );
  });

  it('refuses a deeply nested body before parsing it', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const res = await api.request('POST', '/api/v1/orders', {
      body: deep,
      headers: { ...tenant.headers('trader'), 'idempotency-key': randomUUID() },
    });
    expect4xx(res);
  });

  it('finds no asset named after an Object.prototype member', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect4xx(await api.request('GET', `/api/docs/${name}`));
  });

  it('refuses a login name that could never be a username', async () => {
    for (const username of ['a#b', 'IDP#USER#x', '#'])
      expect4xx(
        await api.request('POST', '/api/v1/auth/login', { body: { username, password: 'Whatever-1234' } }),
      );
  });
});

describe('8. responses carrying tokens or secrets are never cached', () => {
  it('login, refresh, logout, key creation, webhook creation and secret rotation say no-store', async () => {
    const user = await tenant.addUser('admin');
    const tokens = await login(user.username, user.password);
    const refreshed = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: tokens.body.refreshToken },
    });
    const keyRes = await api.request('POST', '/api/v1/api-keys', {
      headers: tenant.headers('admin'),
      body: { name: 'k', scopes: ['orders:read'] },
    });
    process.env.OMS_WEBHOOK_ALLOW_LOOPBACK = 'true';
    const hook = await api.request('POST', '/api/v1/webhooks', {
      headers: tenant.headers('admin'),
      body: { url: 'http://127.0.0.1:9/hook', events: ['order.filled'] },
    });
    const rotated = await api.request('POST', `/api/v1/webhooks/${hook.body.id as string}/rotate-secret`, {
      headers: tenant.headers('admin'),
    });
    for (const res of [tokens, refreshed, keyRes, hook, rotated]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('9. the public readiness check names no host or port', () => {
  it('says up or down per dependency, and the details need an operator', async () => {
    await DynamoDBDocumentClient.from(api.resources.dynamo).send(
      new PutCommand({
        TableName: api.resources.tableName,
        Item: {
          ...systemKeys.bridgeStatus(),
          updatedAt: new Date().toISOString(),
          brokerConnected: true,
          broker: '10.1.2.3:4002',
        },
      }),
    );
    const pub = await api.request('GET', '/health/ready');
    expect(JSON.stringify(pub.body)).not.toMatch(/10\.1\.2\.3|4002/);
    expect(pub.body.checks.broker).toBe('up');
    expect(
      (await api.request('GET', '/health/ready/details', { headers: tenant.headers('admin') })).status,
    ).toBe(403);
    const details = await api.request('GET', '/health/ready/details', { headers: operator });
    expect(details.status).toBeLessThan(600);
    expect(JSON.stringify(details.body)).toMatch(/10\.1\.2\.3:4002/);
  });
});

describe('11. tenant lifecycle', () => {
  async function allTenants(): Promise<Array<{ id: string; name: string; status: string }>> {
    const items = [];
    let cursor: string | null = null;
    do {
      const res: TestResponse = await api.request(
        'GET',
        `/api/v1/tenants?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: operator },
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('creating a tenant whose admin name is taken leaves nothing behind', async () => {
    const name = `Dup ${randomUUID()}`;
    const res = await api.request('POST', '/api/v1/tenants', {
      headers: operator,
      body: { name, admin: { username: tenant.usernames.admin.toUpperCase(), password: password() } },
    });
    expect(res.status).toBe(409);
    expect((await allTenants()).some((t) => t.name === name)).toBe(false);
    const ok = await api.request('POST', '/api/v1/tenants', {
      headers: operator,
      body: { name, admin: { username: `adm-${randomUUID().slice(0, 8)}`, password: password() } },
    });
    expect(ok.status).toBe(201);
    expect(await allTenants()).toEqual(
      expect.arrayContaining([{ id: ok.body.id, name, status: 'active', createdAt: ok.body.createdAt }]),
    );
  });

  it('a suspended tenant is refused everywhere, and its working orders can be cancelled at once', async () => {
    const t = await createTestTenant(api);
    const k = await t.apiKey(['orders:read']);
    const order = await postOrder(api, t, limitOrder());
    expect(order.status).toBe(201);
    const patch = await api.request('PATCH', `/api/v1/tenants/${t.tenantId}`, {
      headers: operator,
      body: { status: 'suspended', cancelWorkingOrders: true },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ id: t.tenantId, status: 'suspended', cancelledOrders: 1 });
    for (const res of [
      await api.request('GET', '/api/v1/orders', { headers: t.headers('viewer') }),
      await api.request('GET', '/api/v1/orders', { headers: key(k) }),
      await postOrder(api, t, limitOrder()),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_SUSPENDED');
    }
    expect(
      (
        await api.request('PATCH', `/api/v1/tenants/${t.tenantId}`, {
          headers: t.headers('admin'),
          body: { status: 'active' },
        })
      ).status,
    ).toBe(403);
    const back = await api.request('PATCH', `/api/v1/tenants/${t.tenantId}`, {
      headers: operator,
      body: { status: 'active' },
    });
    expect(back.body.status).toBe('active');
    const got = await api.request('GET', `/api/v1/orders/${order.body.id as string}`, {
      headers: t.headers('viewer'),
    });
    expect(['pending_cancel', 'cancelled']).toContain(got.body.status);
    expect(
      (
        await api.request('PATCH', '/api/v1/tenants/tnosuchtenant0', {
          headers: operator,
          body: { status: 'active' },
        })
      ).status,
    ).toBe(404);
  });
});
