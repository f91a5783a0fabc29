import { DomainError, NotFoundError } from '../errors.ts';

/** A new symbol would take the broker past its market-data line limit (shared by every tenant). */
export class MarketDataLineLimitError extends DomainError {
  readonly code = 'MARKET_DATA_LINE_LIMIT';

  constructor(limit: number, inUse: number, wanted: readonly string[]) {
    super(
      `Subscribing to ${wanted.join(', ')} would need ${wanted.length} more market-data line(s); ` +
        `${inUse} of ${limit} are in use`,
      { details: { limit, inUse, symbols: wanted } },
    );
  }
}

/** The tenant does not subscribe to the symbol. */
export class MarketDataSubscriptionNotFoundError extends NotFoundError {
  constructor(symbol: string) {
    super('Market data subscription', symbol, 'MARKET_DATA_SUBSCRIPTION_NOT_FOUND');
  }
}

/** Nothing is cached for the symbol and no snapshot could be had in time. */
export class QuoteUnavailableError extends DomainError {
  readonly code = 'MARKET_DATA_UNAVAILABLE';

  constructor(symbol: string, reason: string) {
    super(`No quote for ${symbol}: ${reason}`, { details: { symbol, reason } });
  }
}

/** The subscription store kept refusing the write because others changed the same counts. */
export class MarketDataContentionError extends DomainError {
  readonly code = 'MARKET_DATA_CONTENTION';

  constructor() {
    super('Market-data subscriptions changed concurrently too often; retry the request');
  }
}
