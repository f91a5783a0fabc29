import { DomainError, notFoundError } from '../errors.ts';

/** The webhook URL points somewhere the OMS must not call (private, loopback, metadata, plain http). */
export class WebhookUrlForbiddenError extends DomainError {
  readonly code = 'WEBHOOK_URL_FORBIDDEN';

  constructor(url: string, reason: string) {
    super(`The webhook URL is not allowed: ${reason}`, { details: { url, reason } });
  }
}

/** No such subscription in the caller's tenant (also what another tenant's subscription looks like). */
export const WebhookNotFoundError = notFoundError('WebhookNotFoundError', 'Webhook', 'WEBHOOK_NOT_FOUND');
export type WebhookNotFoundError = InstanceType<typeof WebhookNotFoundError>;

/** No such delivery under the subscription. */
export const WebhookDeliveryNotFoundError = notFoundError(
  'WebhookDeliveryNotFoundError',
  'Webhook delivery',
  'WEBHOOK_DELIVERY_NOT_FOUND',
);
export type WebhookDeliveryNotFoundError = InstanceType<typeof WebhookDeliveryNotFoundError>;

/** The tenant has as many subscriptions as it may have. */
export class WebhookLimitError extends DomainError {
  readonly code = 'WEBHOOK_LIMIT_REACHED';

  constructor(limit: number) {
    super(`A tenant may have at most ${limit} webhook subscriptions`, { details: { limit } });
  }
}
