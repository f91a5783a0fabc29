import { metrics } from '../../adapters/metrics/index.ts';

/**
 * `$connect`: every socket is let in; it proves who it is with its first message (browsers cannot
 * send headers on a WebSocket). Until then it is stored nowhere and receives nothing.
 */
export const handler = async (): Promise<{ statusCode: number }> => {
  metrics().count('streamConnections', { event: 'opened' });
  return { statusCode: 200 };
};
