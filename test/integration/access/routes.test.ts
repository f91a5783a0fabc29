/**
 * Acceptance 1: every route of the topology against every kind of bad credential (401), and the
 * role/scope matrix of the tenancy routes (403 or success). Routes added later are covered
 * automatically: the table is the topology.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routes, type RouteSpec } from '../../../core/topology.ts';
import { ROLE_SCOPES, ROLES, SCOPES, type Role, type Scope } from '../../../core/access/caller.ts';
import { generateSigningKey } from '../../../adapters/identity/jwt.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, operatorToken, type TestTenant } from '../../support/tenants.ts';

let api: TestApi;
let tenant: TestTenant;
const bad: Record<string, Record<string, string>> = {};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const fill = (path: string) => path.replace(/\{(\w+)\+?\}/g, 'x0000000000000000000');

beforeAll(async () => {
  // Hundreds of refused credentials come from one address here; the brute-force limit has its own test.
  process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '100000';
  api = await startTestApi();
  tenant = await createTestTenant(api);
  const provider = api.identity.provider;
  const user = { username: tenant.usernames.admin, tenantId: tenant.tenantId, groups: ['admin'] };
  const now = Math.floor(Date.now() / 1000);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const valid = provider.accessToken(user);
  const [h, p] = valid.split('.');
  const revoked = await tenant.apiKey([...SCOPES]);
  const revokedId = revoked.split('_')[2];
  await api.store.forTenant(tenant.tenantId).revokeApiKey(revokedId!, new Date());
  Object.assign(bad, {
    'no credential': {},
    'expired token': bearer(
      provider.accessToken(user, { overrides: { iat: now - 7200, auth_time: now - 7200, exp: now - 60 } }),
    ),
    'token signed by another key': bearer(
      provider.accessToken(user, { key: { ...generateSigningKey(api.identity.signingKey.kid) } }),
    ),
    'alg none': bearer(`${b64({ alg: 'none', kid: api.identity.signingKey.kid })}.${p}.`),
    'alg HS256': bearer(`${b64({ alg: 'HS256', kid: api.identity.signingKey.kid })}.${p}.${'A'.repeat(43)}`),
    'tampered payload': bearer(
      `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), 'cognito:groups': ['admin'], 'custom:tenant': 'tother' })}.${valid.split('.')[2]}`,
    ),
    'wrong issuer': bearer(
      provider.accessToken(user, {
        overrides: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' },
      }),
    ),
    'wrong client_id': bearer(provider.accessToken(user, { overrides: { client_id: 'someoneelsesclient' } })),
    'id token (token_use id)': bearer(provider.idToken(user)),
    'unknown kid': bearer(provider.accessToken(user, { header: { kid: 'not-a-known-kid' } })),
    'no tenant claim': bearer(provider.accessToken({ ...user, tenantId: undefined })),
    'malformed bearer': { authorization: 'Bearer not-a-jwt' },
    'basic scheme': { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    'revoked API key': { 'x-api-key': revoked },
    'expired API key': { 'x-api-key': await expiredKey() },
    'forged API key': { 'x-api-key': `${revoked.slice(0, revoked.lastIndexOf('_') + 1)}${'A'.repeat(43)}` },
    'garbage API key': { 'x-api-key': 'oms_nope' },
  });
});
afterAll(() => api?.close());

async function expiredKey(): Promise<string> {
  const key = await tenant.apiKey(['orders:read']);
  const id = key.split('_')[2]!;
  // Expiry in the past, written straight to the item: the API refuses to create such a key.
  const { tenancyKeys } = await import('../../../core/store/keys.ts');
  await api.store.table.update(
    tenancyKeys.apiKey(tenant.tenantId, id),
    'SET expiresAt = :t',
    'expiring a key',
    {
      values: { ':t': '2000-01-01T00:00:00.000Z' },
    },
  );
  return key;
}

const callerRoutes = routes.filter((r) => r.auth === 'caller');
const CASES = [
  'no credential',
  'expired token',
  'token signed by another key',
  'alg none',
  'alg HS256',
  'tampered payload',
  'wrong issuer',
  'wrong client_id',
  'id token (token_use id)',
  'unknown kid',
  'no tenant claim',
  'malformed bearer',
  'basic scheme',
  'revoked API key',
  'expired API key',
  'forged API key',
  'garbage API key',
];

describe('every caller route refuses bad credentials with 401 problem+json', () => {
  it('covers the routes of the topology', () => {
    expect(callerRoutes.length).toBeGreaterThan(5);
  });

  describe.each(callerRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s',
    (_name, route: RouteSpec) => {
      it.each(CASES)('%s → 401', async (kind) => {
        const res = await api.request(route.method, fill(route.path), {
          headers: bad[kind]!,
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: {} } : {}),
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      });
    },
  );
});

// The tenancy routes and what they need; routes of other modules test their own matrix.
type Need = { scope: Scope } | 'operator' | 'member';
const uid = () => Math.random().toString(36).slice(2, 10);
const OWN: Record<
  string,
  {
    need: Need;
    ok: number;
    body?: () => unknown;
    path?: (t: TestTenant) => Promise<string>;
    /** What a key also needs beyond the route's scope (a user it makes or changes can't outrank it). */
    keyAlsoNeeds?: readonly Scope[];
  }
> = {
  'POST /api/v1/tenants': {
    need: 'operator',
    ok: 201,
    body: () => ({ name: 'Matrix', admin: { username: `m-${uid()}`, password: 'Matrix-password-1' } }),
  },
  'GET /api/v1/tenants/me': { need: 'member', ok: 200 },
  'GET /api/v1/tenants': { need: 'operator', ok: 200 },
  'PATCH /api/v1/tenants/{id}': {
    need: 'operator',
    ok: 200,
    body: () => ({ status: 'active' }),
    path: async (t) => `/api/v1/tenants/${t.tenantId}`,
  },
  'POST /api/v1/users': {
    need: { scope: 'users:write' },
    keyAlsoNeeds: ROLE_SCOPES.viewer,
    ok: 201,
    body: () => ({ username: `u-${uid()}`, password: 'Matrix-password-1', role: 'viewer' }),
  },
  'GET /api/v1/users': { need: { scope: 'users:read' }, ok: 200 },
  'GET /api/v1/users/{username}': {
    need: { scope: 'users:read' },
    ok: 200,
    path: async (t) => `/api/v1/users/${t.usernames.viewer}`,
  },
  'PATCH /api/v1/users/{username}': {
    need: { scope: 'users:write' },
    keyAlsoNeeds: ROLE_SCOPES.trader,
    ok: 200,
    body: () => ({ role: 'viewer' }),
    path: async (t) => `/api/v1/users/${(await t.addUser('trader')).username}`,
  },
  'POST /api/v1/api-keys': {
    need: { scope: 'api-keys:write' },
    ok: 201,
    body: () => ({ name: 'k', scopes: ['api-keys:write'] }),
  },
  'GET /api/v1/api-keys': { need: { scope: 'api-keys:read' }, ok: 200 },
  'GET /api/v1/api-keys/{id}': {
    need: { scope: 'api-keys:read' },
    ok: 200,
    path: async (t) => `/api/v1/api-keys/${(await t.apiKey(['orders:read'])).split('_')[2]}`,
  },
  'DELETE /api/v1/api-keys/{id}': {
    need: { scope: 'api-keys:write' },
    ok: 200,
    path: async (t) => `/api/v1/api-keys/${(await t.apiKey(['orders:read'])).split('_')[2]}`,
  },
  'GET /api/v1/audit': { need: { scope: 'audit:read' }, ok: 200 },
};

describe('role and scope matrix of the tenancy routes', () => {
  it('has an entry for every tenancy route', () => {
    const mine = callerRoutes
      .filter((r) => /^functions\/(tenants|users|api-keys|audit)\//.test(r.handler))
      .map((r) => `${r.method} ${r.path}`);
    expect(mine.sort()).toEqual(Object.keys(OWN).sort());
  });

  type Who = Role | 'operator' | 'key with the scope' | 'key lacking the scope';
  const WHO: Who[] = [...ROLES, 'operator', 'key with the scope', 'key lacking the scope'];

  function expected(need: Need, who: Who): boolean {
    if (need === 'operator') return who === 'operator';
    if (need === 'member') return who !== 'operator';
    if (who === 'operator') return false;
    if (who === 'key with the scope') return true;
    if (who === 'key lacking the scope') return false;
    return ROLE_SCOPES[who].includes(need.scope);
  }

  describe.each(Object.entries(OWN))('%s', (name, spec) => {
    it.each(WHO)('%s', async (who) => {
      const [method, template] = name.split(' ') as [string, string];
      const path = spec.path ? await spec.path(tenant) : template;
      const scope = typeof spec.need === 'object' ? spec.need.scope : 'orders:read';
      let headers: Record<string, string>;
      if (who === 'operator') headers = { authorization: `Bearer ${operatorToken(api)}` };
      else if (who === 'key with the scope')
        headers = {
          'x-api-key': await tenant.apiKey(
            spec.need === 'member' ? ['orders:read'] : [scope, ...(spec.keyAlsoNeeds ?? [])],
          ),
        };
      else if (who === 'key lacking the scope')
        headers = { 'x-api-key': await tenant.apiKey(SCOPES.filter((s) => s !== scope)) };
      else headers = tenant.headers(who);
      const res = await api.request(method, path, { headers, ...(spec.body ? { body: spec.body() } : {}) });
      const allowed =
        spec.need === 'member' && who === 'key lacking the scope' ? true : expected(spec.need, who);
      if (allowed) expect(res.status).toBe(spec.ok);
      else {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      }
    });
  });
});
