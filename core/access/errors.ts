import { ConflictError, RateLimitedError, UnauthenticatedError } from '../errors.ts';

/**
 * Why a credential was refused. Clients only ever see 401 with a generic reason per kind, so an
 * attacker learns nothing about which keys or usernames exist.
 */
export const AUTH_FAILURES = [
  'MISSING_CREDENTIALS',
  'INVALID_TOKEN',
  'INVALID_API_KEY',
  'INVALID_CREDENTIALS',
  'INVALID_REFRESH_TOKEN',
] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/** A credential is missing, malformed, expired, revoked or forged (401 with `WWW-Authenticate`). */
export class CredentialRejectedError extends UnauthenticatedError {
  readonly reason: AuthFailure;

  constructor(reason: AuthFailure, message: string) {
    super(message, { details: { reason } });
    this.reason = reason;
  }
}

/** A named rate limit was exceeded; carries what the RateLimit headers need. */
export class RateLimitExceededError extends RateLimitedError {
  readonly policy: string;
  readonly windowSeconds: number;

  constructor(policy: string, limit: number, windowSeconds: number, retryAfterSeconds: number) {
    super(`Rate limit ${policy} exceeded: at most ${limit} per ${windowSeconds}s`, retryAfterSeconds, limit);
    this.policy = policy;
    this.windowSeconds = windowSeconds;
  }
}

/** A username is taken (usernames are unique across the platform, as in a Cognito user pool). */
export class UsernameTakenError extends ConflictError {
  constructor(username: string) {
    super('USERNAME_TAKEN', `The username ${username} is taken`, { username });
  }
}

/** A refresh token already rotated was presented again: a sign of theft, so its family is revoked. */
export class RefreshTokenReplayedError extends CredentialRejectedError {
  readonly username: string;
  readonly tenantId: string | undefined;

  constructor(username: string, tenantId: string | undefined) {
    super('INVALID_REFRESH_TOKEN', 'The refresh token is invalid, expired or already used');
    this.username = username;
    this.tenantId = tenantId;
  }
}
