import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileErrors, validate } from '@readme/openapi-parser';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { routes } from '../../../core/topology.ts';
import { catalog } from '../../../functions/docs/catalog.ts';
import { PROBLEM_CODES } from '../../../functions/docs/problem-codes.ts';
import { ALL_WEBHOOK_EVENTS } from '../../../functions/docs/webhook-events.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document listing every route of the topology', async () => {
    const res = await api.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(res.body));
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    for (const route of routes) {
      expect([
        route.method,
        route.path,
        res.body.paths[route.path]?.[route.method.toLowerCase()] !== undefined,
      ]).toEqual([route.method, route.path, true]);
    }
  });

  it('puts orders first, names every operation, and enumerates problem codes and webhook events', async () => {
    const { body } = await api.request('GET', '/api/openapi.json');
    expect(Object.keys(body.paths)[0]).toBe('/api/v1/orders');
    expect(body.tags[0].name).toBe('orders');
    const operations = Object.values(body.paths).flatMap((item) => Object.values(item as object));
    const ids = operations.map((op) => (op as { operationId?: string }).operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-zA-Z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(body.components.schemas.ProblemCode.enum).toEqual([...PROBLEM_CODES]);
    expect(body.components.schemas.WebhookEventType.enum).toEqual([...ALL_WEBHOOK_EVENTS]);
    expect(Object.keys(body.webhooks)).toEqual([...ALL_WEBHOOK_EVENTS]);
    for (const op of operations)
      for (const [status, response] of Object.entries((op as { responses: object }).responses)) {
        const media = Object.values((response as { content?: object }).content ?? {})[0] as
          { example?: unknown; schema?: unknown } | undefined;
        if (media?.schema && Number(status) >= 400) expect(media.example).toBeDefined();
      }
  });

  it('documents every route by hand, not just by path', () => {
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !catalog[key]);
    expect(missing).toEqual([]);
  });

  it('describes requests with the schemas that validate them', async () => {
    const { body } = await api.request('GET', '/api/openapi.json');
    const place = body.paths['/api/v1/orders'].post;
    expect(place.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(place.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }),
    );
    const schema = place.requestBody.content['application/json'].schema;
    const deref = (s: { $ref?: string }) =>
      s.$ref ? body.components.schemas[s.$ref.split('/').pop() as string] : s;
    // One schema per order class: a simple order, an entry with its exits, an OCO pair.
    const classes = deref(schema).anyOf ?? deref(schema).oneOf;
    expect(classes.map((s: { $ref?: string }) => s.$ref?.split('/').pop())).toEqual([
      'NewOrderRequest',
      'EntryOrderRequest',
      'OcoOrderRequest',
    ]);
    const resolved = deref(classes[0]);
    expect(resolved.required).toEqual(expect.arrayContaining(['symbol', 'side', 'quantity', 'type']));
    expect(deref(classes[1]).required).toEqual(
      expect.arrayContaining(['symbol', 'side', 'quantity', 'type', 'orderClass']),
    );
    expect(deref(classes[2]).required).toEqual(['orderClass', 'legs']);
    expect(Object.keys(place.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '422', '429']),
    );
    expect(body.paths['/health'].get.security).toEqual([]);
  });
});

describe('interactive reference', () => {
  it('serves a page and every file it loads, with no CDN', async () => {
    const page = await fetch(`${api.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain("url: '/api/openapi.json'");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      expect(ref.startsWith('/')).toBe(true);
      const asset = await fetch(`${api.url}${ref}`);
      expect([ref, asset.status]).toEqual([ref, 200]);
      expect((await asset.text()).length).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${api.url}/api/docs/..%2Fpackage.json`)).status).toBe(404);
  });
});
