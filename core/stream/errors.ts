import { DomainError } from '../errors.ts';

/** A client frame that is not JSON or not one of the stream's actions. */
export class StreamMessageInvalidError extends DomainError {
  readonly code = 'STREAM_MESSAGE_INVALID';
}

/** A cursor the server never handed out. */
export class StreamCursorInvalidError extends DomainError {
  readonly code = 'STREAM_CURSOR_INVALID';

  constructor(cursor: string) {
    super(`Cursor ${JSON.stringify(cursor.slice(0, 64))} is not one this stream issued`);
  }
}

/**
 * A stream name the server does not serve, one the caller's scopes do not cover, or the quotes of a
 * symbol its tenant holds no market-data subscription to.
 */
export class StreamNotAllowedError extends DomainError {
  readonly code: string;

  constructor(
    code: 'STREAM_UNKNOWN' | 'FORBIDDEN' | 'MARKET_DATA_NOT_SUBSCRIBED',
    message: string,
    stream: string,
  ) {
    super(message, { details: { stream } });
    this.code = code;
  }
}

/** A message other than `auth` (or `ping`) on a socket that has not authenticated. */
export class StreamNotAuthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';

  constructor() {
    super('Authenticate first: { "action": "auth", "token" | "apiKey" }');
  }
}

/** `quotes:<SYMBOL>` needs the tenant's market-data subscription to the symbol (POST /marketdata/subscriptions). */
export function quotesNotSubscribed(symbol: string): StreamNotAllowedError {
  return new StreamNotAllowedError(
    'MARKET_DATA_NOT_SUBSCRIBED',
    `quotes:${symbol} needs a market-data subscription to ${symbol}: POST /api/v1/marketdata/subscriptions { "symbols": ["${symbol}"] } first`,
    `quotes:${symbol}`,
  );
}
