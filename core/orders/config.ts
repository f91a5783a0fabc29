/** How long risk waits for a broker snapshot when an order needs a price and none is cached. */
export const ORDER_PRICE_SNAPSHOT_WAIT_ENV = 'OMS_ORDER_PRICE_SNAPSHOT_WAIT_MS';
export const DEFAULT_ORDER_PRICE_SNAPSHOT_WAIT_MS = 2_000;

/** The order API's pricing settings from an environment; a malformed value is an error. */
export function orderPricingConfig(env: Record<string, string | undefined>): { snapshotWaitMs: number } {
  const raw = env[ORDER_PRICE_SNAPSHOT_WAIT_ENV];
  if (raw === undefined || raw === '') return { snapshotWaitMs: DEFAULT_ORDER_PRICE_SNAPSHOT_WAIT_MS };
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`${ORDER_PRICE_SNAPSHOT_WAIT_ENV} must be a number of milliseconds ≥ 0, not ${raw}`);
  return { snapshotWaitMs: ms };
}
