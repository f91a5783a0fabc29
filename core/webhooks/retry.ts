/**
 * When the next delivery attempt happens. Exponential backoff with full jitter (a uniformly random
 * wait between 0 and the exponential bound), so a receiver that comes back after an outage is not
 * hit by every retry at once.
 */
export interface RetryPolicy {
  /** Bound of the wait after the first failed attempt. */
  baseSeconds: number;
  /** No wait is longer than this (SQS allows a visibility timeout of at most 12 hours). */
  capSeconds: number;
  /** Attempts per delivery, the first included; the webhooks queue's maxReceiveCount. */
  maxAttempts: number;
}

export const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * Defaults: bounds of 5, 10, 20, 40, 80, 160 min and then 4 h; seven waits for eight attempts
 * spread over up to about 9 hours (about half that on average).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseSeconds: 300, capSeconds: 4 * 3600, maxAttempts: 8 };

/** Seconds to wait after failed attempt number `attempt` (1-based); `random` returns [0, 1). */
export function retryDelaySeconds(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const bound = Math.min(
    policy.capSeconds,
    MAX_VISIBILITY_SECONDS,
    policy.baseSeconds * 2 ** Math.max(0, attempt - 1),
  );
  return Math.floor(random() * (bound + 1));
}

/** True when attempt number `attempt` was the last one the policy allows. */
export function isLastAttempt(attempt: number, policy: RetryPolicy): boolean {
  return attempt >= policy.maxAttempts;
}
