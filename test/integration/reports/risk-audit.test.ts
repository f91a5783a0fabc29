/** Risk-limit and kill-switch changes enter the tenant's audit log with the state before and after. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant } from '../../support/tenants.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('the audit log of risk changes', () => {
  it('records each limits change and kill-switch change with before and after, for its tenant only', async () => {
    const tenant = await createTestTenant(api);
    const other = await createTestTenant(api);
    const admin = tenant.headers('admin');
    const first = await api.request('GET', '/api/v1/risk/limits', { headers: admin });
    const put = await api.request('PUT', '/api/v1/risk/limits', {
      body: { ...first.body, maxOpenOrders: 7 },
      headers: admin,
    });
    expect(put.status).toBe(200);
    const engaged = await api.request('POST', '/api/v1/risk/kill-switch', {
      body: { engaged: true, reason: 'halt' },
      headers: admin,
    });
    expect(engaged.status).toBe(200);

    const limits = await api.request('GET', '/api/v1/audit?type=risk.limits_changed', { headers: admin });
    expect(limits.status).toBe(200);
    expect(limits.body.items).toHaveLength(1);
    expect(limits.body.items[0]).toMatchObject({
      type: 'risk.limits_changed',
      data: { before: { maxOpenOrders: first.body.maxOpenOrders }, after: { maxOpenOrders: 7 } },
    });
    const kill = await api.request('GET', '/api/v1/audit?type=risk.kill_switch_changed', { headers: admin });
    expect(kill.body.items).toHaveLength(1);
    expect(kill.body.items[0]).toMatchObject({
      type: 'risk.kill_switch_changed',
      data: { before: { engaged: false }, after: { engaged: true, reason: 'halt' } },
    });
    const theirs = await api.request('GET', '/api/v1/audit?type=risk.limits_changed', {
      headers: other.headers('admin'),
    });
    expect(theirs.body.items).toEqual([]);
  });
});
