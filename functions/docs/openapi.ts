import * as z from 'zod';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { routes, type RouteSpec } from '../../core/topology.ts';
import { catalog, type RouteDoc } from './catalog.ts';

const Problem = z
  .object({
    type: z.string().meta({ example: 'urn:oms:problem:risk-max-notional' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable machine-readable code', example: 'RISK_MAX_NOTIONAL' }),
    instance: z.string().optional().meta({ description: 'The request id' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

function pathParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return undefined;
  return z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
}

const CALLER_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

function describe(route: RouteSpec, doc: RouteDoc | undefined): RouteConfig {
  const summary = doc?.summary ?? `${route.method} ${route.path}`;
  const params = pathParams(route.path);
  const errors: Record<number, ReturnType<typeof problemResponse>> = {
    400: problemResponse('Invalid request'),
  };
  if (route.auth === 'caller') {
    errors[401] = problemResponse('Missing, expired or forged credential');
    errors[403] = problemResponse('The caller lacks the role or scope');
    errors[429] = problemResponse('Rate limited; see Retry-After');
  }
  if (params) errors[404] = problemResponse('No such resource for this tenant');
  if (route.method !== 'GET') errors[409] = problemResponse('Conflicts with the current state');
  if (route.path === '/api/v1/orders' && route.method === 'POST')
    errors[422] = problemResponse('Rejected by pre-trade risk; the rejected order is recorded');
  if (route.method === 'PATCH') errors[422] = problemResponse('The change is refused by pre-trade risk');
  return {
    method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: route.path,
    summary,
    ...(doc?.description ? { description: doc.description } : {}),
    tags: [doc?.tag ?? route.path.split('/')[3] ?? 'service'],
    security: route.auth === 'caller' ? CALLER_SECURITY : [],
    request: {
      ...(params ? { params } : {}),
      ...(doc?.query ? { query: doc.query as z.ZodObject } : {}),
      ...(doc?.headers ? { headers: doc.headers } : {}),
      ...(doc?.body
        ? { body: { required: true, content: { 'application/json': { schema: doc.body } } } }
        : {}),
    },
    responses: {
      [doc?.success.status ?? 200]: {
        description: doc?.success.description ?? 'Success',
        ...(doc?.success.schema ? { content: { 'application/json': { schema: doc.success.schema } } } : {}),
      },
      ...errors,
    },
  };
}

let cached: object | undefined;

/** The OpenAPI 3.1 document of every route in the topology. */
export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
  });
  for (const route of routes)
    registry.registerPath(describe(route, catalog[`${route.method} ${route.path}`]));
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'IB OMS API',
      version: '1.0.0',
      description:
        'Multi-tenant order management for Interactive Brokers: orders with pre-trade risk, positions and P&L, market data and signed webhooks. Decimals are JSON strings; errors are RFC 9457 problem+json with a stable code.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
