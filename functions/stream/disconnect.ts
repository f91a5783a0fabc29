/** `$disconnect`: forgets the socket and its subscriptions. */
import { metrics } from '../../adapters/metrics/index.ts';
import { logger } from '../shared/observability.ts';
import { streamService, type WebSocketEvent } from './deps.ts';

export const handler = async (event: WebSocketEvent): Promise<{ statusCode: number }> => {
  metrics().count('streamConnections', { event: 'closed' });
  try {
    await streamService().disconnect(event.requestContext.connectionId);
  } catch (error) {
    // The item expires on its own (TTL); a failed delete only leaves it there longer.
    logger.warn('Forgetting a stream connection failed', { error: error as Error });
  }
  return { statusCode: 200 };
};
