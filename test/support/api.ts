/**
 * The whole HTTP API in-process for a test file: private table and queues, the local identity
 * provider, and the local gateway running the real authorizer before every `caller` route.
 */
import { authorizer, routes as topologyRoutes, type RouteSpec } from '../../core/topology.ts';
import { startGateway, type Gateway } from '../../local/gateway.ts';
import type { StreamGatewayOptions } from '../../local/stream-gateway.ts';
import { startLocalIdentity, type LocalIdentity } from '../../local/identity/index.ts';
import { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import { useTestResources, type TestResources } from './resources.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies without casts
export type AnyJson = any;

export interface TestResponse<T = AnyJson> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  url: string;
  resources: TestResources;
  identity: LocalIdentity;
  store: TenancyStore;
  gateway: Gateway;
  /** One request; JSON bodies are sent and parsed for you. */
  request<T = AnyJson>(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

/** Starts the API for one test file; call `close()` in afterAll. */
export async function startTestApi(
  options: { routes?: RouteSpec[]; stream?: Partial<StreamGatewayOptions> } = {},
): Promise<TestApi> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const resources = await useTestResources();
  const identity = startLocalIdentity({
    tableName: resources.tableName,
    dynamodbEndpoint: resources.endpoints.dynamodb,
  });
  const gateway = await startGateway({
    routes: options.routes ?? topologyRoutes,
    authorizer,
    ...(options.stream ? { stream: options.stream } : {}),
  });
  const store = new TenancyStore(resources.dynamo, resources.tableName);
  return {
    url: gateway.url,
    resources,
    identity,
    store,
    gateway,
    request: (method, path, opts = {}) => request(gateway.url, method, path, opts),
    close: async () => {
      await gateway.close();
      resources.dynamo.destroy();
      resources.sqs.destroy();
    },
  };
}

/** Sends one request to `baseUrl` and reads the JSON answer. */
export async function request<T = AnyJson>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<TestResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the raw text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
