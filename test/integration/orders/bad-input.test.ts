import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { startTestApi, type TestApi, type TestResponse } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { limitOrder, postOrder } from '../../support/orders.ts';
import { tenantPk } from '../../../core/store/keys.ts';

let api: TestApi;
let tenant: TestTenant;
let existing: string;
beforeAll(async () => {
  api = await startTestApi();
  tenant = await createTestTenant(api);
  existing = (await postOrder(api, tenant, limitOrder())).body.id as string;
});
afterAll(() => api.close());

/** Everything the tenant has stored under its partition but its rate-limit windows, to prove bad input wrote nothing. */
async function tenantItems(): Promise<number> {
  const { Items = [] } = await api.resources.dynamo.send(
    new QueryCommand({
      TableName: api.resources.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: tenantPk(tenant.tenantId) } },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    }),
  );
  // Every request counts against the tenant's rate limit, bad or not: those windows aren't data.
  return Items.filter((item) => !item.sk?.S?.startsWith('RATE#')).length;
}

function expectProblem(res: TestResponse, context: unknown): void {
  if (res.status < 400 || res.status >= 500)
    throw new Error(`expected 4xx for ${JSON.stringify(context)}, got ${res.status}`);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(typeof res.body.code).toBe('string');
  expect(res.body.status).toBe(res.status);
}

const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.constant('-1'),
  fc.constant('1e400'),
  fc.constant('NaN'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

/** A valid order with exactly one field broken, or a body of the wrong shape altogether. */
const badBody = fc.oneof(
  fc
    .record({ field: fc.constantFrom('symbol', 'side', 'quantity', 'type', 'limitPrice'), value: junk })
    .map(({ field, value }) => {
      const body: Record<string, unknown> = limitOrder();
      // A junk value that happens to be valid for the field is replaced by one that never is.
      body[field] =
        field === 'quantity' || field === 'limitPrice'
          ? typeof value === 'number'
            ? -Math.abs(value) - 1
            : `x${JSON.stringify(value)}`
          : { bad: value };
      return body;
    }),
  fc
    .record({
      key: fc.string({ minLength: 1 }).filter((k) => !(k in limitOrder()) && k !== '__proto__'),
      value: junk,
    })
    .map(({ key, value }) => ({ ...limitOrder(), [key]: value })),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(junk, { maxLength: 3 })),
  fc.dictionary(fc.string(), junk, { maxKeys: 4 }).filter((o) => !('symbol' in o)),
);

describe('bad input never crashes and never writes', () => {
  it('malformed order bodies get 4xx problem+json', async () => {
    const before = await tenantItems();
    await fc.assert(
      fc.asyncProperty(badBody, async (body) => {
        expectProblem(await postOrder(api, tenant, body), body);
      }),
      { numRuns: 120 },
    );
    expect(await tenantItems()).toBe(before);
  });

  it('raw bodies that are not JSON, or not sent as JSON, get 4xx', async () => {
    const before = await tenantItems();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
        ),
        async (raw, contentType) => {
          const res = await api.request('POST', '/api/v1/orders', {
            body: raw.startsWith('{') ? `${raw}}}` : `{${raw}`,
            headers: { ...tenant.headers('trader'), 'idempotency-key': 'k-raw', 'content-type': contentType },
          });
          expectProblem(res, { raw, contentType });
        },
      ),
      { numRuns: 60 },
    );
    expect(await tenantItems()).toBe(before);
  });

  it('odd Idempotency-Keys and credentials get 4xx', async () => {
    const before = await tenantItems();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(''),
          fc.string({ minLength: 256, maxLength: 300 }),
          fc.string().map((s) => `${s} \t`),
          fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
        ),
        fc.boolean(),
        async (key, forgeAuth) => {
          // Headers can't carry every character; what fetch refuses never reaches the server.
          const headers: Record<string, string> = forgeAuth
            ? { authorization: `Bearer ${key}x.y.z` }
            : tenant.headers('trader');
          if (/^[\x20-\x7e]*$/.test(key)) headers['idempotency-key'] = key;
          else return;
          const res = await api.request('POST', '/api/v1/orders', {
            body: { ...limitOrder(), quantity: '-1' },
            headers,
          });
          expectProblem(res, { key, forgeAuth });
        },
      ),
      { numRuns: 60 },
    );
    expect(await tenantItems()).toBe(before);
  });

  it('odd order ids get 404 or 400, for every id route', async () => {
    const before = await tenantItems();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1 }),
          fc.stringMatching(/^[0-9A-Z]{26}$/),
          fc.constant(existing.toLowerCase()),
          fc.constant('%00'),
          fc.constant('..'),
        ),
        fc.constantFrom(['GET', ''], ['GET', '/events'], ['POST', '/cancel'], ['PATCH', '']),
        async (id, [method, suffix]) => {
          const res = await api.request(
            method as string,
            `/api/v1/orders/${encodeURIComponent(id)}${suffix}`,
            {
              headers: tenant.headers('trader'),
              ...(method === 'PATCH' ? { body: { quantity: '5' } } : {}),
            },
          );
          expectProblem(res, { id, method, suffix });
        },
      ),
      { numRuns: 80 },
    );
    expect(await tenantItems()).toBe(before);
  });

  it('query strings never cause a 5xx, and a refused one is a problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom('status', 'symbol', 'side', 'from', 'to', 'limit', 'cursor'),
              fc.string({ minLength: 1 }),
            ),
            fc.string(),
          ),
          { maxLength: 4 },
        ),
        async (pairs) => {
          const qs = new URLSearchParams(pairs).toString();
          const res = await api.request('GET', `/api/v1/orders?${qs}`, { headers: tenant.headers('viewer') });
          if (res.status === 200) expect(Array.isArray(res.body.items)).toBe(true);
          else expectProblem(res, pairs);
        },
      ),
      { numRuns: 80 },
    );
  });

  // Issue 15, finding 7: cursors, deep bodies, prototype names and impossible usernames.
  it('forged, foreign or mangled cursors get 4xx on every listing', async () => {
    const other = await createTestTenant(api);
    await postOrder(api, other, limitOrder());
    await postOrder(api, other, limitOrder());
    const foreign = (await api.request('GET', '/api/v1/orders?limit=1', { headers: other.headers('viewer') }))
      .body.nextCursor as string;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cursor = fc.oneof(
      fc.constant(foreign),
      fc.string({ minLength: 1 }),
      fc.base64String({ minLength: 4 }).map((b) => b.replaceAll('=', '')),
      fc
        .dictionary(fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk'), fc.string(), { minKeys: 1 })
        .map((key) => json({ ...key, pk: tenantPk(other.tenantId) })),
      fc
        .nat({ max: foreign.length - 1 })
        .map((i) => `${foreign.slice(0, i)}${foreign[i] === 'A' ? 'B' : 'A'}${foreign.slice(i + 1)}`),
      fc.string().map((tail) => `${json({ sk: 'USER#x' })}.${tail}`),
    );
    await fc.assert(
      fc.asyncProperty(
        cursor,
        fc.constantFrom(
          '/api/v1/orders',
          '/api/v1/users',
          '/api/v1/api-keys',
          '/api/v1/audit',
          '/api/v1/webhooks',
        ),
        async (value, path) => {
          const res = await api.request('GET', `${path}?cursor=${encodeURIComponent(value)}`, {
            headers: tenant.headers('admin'),
          });
          expectProblem(res, { value, path });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('bodies nested past the limit get 4xx before parsing, on every JSON route', async () => {
    const before = await tenantItems();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 33, max: 300_000 }),
        fc.constantFrom('[', '{"a":'),
        fc.constantFrom(
          '/api/v1/orders',
          '/api/v1/users',
          '/api/v1/api-keys',
          '/api/v1/auth/login',
          '/api/v1/webhooks',
        ),
        async (depth, open, path) => {
          const close = open === '[' ? ']' : '}';
          const res = await api.request('POST', path, {
            body: `${open.repeat(depth)}1${close.repeat(depth)}`,
            headers: { ...tenant.headers('admin'), 'idempotency-key': `deep-${depth}` },
          });
          expectProblem(res, { depth, open, path });
        },
      ),
      { numRuns: 40 },
    );
    expect(await tenantItems()).toBe(before);
  });

  it('asset names of Object.prototype members get 404, without credentials', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
          fc.string({ minLength: 1 }).filter((s) => !['swagger-ui.css', 'swagger-ui-bundle.js'].includes(s)),
        ),
        async (name) => {
          const res = await api.request('GET', `/api/docs/${encodeURIComponent(name)}`);
          if (res.status !== 404 && res.status !== 400) throw new Error(`${name} → ${res.status}`);
          expectProblem(res, { name });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('login names no user can have get 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 128 }).map((s) => `${s}#`),
          fc.constantFrom('#', 'IDP#USER#x', 'a#b', '__proto__#'),
          fc.string({ minLength: 1, maxLength: 2 }),
        ),
        async (username) => {
          const res = await api.request('POST', '/api/v1/auth/login', {
            body: { username, password: 'Whatever-password-1' },
          });
          expectProblem(res, { username });
        },
      ),
      { numRuns: 60 },
    );
  });
});
