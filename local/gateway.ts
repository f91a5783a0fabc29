import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routes as topologyRoutes, stream as topologyStream, type RouteSpec } from '../core/topology.ts';
import { problem } from '../functions/shared/problems.ts';
import { prometheusExposition } from '../adapters/metrics/index.ts';
import { functionName, lambdaContext, loadHandler } from './lambda.ts';
import { startStreamGateway, type StreamGatewayOptions, type StreamGateway } from './stream-gateway.ts';

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A simple-response Lambda authorizer result, as API Gateway HTTP APIs take it. */
export interface AuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, string | number | boolean>;
}

export interface GatewayOptions {
  host?: string;
  port?: number;
  routes?: RouteSpec[];
  /** The WebSocket stream on the same port (the topology's by default); `false` serves none. */
  stream?: Partial<StreamGatewayOptions> | false;
  /** Handler module of the Lambda authorizer run before every `caller` route. */
  authorizer?: string;
  /** Answers requests no API route matches (the built console); false when it does not. */
  staticFiles?: (method: string, path: string, res: http.ServerResponse) => boolean;
  /** Called once per request, for access logs. */
  onRequest?: (entry: {
    method: string;
    path: string;
    status: number;
    ms: number;
    requestId: string;
  }) => void;
}

export interface Gateway {
  url: string;
  port: number;
  /** The WebSocket stream's side of the gateway, unless turned off. */
  stream?: StreamGateway;
  close(): Promise<void>;
}

interface CompiledRoute {
  spec: RouteSpec;
  regex: RegExp;
  params: string[];
}

/** `/orders/{id}` → a regex with named groups; `{proxy+}` matches the rest of the path. */
function compile(spec: RouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy?.[1]) {
        params.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        params.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { spec, regex: new RegExp(`^${source}$`), params };
}

/** Matches the more literal route first, as API Gateway does (`/orders/cancel-all` before `/orders/{id}`). */
function specificity(route: CompiledRoute): number {
  return route.spec.path.split('/').filter((s) => !s.startsWith('{')).length * 100 - route.params.length;
}

const BINARY_TYPES = /^(application\/(octet-stream|pdf|zip|gzip)|image\/|audio\/|video\/|multipart\/)/i;

function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Joins repeated values with commas, as API Gateway v2 does for headers and query parameters. */
function joinMulti(pairs: Iterable<[string, string]>, lowerKeys: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, value] of pairs) {
    const key = lowerKeys ? rawKey.toLowerCase() : rawKey;
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

/** The API Gateway HTTP API (payload v2) event for a request. */
export function toApiGatewayEvent(input: {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  route: RouteSpec;
  pathParameters: Record<string, string>;
  requestId: string;
  now: Date;
}) {
  const url = new URL(input.url, 'http://localhost');
  const headerPairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(input.headers)) {
    if (key === 'cookie' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headerPairs.push([key, v]);
  }
  const headers = joinMulti(headerPairs, true);
  const cookieHeader = input.headers.cookie;
  const cookies = cookieHeader
    ? (Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader).split(/;\s*/).filter(Boolean)
    : undefined;
  const query = [...url.searchParams.entries()];
  const contentType = headers['content-type'] ?? '';
  const isBase64Encoded = input.body.length > 0 && BINARY_TYPES.test(contentType);
  const routeKey = `${input.route.method} ${input.route.path}`;
  return {
    version: '2.0' as const,
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query.length ? { queryStringParameters: joinMulti(query, false) } : {}),
    ...(Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: input.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(input.now),
      timeEpoch: input.now.getTime(),
    } as Record<string, unknown>,
    ...(input.body.length
      ? { body: isBase64Encoded ? input.body.toString('base64') : input.body.toString('utf8') }
      : {}),
    isBase64Encoded,
  };
}

type ApiEvent = ReturnType<typeof toApiGatewayEvent>;

/** The authorizer event (payload v2, REQUEST type) API Gateway sends before a protected route. */
export function toAuthorizerEvent(event: ApiEvent) {
  const { body: _body, isBase64Encoded: _b64, ...rest } = event;
  return {
    ...rest,
    type: 'REQUEST' as const,
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [event.headers.authorization, event.headers['x-api-key']].filter((v) => v !== undefined),
  };
}

function send(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string | Buffer,
) {
  res.writeHead(status, headers);
  res.end(body);
}

function sendProblem(
  res: http.ServerResponse,
  requestId: string,
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, string> = {},
) {
  send(
    res,
    status,
    { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...extra },
    JSON.stringify({ ...problem(status, code, title, detail), instance: requestId }),
  );
}

/** Writes a Lambda proxy result the way API Gateway does. */
function sendResult(
  res: http.ServerResponse,
  requestId: string,
  result: APIGatewayProxyStructuredResultV2 | string | object,
) {
  // A handler may return a bare value: API Gateway then sends it as JSON with 200.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    send(res, 200, { 'content-type': 'application/json', 'x-request-id': requestId }, JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = { 'x-request-id': requestId };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? undefined
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : result.body;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/**
 * The local stand-in for API Gateway: each request becomes the same payload v2 event API Gateway
 * would build, runs the same handler in-process, and the handler's result becomes the response.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const compiled = (options.routes ?? topologyRoutes)
    .map(compile)
    .sort((a, b) => specificity(b) - specificity(a));

  const streamGateway =
    options.stream === false ? undefined : startStreamGateway({ spec: topologyStream, ...options.stream });

  const server = http.createServer((req, res) => {
    if (streamGateway?.handleManagement(req, res)) return;
    const started = performance.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    res.on('finish', () =>
      options.onRequest?.({
        method,
        path,
        status: res.statusCode,
        ms: performance.now() - started,
        requestId,
      }),
    );

    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        sendProblem(
          res,
          requestId,
          413,
          'PAYLOAD_TOO_LARGE',
          'Payload too large',
          `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
        );
        return;
      }
      dispatch(Buffer.concat(chunks)).catch((error: unknown) => {
        console.error(`[gateway] ${method} ${path} failed:`, error);
        if (!res.headersSent)
          sendProblem(res, requestId, 500, 'INTERNAL', 'Internal error', 'The handler failed');
        else res.destroy();
      });
    });

    async function dispatch(body: Buffer): Promise<void> {
      // Prometheus scrapes the process that runs the handlers (in AWS, CloudWatch reads their EMF).
      if (path === '/metrics' && method === 'GET') {
        const exposition = await prometheusExposition();
        if (exposition) {
          send(
            res,
            200,
            { 'content-type': exposition.contentType, 'x-request-id': requestId },
            exposition.body,
          );
          return;
        }
      }
      const matches = compiled
        .map((route) => ({ route, match: route.regex.exec(path) }))
        .filter((m): m is { route: CompiledRoute; match: RegExpExecArray } => m.match !== null);
      if (matches.length === 0) {
        if (options.staticFiles?.(method, path, res)) return;
        sendProblem(res, requestId, 404, 'ROUTE_NOT_FOUND', 'Not found', `No route for ${method} ${path}`);
        return;
      }
      const hit = matches.find((m) => m.route.spec.method === method);
      if (!hit) {
        const allow = [...new Set(matches.map((m) => m.route.spec.method))].join(', ');
        sendProblem(
          res,
          requestId,
          405,
          'METHOD_NOT_ALLOWED',
          'Method not allowed',
          `${path} accepts ${allow}`,
          { allow },
        );
        return;
      }
      const pathParameters: Record<string, string> = {};
      hit.route.params.forEach((name, i) => {
        const raw = hit.match[i + 1] ?? '';
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          pathParameters[name] = raw;
        }
      });
      const event = toApiGatewayEvent({
        method,
        url: req.url ?? '/',
        headers: req.headers,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        route: hit.route.spec,
        pathParameters,
        requestId,
        now: new Date(),
      });

      if (hit.route.spec.auth === 'caller') {
        if (!options.authorizer) {
          sendProblem(
            res,
            requestId,
            401,
            'UNAUTHENTICATED',
            'Authentication required',
            'No authorizer is configured',
          );
          return;
        }
        const authorize = await loadHandler(options.authorizer);
        const decision = (await authorize(
          toAuthorizerEvent(event),
          lambdaContext('authorizer'),
        )) as AuthorizerResult;
        if (!decision.isAuthorized) {
          // What API Gateway itself answers when a simple-response authorizer denies.
          send(
            res,
            403,
            { 'content-type': 'application/json', 'x-request-id': requestId },
            '{"message":"Forbidden"}',
          );
          return;
        }
        event.requestContext.authorizer = { lambda: decision.context ?? {} };
      }

      const handler = await loadHandler(hit.route.spec.handler);
      const result = (await handler(
        event,
        lambdaContext(functionName(hit.route.spec.handler), requestId),
      )) as APIGatewayProxyStructuredResultV2 | string;
      sendResult(res, requestId, result);
    }
  });
  server.keepAliveTimeout = 5000;
  server.on('upgrade', (req, socket, head) => {
    if (!streamGateway?.handleUpgrade(req, socket, head)) socket.destroy();
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  // Handlers find `@connections` through the environment, as they find every other resource.
  if (streamGateway) process.env[topologyStream.connectionsUrlEnv] = url;
  return {
    url,
    port,
    ...(streamGateway ? { stream: streamGateway } : {}),
    close: async () => {
      await streamGateway?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
