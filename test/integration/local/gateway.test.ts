import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, MAX_BODY_BYTES, type Gateway } from '../../../local/gateway.ts';
import type { RouteSpec } from '../../../core/topology.ts';

const routes: RouteSpec[] = [
  { method: 'GET', path: '/things/{id}', handler: 'test/fixtures/handlers/echo.ts', auth: 'public' },
  { method: 'POST', path: '/things/{id}', handler: 'test/fixtures/handlers/echo.ts', auth: 'public' },
  { method: 'POST', path: '/things/special', handler: 'test/fixtures/handlers/binary.ts', auth: 'public' },
  { method: 'GET', path: '/files/{proxy+}', handler: 'test/fixtures/handlers/echo.ts', auth: 'public' },
  { method: 'GET', path: '/private', handler: 'test/fixtures/handlers/echo.ts', auth: 'caller' },
];

/** The parts of the echoed event the tests look at. */
interface Echoed {
  headers: Record<string, string | undefined>;
  pathParameters?: Record<string, string>;
  requestContext: { time: string; timeEpoch: unknown; authorizer?: unknown };
}

async function echoed(res: Response): Promise<Echoed> {
  return (await res.json()) as Echoed;
}

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ routes, authorizer: 'test/fixtures/handlers/authorizer.ts' });
});
afterAll(() => gateway.close());

describe('local HTTP gateway', () => {
  it('turns a request into an API Gateway v2 event', async () => {
    const res = await fetch(`${gateway.url}/things/a%20b?x=1&x=2&y=3`, {
      headers: { 'X-Custom': 'v', cookie: 'c1=1; c2=2' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const event = await echoed(res);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/a%20b',
      rawQueryString: 'x=1&x=2&y=3',
      cookies: ['c1=1', 'c2=2'],
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: { id: 'a b' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/things/a%20b', sourceIp: '127.0.0.1' },
        routeKey: 'GET /things/{id}',
        stage: '$default',
        requestId: res.headers.get('x-request-id'),
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
  });

  it('passes text bodies as text and binary bodies as base64', async () => {
    const text = await (
      await fetch(`${gateway.url}/things/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      })
    ).json();
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bytes = Buffer.from([1, 2, 3, 250]);
    const binary = await (
      await fetch(`${gateway.url}/things/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      })
    ).json();
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('decodes a base64 result body', async () => {
    const res = await fetch(`${gateway.url}/things/special`, { method: 'POST' });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('prefers the literal route over a parameter and supports greedy paths', async () => {
    expect(
      (await fetch(`${gateway.url}/things/special`, { method: 'POST' })).headers.get('content-type'),
    ).toBe('application/octet-stream');
    const event = await echoed(await fetch(`${gateway.url}/files/a/b/c.txt`));
    expect(event.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
  });

  it('answers an unknown route with 404 and a wrong method with 405, as problem+json', async () => {
    const missing = await fetch(`${gateway.url}/nothing/here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });

    const wrong = await fetch(`${gateway.url}/things/1`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect(await wrong.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it('refuses bodies over 10 MB with 413', async () => {
    const res = await fetch(`${gateway.url}/things/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 32),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('runs the authorizer before protected routes and hands its context to the handler', async () => {
    const denied = await fetch(`${gateway.url}/private`, { headers: { authorization: 'nope' } });
    expect(denied.status).toBe(403);
    const allowed = await fetch(`${gateway.url}/private`, { headers: { authorization: 'let-me-in' } });
    expect(allowed.status).toBe(200);
    const event = await echoed(allowed);
    expect(event.requestContext.authorizer).toEqual({
      lambda: { tenantId: 'tenant-a', principal: 'user:alice', kind: 'user', roles: 'trader', seen: 1 },
    });
  });
});
