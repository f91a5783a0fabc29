import * as z from 'zod';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { routes, type RouteSpec } from '../../core/topology.ts';
import { catalog, TAGS, type RouteDoc } from './catalog.ts';
import { examples, problemExample, type RouteExample } from './examples.ts';
import { PROBLEM_CODES } from './problem-codes.ts';
import { webhookRoutes } from './webhook-events.ts';

export const Problem = z
  .object({
    type: z.string().meta({ example: 'urn:oms:problem:validation-failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES).meta({ description: 'Stable machine-readable code', id: 'ProblemCode' }),
    instance: z.string().optional().meta({ description: 'The request id' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing, expired or forged credential',
  403: 'The caller lacks the role or scope',
  404: 'No such resource for this tenant',
  409: 'Conflicts with the current state',
  422: 'Refused by a domain rule (pre-trade risk, a forbidden webhook URL)',
  429: 'Rate limited; see Retry-After',
  504: 'The broker did not answer in time (BROKER_TIMEOUT)',
};

/** Routes that ask the broker through the connection's bridge and may time out. */
const BROKER_ROUTES = new Set([
  'GET /api/v1/instruments',
  'GET /api/v1/instruments/{conId}',
  'POST /api/v1/orders/preview',
]);

/** The error statuses a route documents. */
export function errorStatuses(route: RouteSpec): number[] {
  const statuses = [400];
  if (route.auth === 'caller') statuses.push(401, 403, 429);
  if (/\{\w+\+?\}/.test(route.path)) statuses.push(404);
  if (route.method !== 'GET') statuses.push(409);
  const key = `${route.method} ${route.path}`;
  if (key === 'POST /api/v1/orders' || (route.method === 'PATCH' && route.path.startsWith('/api/v1/orders')))
    statuses.push(422);
  if (key === 'POST /api/v1/webhooks') statuses.push(422);
  if (key === 'POST /api/v1/strategies' || key === 'PUT /api/v1/strategies/{id}') statuses.push(422);
  if (key === 'POST /api/v1/strategies/{id}/backtests') statuses.push(422);
  if (key === 'POST /api/v1/orders/preview') statuses.push(422);
  if (BROKER_ROUTES.has(key)) statuses.push(504);
  return statuses.sort((a, b) => a - b);
}

function pathParams(path: string, example: RouteExample | undefined): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(names.map((n) => [n, z.string().meta({ example: example?.params?.[n] ?? n })])),
  );
}

const CALLER_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

function describe(route: RouteSpec, doc: RouteDoc | undefined): RouteConfig {
  const key = `${route.method} ${route.path}`;
  const example = examples[key];
  const params = pathParams(route.path, example);
  const errors = Object.fromEntries(
    errorStatuses(route).map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: Problem, example: problemExample(key, status) } },
      },
    ]),
  );
  const success = doc?.success;
  const successContent = success?.schema
    ? {
        content: {
          [success.contentType ?? 'application/json']: {
            schema: success.schema,
            ...(example?.response !== undefined ? { example: example.response } : {}),
          },
        },
      }
    : {};
  return {
    method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: route.path,
    operationId: doc?.operationId ?? `${route.method.toLowerCase()}${route.path.replace(/\W+/g, '_')}`,
    summary: doc?.summary ?? key,
    ...(doc?.description ? { description: doc.description } : {}),
    tags: [doc?.tag ?? route.path.split('/')[3] ?? 'service'],
    security: route.auth === 'caller' ? CALLER_SECURITY : [],
    request: {
      ...(params ? { params } : {}),
      ...(doc?.query ? { query: doc.query as z.ZodObject } : {}),
      ...(doc?.headers ? { headers: doc.headers } : {}),
      ...(doc?.body
        ? {
            body: {
              required: true,
              content: {
                'application/json': {
                  schema: doc.body,
                  ...(example?.body !== undefined ? { example: example.body } : {}),
                },
              },
            },
          }
        : {}),
    },
    responses: {
      [success?.status ?? 200]: { description: success?.description ?? 'Success', ...successContent },
      ...errors,
    },
  };
}

/** Query parameter examples are set after generation: zod-to-openapi takes them per schema only. */
function addQueryExamples(document: { paths?: Record<string, Record<string, unknown>> }): void {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const query = examples[`${method.toUpperCase()} ${path}`]?.query;
      const parameters = (operation as { parameters?: Array<Record<string, unknown>> }).parameters ?? [];
      for (const p of parameters)
        if (p.in === 'query' && query?.[p.name as string] !== undefined) p.example = query[p.name as string];
    }
  }
}

/** Topology routes in catalog order (orders first), then any the catalog does not know. */
function orderedRoutes(): RouteSpec[] {
  const keyOf = (r: RouteSpec) => `${r.method} ${r.path}`;
  const rank = new Map(Object.keys(catalog).map((k, i) => [k, i]));
  return [...routes].sort((a, b) => (rank.get(keyOf(a)) ?? 1e6) - (rank.get(keyOf(b)) ?? 1e6));
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
  for (const route of orderedRoutes())
    registry.registerPath(describe(route, catalog[`${route.method} ${route.path}`]));
  for (const webhook of webhookRoutes()) registry.registerWebhook(webhook);
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'IB OMS API',
      version: '1.0.0',
      description:
        'Multi-tenant order management for Interactive Brokers: orders with pre-trade risk, positions and P&L, market data and signed webhooks. Decimals are JSON strings; errors are RFC 9457 problem+json with a stable code (see the ProblemCode schema).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: TAGS,
  });
  addQueryExamples(document as { paths?: Record<string, Record<string, unknown>> });
  // As served: schema defaults that are decimals (Dec instances) become their JSON strings, so
  // the object can be cloned and compared like the document a client downloads.
  cached = JSON.parse(JSON.stringify(document)) as object;
  return cached;
}
