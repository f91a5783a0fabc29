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

/** How long contract details stay cached (they change rarely: a listing, a split, an expiry). */
export const INSTRUMENT_CACHE_TTL_ENV = 'OMS_INSTRUMENT_CACHE_TTL_SECONDS';
export const DEFAULT_INSTRUMENT_CACHE_TTL_SECONDS = 86_400;

export function instrumentCacheTtlSeconds(env: Record<string, string | undefined>): number {
  const raw = env[INSTRUMENT_CACHE_TTL_ENV];
  if (raw === undefined || raw === '') return DEFAULT_INSTRUMENT_CACHE_TTL_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`${INSTRUMENT_CACHE_TTL_ENV} must be a whole number of seconds > 0, not ${raw}`);
  return seconds;
}
