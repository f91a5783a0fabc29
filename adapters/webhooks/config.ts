import { queues } from '../../core/topology.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/webhooks/retry.ts';
import type { DestinationPolicy } from '../../core/webhooks/ssrf.ts';

/**
 * Settings of webhook delivery. Application defaults, not resources, so they live here rather than
 * in the topology's env (the CDK app sets none of them; AWS runs with the defaults).
 */
export const webhookEnv = {
  /** `true` only in the local stack: plain http is allowed, to loopback addresses only. */
  allowLoopback: 'OMS_WEBHOOK_ALLOW_LOOPBACK',
  /** Backoff bounds (defaults 300 s doubling to 4 h); tests shrink them to 0. */
  retryBaseSeconds: 'OMS_WEBHOOK_RETRY_BASE_SECONDS',
  retryCapSeconds: 'OMS_WEBHOOK_RETRY_CAP_SECONDS',
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
      baseSeconds: num(webhookEnv.retryBaseSeconds, DEFAULT_RETRY_POLICY.baseSeconds),
      capSeconds: num(webhookEnv.retryCapSeconds, DEFAULT_RETRY_POLICY.capSeconds),
      maxAttempts: queues.webhooks.maxReceiveCount,
    },
    timeoutMs: num(webhookEnv.timeoutMs, 10_000),
    disableAfter: Math.max(1, num(webhookEnv.disableAfter, 5)),
  };
}
