/** The bus rule's target: logs each event in its tenant's stream and posts it to subscribed sockets. */
import { streamService } from './deps.ts';

interface BusEvent {
  'detail-type': string;
  detail: unknown;
  time?: string;
}

/** Throws on failure, so EventBridge's asynchronous invocation retries (the log dedupes by event id). */
export const handler = async (event: BusEvent) => {
  const result = await streamService().publish(event);
  return { seq: result.seq ?? null, duplicate: result.duplicate, sent: result.sent, gone: result.gone };
};
