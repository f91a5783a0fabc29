/**
 * The typed OMS client: openapi-fetch over the types generated from the API's OpenAPI document
 * (client/schema.d.ts, `npm run client:generate`). It authenticates with an API key or a bearer
 * token, refreshes an expired token once and retries, and turns problem+json answers into
 * OmsProblemError when used through `ok()`.
 *
 *   const oms = createOmsClient('http://localhost:8000', { kind: 'apiKey', apiKey });
 *   const order = await ok(oms.POST('/api/v1/orders', { body, params: { header: { 'idempotency-key': id } } }));
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type ProblemCode = Schemas['ProblemCode'];
export type Tokens = Schemas['Tokens'];
export type Order = Schemas['Order'];

/** A refused request, from its RFC 9457 problem document (or what stood in for one). */
export class OmsProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly problem: Record<string, unknown>;

  constructor(status: number, problem: Record<string, unknown>) {
    const title = typeof problem.title === 'string' ? problem.title : `HTTP ${status}`;
    const detail = typeof problem.detail === 'string' ? problem.detail : '';
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'OmsProblemError';
    this.status = status;
    this.code = typeof problem.code === 'string' ? problem.code : `HTTP_${status}`;
    this.title = title;
    this.detail = detail;
    this.problem = problem;
  }
}

/** How the client authenticates. */
export type OmsAuth =
  | { kind: 'none' }
  | { kind: 'apiKey'; apiKey: string }
  | {
      kind: 'bearer';
      accessToken: string;
      /** With it, a 401 triggers one refresh and one retry of the request. */
      refreshToken?: string;
      /** Told about new tokens, e.g. to store them. */
      onRefresh?: (tokens: Tokens) => void | Promise<void>;
    };

export type OmsClient = Client<paths>;

const REFRESH_PATH = '/api/v1/auth/refresh';

/** A client of the OMS at `baseUrl` (e.g. `http://localhost:8000`). */
export function createOmsClient(
  baseUrl: string,
  auth: OmsAuth = { kind: 'none' },
  options: { fetch?: typeof globalThis.fetch } = {},
): OmsClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const root = baseUrl.replace(/\/+$/, '');
  const client = createClient<paths>({ baseUrl: root, fetch: fetchImpl });
  client.use(authMiddleware(root, auth, fetchImpl));
  return client;
}

function authMiddleware(root: string, auth: OmsAuth, fetchImpl: typeof globalThis.fetch): Middleware {
  const pending = new Map<string, Request>();
  let refreshing: Promise<boolean> | undefined;

  const refresh = async (): Promise<boolean> => {
    if (auth.kind !== 'bearer' || !auth.refreshToken) return false;
    const res = await fetchImpl(`${root}${REFRESH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: auth.refreshToken }),
    });
    if (!res.ok) return false;
    const tokens = (await res.json()) as Tokens;
    auth.accessToken = tokens.accessToken;
    if (tokens.refreshToken) auth.refreshToken = tokens.refreshToken;
    await auth.onRefresh?.({ ...tokens, refreshToken: auth.refreshToken });
    return true;
  };

  return {
    onRequest: ({ request, id }) => {
      if (auth.kind === 'apiKey') request.headers.set('x-api-key', auth.apiKey);
      if (auth.kind === 'bearer') {
        request.headers.set('authorization', `Bearer ${auth.accessToken}`);
        // Kept unread so the request can be sent again after a refresh.
        if (auth.refreshToken) pending.set(id, request.clone());
      }
      return request;
    },
    onResponse: async ({ response, id }) => {
      const original = pending.get(id);
      pending.delete(id);
      if (response.status !== 401 || !original || auth.kind !== 'bearer') return response;
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      if (!(await refreshing)) return response;
      original.headers.set('authorization', `Bearer ${auth.accessToken}`);
      return fetchImpl(original);
    },
  };
}

/** The answer's data, or an OmsProblemError for a 4xx/5xx answer. */
export async function ok<D>(pending: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    const problem =
      error && typeof error === 'object'
        ? (error as Record<string, unknown>)
        : {
            title: response.statusText || `HTTP ${response.status}`,
            detail: typeof error === 'string' ? error : '',
          };
    throw new OmsProblemError(response.status, problem);
  }
  return data as D;
}

/** Logs in with a username and password; the tokens to build a bearer client with. */
export async function login(
  baseUrl: string,
  username: string,
  password: string,
  options: { fetch?: typeof globalThis.fetch } = {},
): Promise<Tokens> {
  return ok(
    createOmsClient(baseUrl, { kind: 'none' }, options).POST('/api/v1/auth/login', {
      body: { username, password },
    }),
  );
}
