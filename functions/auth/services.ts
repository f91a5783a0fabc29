import * as z from 'zod';
import { TenancyStore } from '../../adapters/dynamodb/tenancy-store.ts';
import { RateLimiter } from '../../adapters/dynamodb/rate-limiter.ts';
import { LoginAttemptsStore } from '../../adapters/dynamodb/login-attempts.ts';
import { identityProvider } from '../../adapters/identity/index.ts';
import type { LoginDeps } from '../../core/access/login.ts';
import { env } from '../../core/topology.ts';
import type { HttpRequest } from '../shared/http.ts';

let store: TenancyStore | undefined;
let limiter: RateLimiter | undefined;
let attempts: LoginAttemptsStore | undefined;

/** The tenancy store of this runtime's table. */
export function tenancyStore(): TenancyStore {
  if (!store || store.table.name !== process.env[env.tableName]) store = TenancyStore.fromEnvironment();
  return store;
}

/** The rate limiter of this runtime's table. */
export function rateLimiter(): RateLimiter {
  if (!limiter || limiter.table.name !== process.env[env.tableName]) limiter = RateLimiter.fromEnvironment();
  return limiter;
}

export { identityProvider };

/** What login and refresh need, on this runtime's clients. */
export function loginDeps(): LoginDeps {
  if (!attempts || attempts.table.name !== process.env[env.tableName])
    attempts = LoginAttemptsStore.fromEnvironment();
  return { identity: identityProvider(), limiter: rateLimiter(), attempts, tenants: tenancyStore() };
}

/** The client's address as API Gateway saw it. */
export function sourceIp(request: HttpRequest): string {
  return request.event.requestContext.http.sourceIp || 'unknown';
}

/** `?limit=&cursor=` of every listing. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});
