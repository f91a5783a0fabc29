/**
 * The console's one way to call the API: the typed client (client/index.ts), whose paths, bodies
 * and answers are generated from the API's OpenAPI document. A page names a route the client
 * knows — `oms.GET('/api/v1/fills', …)` — and a route missing from the document is a type error,
 * so the console cannot call what the server does not serve.
 */
import { createOmsClient, ok, OmsProblemError, type OmsClient } from '../../../client/index.ts';

export { ok, OmsProblemError };

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

// Signing in and renewing carry their own proof; a stale bearer token must not ride along.
const ANONYMOUS = /\/api\/v1\/auth\/(login|refresh)$/;

/** The typed client, on this origin (the local gateway and CloudFront both forward /api and /health). */
export const oms: OmsClient = createOmsClient(location.origin);

const retries = new Map<string, Request>();
oms.use({
  onRequest: ({ request, id }) => {
    if (ANONYMOUS.test(new URL(request.url).pathname)) return request;
    const token = credentials?.accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    // Kept unread, so the request can be sent once more after the session is renewed.
    retries.set(id, request.clone());
    return request;
  },
  onResponse: async ({ response, id }) => {
    const original = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !original || !credentials || !(await credentials.renew())) return response;
    const token = credentials.accessToken();
    if (token) original.headers.set('authorization', `Bearer ${token}`);
    return fetch(original);
  },
  onError: ({ id }) => {
    retries.delete(id);
  },
});

/** The message to show for any failure: the problem's `detail` (and `code`) when the server sent one. */
export function describeError(error: unknown): string {
  if (error instanceof OmsProblemError) {
    const detail = error.detail || error.title;
    return error.problem.code ? `${detail} (${error.code})` : detail;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An SVG the API draws (a backtest's equity curve) as a data: URL, which the CSP lets <img> show. */
export async function svgDataUrl(pending: Promise<{ data?: unknown; error?: unknown; response: Response }>) {
  const svg = await ok(pending);
  const text = typeof svg === 'string' ? svg : '';
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
