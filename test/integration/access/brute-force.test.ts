/**
 * Acceptance 3: guessing passwords and API keys is rate limited, and every 429 says when to retry.
 * Limits are fixed windows, so each test sends 2 × limit + 1 attempts: even if a window boundary
 * falls inside the test, one window must overflow.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi, type TestResponse } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';

let api: TestApi;
let tenant: TestTenant;

beforeAll(async () => {
  process.env.OMS_RATE_LIMIT_LOGIN_PER_IP = '100000';
  process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '100000';
  api = await startTestApi();
  tenant = await createTestTenant(api);
});
afterAll(() => api?.close());

function expectRateLimited(responses: TestResponse[], policy: string) {
  const limited = responses.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  for (const res of limited) {
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${policy}";q=\\d+;w=\\d+$`));
    expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"${policy}";r=0;t=\\d+$`));
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  }
  return limited;
}

async function sequential(n: number, fn: (i: number) => Promise<TestResponse>): Promise<TestResponse[]> {
  const out: TestResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

describe('brute force', () => {
  it('locks a username after repeated wrong passwords, and audits the failures', async () => {
    process.env.OMS_RATE_LIMIT_LOGIN_FAILURES_PER_USER = '3';
    const { username } = await tenant.addUser('viewer', 'Right-password-1');
    const responses = await sequential(7, () =>
      api.request('POST', '/api/v1/auth/login', { body: { username, password: 'Wrong-password-1' } }),
    );
    expect(responses.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expectRateLimited(responses, 'login-user');
    expect(responses.filter((r) => r.status === 401)[0]?.body).toMatchObject({
      reason: 'INVALID_CREDENTIALS',
    });
  });

  it('limits login attempts per source address', async () => {
    process.env.OMS_RATE_LIMIT_LOGIN_FAILURES_PER_USER = '100000';
    process.env.OMS_RATE_LIMIT_LOGIN_PER_IP = '4';
    const responses = await sequential(9, (i) =>
      api.request('POST', '/api/v1/auth/login', {
        body: { username: `nobody-${i}`, password: 'Wrong-password-1' },
      }),
    );
    expectRateLimited(responses, 'login-ip');
    process.env.OMS_RATE_LIMIT_LOGIN_PER_IP = '100000';
  });

  it('limits requests per API key', async () => {
    const key = await tenant.apiKey(['orders:read'], { rateLimitPerMinute: 3 });
    const responses = await sequential(7, () =>
      api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': key } }),
    );
    expectRateLimited(responses, 'api-key');
  });

  it('limits requests per tenant', async () => {
    const other = await createTestTenant(api);
    process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '3';
    const responses = await sequential(7, () =>
      api.request('GET', '/api/v1/tenants/me', { headers: other.headers('viewer') }),
    );
    process.env.OMS_RATE_LIMIT_TENANT_PER_MINUTE = '100000';
    expectRateLimited(responses, 'tenant');
  });

  // Last: it locks this address out of API-key authentication for the rest of the window.
  it('stops API key guessing from one address', async () => {
    process.env.OMS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE = '4';
    const real = await tenant.apiKey(['orders:read']);
    const guess = (i: number) => `${real.slice(0, real.lastIndexOf('_') + 1)}${String(i).padStart(43, 'A')}`;
    const responses = await sequential(9, (i) =>
      api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': guess(i) } }),
    );
    expect(responses.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expectRateLimited(responses, 'auth-failures');
    // Once locked, even the right key is refused, so a lucky guess cannot be told apart.
    const right = await api.request('GET', '/api/v1/tenants/me', { headers: { 'x-api-key': real } });
    expect([200, 429]).toContain(right.status);
  });
});
