/**
 * The typed client: its committed types match the current OpenAPI document (regenerated in
 * memory, so CI catches a spec change without `npm run client:generate`), and it works against
 * the local API with an API key, with a bearer token it refreshes, and with typed problems.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import {
  CLIENT_ENUMS_PATH,
  CLIENT_SCHEMA_PATH,
  clientEnums,
  clientTypes,
} from '../../../bin/generate-client.ts';
import { createOmsClient, login, ok, OmsProblemError, type Tokens } from '../../../client/index.ts';

describe('generated types', () => {
  test('client/schema.d.ts is what the current OpenAPI document generates (run npm run client:generate)', async () => {
    expect(readFileSync(CLIENT_SCHEMA_PATH, 'utf8')).toBe(await clientTypes());
  });

  test('client/enums.ts holds the enumerations of the current OpenAPI document (run npm run client:generate)', async () => {
    expect(readFileSync(CLIENT_ENUMS_PATH, 'utf8')).toBe(await clientEnums());
  });
});

describe('the client against the local API', () => {
  let api: TestApi;
  let tenant: TestTenant;
  beforeAll(async () => {
    api = await startTestApi();
    tenant = await createTestTenant(api);
  });
  afterAll(() => api?.close());

  const order = { symbol: 'AAPL', side: 'buy', quantity: '5', type: 'limit', limitPrice: '187.25' } as const;

  test('an API key places and reads an order', async () => {
    const apiKey = await tenant.apiKey(['orders:read', 'orders:write']);
    const oms = createOmsClient(api.url, { kind: 'apiKey', apiKey });
    const placed = await ok(
      oms.POST('/api/v1/orders', { body: order, params: { header: { 'idempotency-key': randomUUID() } } }),
    );
    expect(placed.status).toBe('pending_new');
    const got = await ok(oms.GET('/api/v1/orders/{id}', { params: { path: { id: placed.id } } }));
    expect(got).toMatchObject({ id: placed.id, symbol: 'AAPL', quantity: '5' });
  });

  test('a refused request throws a typed problem with its code, title and detail', async () => {
    const oms = createOmsClient(api.url, { kind: 'bearer', accessToken: tenant.tokens.viewer });
    const error = await ok(
      oms.POST('/api/v1/orders', { body: order, params: { header: { 'idempotency-key': randomUUID() } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OmsProblemError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN', title: 'Not allowed' });
    expect((error as OmsProblemError).detail).toContain('orders:write');
  });

  test('an expired access token is refreshed once and the request, body included, sent again', async () => {
    const user = await tenant.addUser('trader', 'Correct-Horse-42');
    const tokens = await login(api.url, user.username, user.password);
    const refreshed: Tokens[] = [];
    const oms = createOmsClient(api.url, {
      kind: 'bearer',
      accessToken: 'expired.token.value',
      refreshToken: tokens.refreshToken!,
      onRefresh: (t) => void refreshed.push(t),
    });
    const placed = await ok(
      oms.POST('/api/v1/orders', { body: order, params: { header: { 'idempotency-key': randomUUID() } } }),
    );
    expect(placed.symbol).toBe('AAPL');
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]!.accessToken).not.toBe('expired.token.value');
    // The new token is used from then on: no second refresh.
    await ok(oms.GET('/api/v1/orders', { params: { query: { limit: '5' } } }));
    expect(refreshed).toHaveLength(1);
  });

  test('a refresh token that no longer works gives the original 401 problem', async () => {
    const oms = createOmsClient(api.url, { kind: 'bearer', accessToken: 'expired', refreshToken: 'revoked' });
    await expect(ok(oms.GET('/api/v1/positions'))).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });
});
