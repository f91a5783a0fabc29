/** Problem type URI for a stable code: `urn:oms:problem:risk-max-notional`. */
export function problemType(code: string): string {
  return `urn:oms:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * Base of every domain error. Errors carry a stable `code` that clients can rely on and no HTTP
 * status: functions/shared/problems.ts maps them to responses in one place.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** Structured details a client can act on (the failing field, the limit that was hit). */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

/** One invalid input field. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The request is malformed or breaks a validation rule. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly issues: FieldIssue[];

  constructor(message: string, issues: FieldIssue[] = []) {
    super(message, { details: { issues } });
    this.issues = issues;
  }
}

/** The resource does not exist for this caller (also what another tenant's resource looks like). */
export class NotFoundError extends DomainError {
  readonly code: string;

  constructor(resource: string, id: string, code = 'NOT_FOUND') {
    super(`${resource} ${id} was not found`, { details: { resource, id } });
    this.code = code;
  }
}

/**
 * The not-found error class of one kind of resource: `new (notFoundError(...))(id)` says which
 * `resource` was not found under its stable `code`; `name` is the class name logs show.
 */
export function notFoundError(name: string, resource: string, code: string) {
  const ResourceNotFound = class extends NotFoundError {
    constructor(id: string) {
      super(resource, id, code);
    }
  };
  Object.defineProperty(ResourceNotFound, 'name', { value: name });
  return ResourceNotFound;
}

/** The request conflicts with the current state of a resource. */
export class ConflictError extends DomainError {
  readonly code: string;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message, details === undefined ? undefined : { details });
    this.code = code;
  }
}

/** The caller is not authenticated. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** The caller is authenticated but lacks the role or scope. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** The caller has exceeded a rate limit; `retryAfterSeconds` tells when to try again. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;
  readonly limit: number;

  constructor(message: string, retryAfterSeconds: number, limit: number) {
    super(message, { details: { retryAfterSeconds, limit } });
    this.retryAfterSeconds = retryAfterSeconds;
    this.limit = limit;
  }
}

/** A dependency (database, queue, broker) failed; the request may be retried. */
export class DependencyError extends DomainError {
  readonly code = 'DEPENDENCY_FAILED';
}

/** The request body is larger than any route accepts. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';

  constructor(limit: number) {
    super(`The body is larger than ${limit} characters`, { details: { limit } });
  }
}
