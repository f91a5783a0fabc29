import { describe, expect, it } from '@jest/globals';
import { DomainError, NotFoundError, notFoundError } from '../../core/errors.ts';
import { StrategyNotFoundError } from '../../core/strategies/errors.ts';
import { ApiKeyNotFoundError } from '../../core/tenancy/errors.ts';
import { WebhookDeliveryNotFoundError } from '../../core/webhooks/errors.ts';

describe('notFoundError', () => {
  it('makes a NotFoundError class with the resource, the stable code and its own name', () => {
    const ThingNotFoundError = notFoundError('ThingNotFoundError', 'Thing', 'THING_NOT_FOUND');
    const error = new ThingNotFoundError('th_1');
    expect(error).toBeInstanceOf(ThingNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('ThingNotFoundError');
    expect(error.code).toBe('THING_NOT_FOUND');
    expect(error.message).toBe('Thing th_1 was not found');
    expect(error.details).toEqual({ resource: 'Thing', id: 'th_1' });
  });

  it('keeps the classes of each module apart', () => {
    const strategy = new StrategyNotFoundError('st_1');
    expect(strategy).not.toBeInstanceOf(ApiKeyNotFoundError);
    expect([
      strategy.code,
      new ApiKeyNotFoundError('k').code,
      new WebhookDeliveryNotFoundError('d').code,
    ]).toEqual(['STRATEGY_NOT_FOUND', 'API_KEY_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND']);
    expect(new WebhookDeliveryNotFoundError('dlv_1').message).toBe('Webhook delivery dlv_1 was not found');
  });
});
