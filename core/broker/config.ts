/** How long the API waits for the broker's answer to a request (contract look-up, what-if). */
export const BROKER_REQUEST_WAIT_ENV = 'OMS_BROKER_REQUEST_WAIT_MS';
export const DEFAULT_BROKER_REQUEST_WAIT_MS = 3_000;

/** The channel's settings from an environment; a malformed value is an error. */
export function brokerRequestConfig(env: Record<string, string | undefined>): { waitMs: number } {
  const raw = env[BROKER_REQUEST_WAIT_ENV];
  if (raw === undefined || raw === '') return { waitMs: DEFAULT_BROKER_REQUEST_WAIT_MS };
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(`${BROKER_REQUEST_WAIT_ENV} must be a number of milliseconds > 0, not ${raw}`);
  return { waitMs: ms };
}
