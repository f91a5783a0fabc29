import { parseIdempotencyKey } from '../../core/orders/idempotency.ts';
import { placeOrder } from '../../core/orders/service.ts';
import { metrics } from '../../adapters/metrics/index.ts';
import { httpHandler, json } from '../shared/http.ts';
import { problemFor } from '../shared/problems.ts';
import { instrumentDeps } from '../instruments/deps.ts';
import { orderDeps } from './deps.ts';

/** POST /api/v1/orders */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('orders:write');
  try {
    const key = parseIdempotencyKey(request.header('idempotency-key'));
    const outcome = await placeOrder(
      { ...orderDeps(), instruments: instrumentDeps() },
      caller,
      key,
      request.json(),
      {
        correlationId: request.correlationId,
      },
    );
    // A replay answers an order counted when it was decided.
    if (!outcome.replayed) {
      if (outcome.status === 201) metrics().count('ordersAccepted');
      else metrics().count('ordersRejected', { code: (outcome.body as { code?: string }).code ?? 'UNKNOWN' });
    }
    return json(outcome.status, outcome.body);
  } catch (error) {
    const refused = problemFor(error);
    if (refused && refused.problem.status < 500)
      metrics().count('ordersRejected', { code: refused.problem.code });
    throw error;
  }
});
