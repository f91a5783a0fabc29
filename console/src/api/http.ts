/**
 * The console's one way to call the API. Every page goes through `api`, so moving to the typed
 * client (client/index.ts: `createOmsClient`) changes this file only.
 */

/** An RFC 9457 problem the server answered with; pages show `detail`. */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail =
      typeof body.detail === 'string'
        ? body.detail
        : typeof body.message === 'string'
          ? body.message
          : `The server answered ${status}`;
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.code = typeof body.code === 'string' ? body.code : undefined;
    this.detail = detail;
    this.body = body;
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Skips the bearer token (login, refresh). */
  anonymous?: boolean;
}

export interface Credentials {
  /** The current access token, or undefined when signed out. */
  accessToken(): string | undefined;
  /** Gets new tokens after a 401; false when the session cannot be renewed. */
  renew(): Promise<boolean>;
}

let credentials: Credentials | undefined;

/** The session plugs itself in here, so requests carry its token and renew it on a 401. */
export function useCredentials(c: Credentials): void {
  credentials = c;
}

function url(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.anonymous ? undefined : credentials?.accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return fetch(url(path, options.query), { method, headers, ...(body !== undefined ? { body } : {}) });
}

/** One API call: parsed JSON on success, ProblemError otherwise. A 401 renews the session once. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, options);
  if (res.status === 401 && !options.anonymous && credentials && (await credentials.renew())) {
    res = await send(method, path, options);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { detail: text };
    }
  }
  if (!res.ok) {
    throw new ProblemError(res.status, (parsed as Record<string, unknown> | undefined) ?? {});
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>('POST', path, { body, ...(headers ? { headers } : {}) }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** The message to show for any failure: the problem's `detail` when the server sent one. */
export function describeError(error: unknown): string {
  if (error instanceof ProblemError) return error.code ? `${error.detail} (${error.code})` : error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
