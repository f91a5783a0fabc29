import { registerProblem } from '../shared/problems.ts';
import { WebhookLimitError, WebhookUrlForbiddenError } from '../../core/webhooks/errors.ts';

registerProblem(WebhookUrlForbiddenError, { status: 422, title: 'The webhook URL is not allowed' });
registerProblem(WebhookLimitError, { status: 409, title: 'Too many webhook subscriptions' });

export { webhookService } from '../../adapters/webhooks/service.ts';
