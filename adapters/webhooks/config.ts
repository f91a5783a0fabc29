import { queues } from '../../core/topology.ts';
import { DEFAULT_RETRY_POLICY, parseRetrySchedule, type RetryPolicy } from '../../core/webhooks/retry.ts';
import type { DestinationPolicy } from '../../core/webhooks/ssrf.ts';

/**
 * Settings of webhook delivery. Application defaults, not resources, so they live here rather than
 * in the topology's env (the CDK app sets none of them; AWS runs with the defaults).
 */
export const webhookEnv = {
  /** `true` only in the local stack: plain http is allowed, to loopback addresses only. */
  allowLoopback: 'OMS_WEBHOOK_ALLOW_LOOPBACK',
  /** Waits between attempts in seconds, comma-separated (default `5,60,300,1800,7200,18000,36000`); tests use `0`. */
  retrySchedule: 'OMS_WEBHOOK_RETRY_SCHEDULE',
  /** Jitter fraction applied to each wait either way (default 0.2). */
  retryJitter: 'OMS_WEBHOOK_RETRY_JITTER',
  timeoutMs: 'OMS_WEBHOOK_TIMEOUT_MS',
  /** Deliveries failing for good in a row before a subscription is disabled (default 5). */
  disableAfter: 'OMS_WEBHOOK_DISABLE_AFTER',
} as const;

export interface WebhookConfig {
  policy: DestinationPolicy;
  retry: RetryPolicy;
  timeoutMs: number;
  disableAfter: number;
}

function schedule(name: string, fallback: readonly number[]): readonly number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = parseRetrySchedule(raw);
  if (!parsed) throw new Error(`Environment variable ${name} must be comma-separated seconds, got ${raw}`);
  return parsed;
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`Environment variable ${name} must be a non-negative number, got ${raw}`);
  return n;
}

/** Webhook settings from the environment; the defaults are the AWS ones. */
export function webhookConfig(): WebhookConfig {
  return {
    // Only the local stack sets this: AWS deliveries go to public https endpoints only.
    policy: { allowLoopback: process.env[webhookEnv.allowLoopback] === 'true' },
    retry: {
      scheduleSeconds: schedule(webhookEnv.retrySchedule, DEFAULT_RETRY_POLICY.scheduleSeconds),
      jitter: Math.min(1, num(webhookEnv.retryJitter, DEFAULT_RETRY_POLICY.jitter)),
      maxAttempts: queues.webhooks.maxReceiveCount,
    },
    timeoutMs: num(webhookEnv.timeoutMs, 10_000),
    disableAfter: Math.max(1, num(webhookEnv.disableAfter, 5)),
  };
}
