import { DomainError, NotFoundError } from '../errors.ts';

/** The webhook URL points somewhere the OMS must not call (private, loopback, metadata, plain http). */
export class WebhookUrlForbiddenError extends DomainError {
  readonly code = 'WEBHOOK_URL_FORBIDDEN';

  constructor(url: string, reason: string) {
    super(`The webhook URL is not allowed: ${reason}`, { details: { url, reason } });
  }
}

/** No such subscription in the caller's tenant (also what another tenant's subscription looks like). */
export class WebhookNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Webhook', id, 'WEBHOOK_NOT_FOUND');
  }
}

/** No such delivery under the subscription. */
export class WebhookDeliveryNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Webhook delivery', id, 'WEBHOOK_DELIVERY_NOT_FOUND');
  }
}

/** The tenant has as many subscriptions as it may have. */
export class WebhookLimitError extends DomainError {
  readonly code = 'WEBHOOK_LIMIT_REACHED';

  constructor(limit: number) {
    super(`A tenant may have at most ${limit} webhook subscriptions`, { details: { limit } });
  }
}
