/** Rate limits as the use cases see them; adapters/dynamodb/rate-limiter.ts keeps the counters. */
import type { Scope } from './caller.ts';

/** What a limit counts: inside a tenant (the tenant itself, one API key) or outside any (a source address). */
export type RateSubject = { tenantId: string; bucket: string } | { platform: true; bucket: string };

export interface RateLimit {
  /** Shown in the `RateLimit-Policy` header. */
  policy: string;
  limit: number;
  windowSeconds: number;
}

/** Port: counts hits; both throw RateLimitExceededError once the window is full. */
export interface RateLimiterPort {
  /** Counts one hit. */
  hit(subject: RateSubject, limit: RateLimit): Promise<void>;
  /** Refuses a full window without counting. */
  check(subject: RateSubject, limit: RateLimit): Promise<void>;
}

/**
 * The emergency brake: these routes count against a per-tenant budget of their own, which reads
 * and other writes never touch, so a flood of requests cannot stop a tenant from cancelling or
 * engaging the kill switch. Only a caller holding the route's scope draws on it; anyone else's
 * attempt counts as an ordinary request.
 */
export const EMERGENCY_ROUTES: ReadonlyMap<string, Scope> = new Map<string, Scope>([
  ['POST /api/v1/orders/{id}/cancel', 'orders:write'],
  ['POST /api/v1/orders/cancel-all', 'orders:write'],
  ['POST /api/v1/risk/kill-switch', 'risk:write'],
]);
