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
    expect(me.body).toMatchObject({ id: tenant.tenantId, caller: { principal: `user:${tenant.usernames.viewer}`, roles: ['viewer'] } });
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
    const login = await api.request('POST', '/api/v1/auth/login', { body: { username: res.body.admin.username, password: 'Correct-horse-9' } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const me = await api.request('GET', '/api/v1/tenants/me', { headers: { authorization: `Bearer ${login.body.accessToken}` } });
    expect(me.body).toMatchObject({ id: res.body.id, name: 'Fund A' });
  });
});
