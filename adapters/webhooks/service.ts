import { WebhookService } from '../../core/webhooks/service.ts';
import { requiredEnv, sqsClient } from '../aws.ts';
import { env } from '../../core/topology.ts';
import { webhookConfig } from './config.ts';
import { sqsDeliveryQueue } from './queue.ts';
import { httpSender, urlGuard, type Resolver } from './sender.ts';
import { DynamoWebhookStore } from './store.ts';

let service: WebhookService | undefined;
let resolverOverride: Resolver | undefined;

/** The runtime's webhook service, built once from the environment. */
export function webhookService(): WebhookService {
  if (!service) {
    const config = webhookConfig();
    const resolver = resolverOverride;
    service = new WebhookService({
      store: DynamoWebhookStore.fromEnvironment(),
      queue: sqsDeliveryQueue(sqsClient(), requiredEnv(env.webhooksQueueUrl)),
      sender: httpSender({
        policy: config.policy,
        timeoutMs: config.timeoutMs,
        ...(resolver ? { resolver } : {}),
      }),
      guard: urlGuard(config.policy, ...(resolver ? [resolver] : [])),
      retry: config.retry,
      disableAfter: config.disableAfter,
    });
  }
  return service;
}

/** Tests only: a DNS stand-in, and a fresh service that reads the environment again. */
export function resetWebhookService(resolver?: Resolver): void {
  service = undefined;
  resolverOverride = resolver;
}
