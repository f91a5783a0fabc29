/** Rate limits as the use cases see them; adapters/dynamodb/rate-limiter.ts keeps the counters. */

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
