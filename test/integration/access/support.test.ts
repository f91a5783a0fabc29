import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, operatorToken } from '../../support/tenants.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('test support: tenants and callers', () => {
  it('gives a tenant whose callers the real authorizer accepts', async () => {
    const tenant = await createTestTenant(api);
    const me = await api.request('GET', '/api/v1/tenants/me', { headers: tenant.headers('viewer') });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: tenant.tenantId,
      caller: { principal: `user:${tenant.usernames.viewer}`, roles: ['viewer'] },
    });
    const key = await tenant.apiKey(['orders:read']);
    const viaKey = await api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': key } });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.caller).toMatchObject({ kind: 'apiKey', scopes: ['orders:read'] });
  });

  it('answers 401 problem+json with WWW-Authenticate without a credential', async () => {
    const res = await api.request('GET', '/api/v1/tenants/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'MISSING_CREDENTIALS' });
  });

  it('lets an operator create a tenant whose admin can log in', async () => {
    const res = await api.request('POST', '/api/v1/tenants', {
      headers: { authorization: `Bearer ${operatorToken(api)}` },
      body: { name: 'Fund A', admin: { username: `boss-${Date.now()}`, password: 'Correct-horse-9' } },
    });
    expect(res.status).toBe(201);
    const login = await api.request('POST', '/api/v1/auth/login', {
      body: { username: res.body.admin.username, password: 'Correct-horse-9' },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const me = await api.request('GET', '/api/v1/tenants/me', {
      headers: { authorization: `Bearer ${login.body.accessToken}` },
    });
    expect(me.body).toMatchObject({ id: res.body.id, name: 'Fund A' });
  });
});

describe('login and refresh', () => {
  it('rotates refresh tokens: each works once', async () => {
    const tenant = await createTestTenant(api);
    const { username, password } = await tenant.addUser('trader');
    const login = await api.request('POST', '/api/v1/auth/login', {
      body: { username, password, tenant: tenant.tenantId },
    });
    expect(login.status).toBe(200);
    const refreshed = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    const me = await api.request('GET', '/api/v1/tenants/me', {
      headers: { authorization: `Bearer ${refreshed.body.accessToken}` },
    });
    expect(me.body.caller.roles).toEqual(['trader']);
    const reused = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(reused.status).toBe(401);
  });

  it('refuses a login naming another tenant, and audits logins', async () => {
    const [a, b] = await Promise.all([createTestTenant(api), createTestTenant(api)]);
    const { username, password } = await a.addUser('viewer');
    const wrongTenant = await api.request('POST', '/api/v1/auth/login', {
      body: { username, password, tenant: b.tenantId },
    });
    expect(wrongTenant.status).toBe(401);
    await api.request('POST', '/api/v1/auth/login', { body: { username, password } });
    const audit = await api.request('GET', '/api/v1/audit?type=auth.login_succeeded', {
      headers: a.headers('admin'),
    });
    expect(audit.body.items[0]).toMatchObject({ type: 'auth.login_succeeded', actor: `user:${username}` });
  });

  it('revokes an API key at once and records it', async () => {
    const tenant = await createTestTenant(api);
    const created = await api.request('POST', '/api/v1/api-keys', {
      headers: tenant.headers('admin'),
      body: { name: 'ci', scopes: ['orders:read'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^oms_/);
    const list = await api.request('GET', '/api/v1/api-keys', { headers: tenant.headers('admin') });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(JSON.stringify(list.body)).not.toContain('secretHash');
    expect(
      (await api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': created.body.key } })).status,
    ).toBe(200);
    expect(
      (
        await api.request('DELETE', `/api/v1/api-keys/${created.body.id}`, {
          headers: tenant.headers('admin'),
        })
      ).status,
    ).toBe(200);
    expect(
      (await api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': created.body.key } })).status,
    ).toBe(401);
    const audit = await api.request('GET', '/api/v1/audit', { headers: tenant.headers('admin') });
    expect(audit.body.items.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['api_key.created', 'api_key.revoked']),
    );
  });
});
