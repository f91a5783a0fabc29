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

/** A stream name the server does not serve, or one the caller's scopes do not cover. */
export class StreamNotAllowedError extends DomainError {
  readonly code: string;

  constructor(code: 'STREAM_UNKNOWN' | 'FORBIDDEN', message: string, stream: string) {
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
