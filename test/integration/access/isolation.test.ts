/** Acceptance 2: tenant B's callers never see tenant A's resources: 404 by id, absent from lists. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routes } from '../../../core/topology.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';

let api: TestApi;
let a: TestTenant;
let b: TestTenant;
let aKeyId: string;
let aUser: string;

beforeAll(async () => {
  api = await startTestApi();
  [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
  aKeyId = (await a.apiKey(['orders:read'])).split('_')[2]!;
  aUser = (await a.addUser('trader')).username;
  await b.apiKey(['orders:read']);
});
afterAll(() => api?.close());

// Every tenancy route taking an id, with tenant A's id in it.
const BY_ID: Record<string, { path: () => string; body?: unknown }> = {
  'GET /api/v1/users/{username}': { path: () => `/api/v1/users/${aUser}` },
  'PATCH /api/v1/users/{username}': { path: () => `/api/v1/users/${aUser}`, body: { role: 'admin' } },
  'GET /api/v1/api-keys/{id}': { path: () => `/api/v1/api-keys/${aKeyId}` },
  'DELETE /api/v1/api-keys/{id}': { path: () => `/api/v1/api-keys/${aKeyId}` },
};

describe('cross-tenant isolation', () => {
  it('names every tenancy route that takes an id', () => {
    // Operator routes (PATCH /tenants/{id}) are 403 for every tenant's caller, whatever the id.
    const withId = routes
      .filter((r) => /^functions\/(tenants|users|api-keys|audit)\//.test(r.handler) && r.path.includes('{'))
      .filter((r) => !r.path.startsWith('/api/v1/tenants/'))
      .map((r) => `${r.method} ${r.path}`);
    expect(withId.sort()).toEqual(Object.keys(BY_ID).sort());
  });

  it.each(Object.entries(BY_ID))(
    "%s with tenant A's id is 404 for tenant B's admin and API key",
    async (name, spec) => {
      const method = name.split(' ')[0]!;
      for (const headers of [
        b.headers('admin'),
        { 'x-api-key': await b.apiKey(['users:read', 'users:write', 'api-keys:read', 'api-keys:write']) },
      ]) {
        const res = await api.request(method, spec.path(), {
          headers,
          ...(spec.body ? { body: spec.body } : {}),
        });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404 });
      }
      // …and tenant A's resource is untouched and still there for A.
      const own = await api.request('GET', spec.path().replace(/^(.*)$/, '$1'), {
        headers: a.headers('admin'),
      });
      expect(own.status).toBe(200);
      if (name.startsWith('PATCH')) expect(own.body.role).toBe('trader');
      if (name.startsWith('DELETE')) expect(own.body.revokedAt).toBeNull();
    },
  );

  it("never lists another tenant's users, keys or audit events", async () => {
    const [users, keys, audit] = await Promise.all([
      api.request('GET', '/api/v1/users?limit=100', { headers: b.headers('admin') }),
      api.request('GET', '/api/v1/api-keys?limit=100', { headers: b.headers('admin') }),
      api.request('GET', '/api/v1/audit?limit=100', { headers: b.headers('admin') }),
    ]);
    expect(users.body.items.map((u: { username: string }) => u.username).sort()).toEqual(
      Object.values(b.usernames).sort(),
    );
    expect(keys.body.items.map((k: { id: string }) => k.id)).not.toContain(aKeyId);
    expect(keys.body.items.length).toBeGreaterThan(0);
    const mentionsA = JSON.stringify(audit.body.items);
    expect(mentionsA).not.toContain(aUser);
    expect(mentionsA).not.toContain(aKeyId);
    expect(mentionsA).not.toContain(a.usernames.admin);
  });

  it("refuses a cursor that points into another tenant's data", async () => {
    const cursor = Buffer.from(JSON.stringify({ sk: `T#${a.tenantId}` })).toString('base64url');
    const res = await api.request('GET', `/api/v1/users?cursor=${cursor}`, { headers: b.headers('admin') });
    expect(res.status).toBe(400);
  });

  it('pages through the audit log with a cursor, newest first', async () => {
    const first = await api.request('GET', '/api/v1/audit?limit=2', { headers: a.headers('admin') });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const second = await api.request('GET', `/api/v1/audit?limit=2&cursor=${first.body.nextCursor}`, {
      headers: a.headers('admin'),
    });
    expect(second.body.items[0].id < first.body.items[1].id).toBe(true);
  });
});
