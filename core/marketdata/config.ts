import { marketDataTypeId, type MarketDataTypeId } from './quote.ts';

/** Market-data settings shared by the API and the bridge (environment variables, with defaults). */
export interface MarketDataConfig {
  /** IB market-data lines the account may hold at once (distinct streamed symbols). */
  lineLimit: number;
  /** Cache writes per second per symbol at most; ticks in between are coalesced. */
  maxWritesPerSecond: number;
  /** A quote no tick moved for this long is served as stale. */
  staleAfterMs: number;
  /** How long GET /marketdata/{symbol} waits for a snapshot of an uncached symbol. */
  snapshotWaitMs: number;
  /** How long the bridge waits for a snapshot's ticks. */
  snapshotTimeoutMs: number;
  /** How often the bridge reads the wanted list. */
  pollIntervalMs: number;
  /** Cached quotes expire (DynamoDB TTL) this long after their last write. */
  quoteTtlSeconds: number;
  /** The market data type the bridge asks IB for (reqMarketDataType). */
  marketDataType: MarketDataTypeId;
}

export const MARKET_DATA_ENV = {
  lineLimit: 'OMS_MARKET_DATA_LINES',
  maxWritesPerSecond: 'OMS_MARKET_DATA_WRITES_PER_SECOND',
  staleAfterMs: 'OMS_MARKET_DATA_STALE_MS',
  snapshotWaitMs: 'OMS_MARKET_DATA_SNAPSHOT_WAIT_MS',
  snapshotTimeoutMs: 'OMS_MARKET_DATA_SNAPSHOT_TIMEOUT_MS',
  pollIntervalMs: 'OMS_MARKET_DATA_POLL_MS',
  quoteTtlSeconds: 'OMS_MARKET_DATA_QUOTE_TTL_SECONDS',
  marketDataType: 'OMS_MARKET_DATA_TYPE',
} as const;

export const MARKET_DATA_DEFAULTS: MarketDataConfig = {
  lineLimit: 100,
  maxWritesPerSecond: 4,
  staleAfterMs: 15_000,
  snapshotWaitMs: 5_000,
  snapshotTimeoutMs: 4_000,
  pollIntervalMs: 1_000,
  quoteTtlSeconds: 3_600,
  marketDataType: 1,
};

/** The configuration from an environment; a malformed value is an error, not a silent default. */
export function marketDataConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<MarketDataConfig> = {},
): MarketDataConfig {
  const config: MarketDataConfig = { ...MARKET_DATA_DEFAULTS };
  for (const key of Object.keys(MARKET_DATA_ENV) as Array<keyof MarketDataConfig>) {
    const raw = env[MARKET_DATA_ENV[key]];
    if (raw === undefined || raw === '') continue;
    if (key === 'marketDataType') {
      const id = marketDataTypeId(raw);
      if (id === undefined)
        throw new Error(`${MARKET_DATA_ENV[key]} must be 1-4 or live, frozen, delayed, delayed-frozen`);
      config.marketDataType = id;
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`${MARKET_DATA_ENV[key]} must be a positive number, not ${raw}`);
    config[key] = n;
  }
  return { ...config, ...overrides };
}
