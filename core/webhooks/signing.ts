import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers of one attempt; one `v1,` signature per secret, space-separated. */
export function signedHeaders(
  msgId: string,
  at: Date,
  payload: string,
  secrets: readonly string[],
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(msgId, at, payload));
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
