/** `$default`: every client frame (`auth`, `subscribe`, `unsubscribe`, `ping`). */
import { logger } from '../shared/observability.ts';
import { streamService, type WebSocketEvent } from './deps.ts';

export const handler = async (event: WebSocketEvent): Promise<{ statusCode: number }> => {
  const body = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  try {
    await streamService().receive(
      event.requestContext.connectionId,
      body,
      event.requestContext.identity?.sourceIp ?? 'unknown',
    );
    return { statusCode: 200 };
  } catch (error) {
    logger.error('Stream message failed', { error: error as Error });
    return { statusCode: 500 };
  }
};
