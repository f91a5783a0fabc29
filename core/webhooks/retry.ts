/**
 * When the next delivery attempt happens. A fixed schedule in the style of Svix: the first retry
 * comes after seconds (most failures are one transient 502 or a deploy), later ones spread over
 * hours so a receiver that is down for an afternoon still gets its events. Each wait is jittered
 * by a fraction either way, so a receiver that comes back after an outage is not hit by every
 * pending retry at the same instant.
 */
export interface RetryPolicy {
  /** Wait in seconds after failed attempt 1, 2, …; the last entry repeats if attempts remain. */
  scheduleSeconds: readonly number[];
  /** Each wait is drawn uniformly from wait · [1 − jitter, 1 + jitter]. */
  jitter: number;
  /** Attempts per delivery, the first included; the webhooks queue's maxReceiveCount. */
  maxAttempts: number;
}

/** SQS refuses a visibility timeout longer than 12 hours. */
export const MAX_VISIBILITY_SECONDS = 12 * 3600;

/** 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h: seven retries after the first attempt, about 18 h in all. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 60, 300, 1800, 7200, 18_000, 36_000];

/** Defaults: the schedule above, ±20 % jitter, eight attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  scheduleSeconds: DEFAULT_RETRY_SCHEDULE_SECONDS,
  jitter: 0.2,
  maxAttempts: 8,
};

/** Seconds to wait after failed attempt number `attempt` (1-based); `random` returns [0, 1). */
export function retryDelaySeconds(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const schedule = policy.scheduleSeconds;
  if (schedule.length === 0) return 0;
  const nominal = schedule[Math.min(Math.max(1, attempt), schedule.length) - 1]!;
  const factor = 1 + policy.jitter * (2 * random() - 1);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(nominal * factor)));
}

/** The range a retry after failed attempt `attempt` falls in, for documentation and tests. */
export function retryDelayBounds(attempt: number, policy: RetryPolicy): { min: number; max: number } {
  return {
    min: retryDelaySeconds(attempt, policy, () => 0),
    max: retryDelaySeconds(attempt, policy, () => 1),
  };
}

/** Parses a schedule such as `5,60,300` (seconds); undefined when the text is not one. */
export function parseRetrySchedule(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return undefined;
  return parts.map(Number);
}

/** True when attempt number `attempt` was the last one the policy allows. */
export function isLastAttempt(attempt: number, policy: RetryPolicy): boolean {
  return attempt >= policy.maxAttempts;
}
