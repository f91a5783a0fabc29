import {
  ConflictError,
  DependencyError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  problemType,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.ts';
import { IllegalTransitionError } from '../../core/orders/errors.ts';
import { RiskDeniedError } from '../../core/risk/errors.ts';

/** An RFC 9457 problem document, with the OMS's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

export { problemType };

type ErrorClass = abstract new (...args: never[]) => DomainError;

interface ProblemMapping {
  status: number;
  title: string;
  headers?: (error: DomainError) => Record<string, string>;
}

/**
 * The one place where domain errors become HTTP statuses. Most specific classes first: the
 * first entry the error is an instance of wins. Modules add their own errors with `registerProblem`.
 */
const registry: Array<[ErrorClass, ProblemMapping]> = [
  [RiskDeniedError, { status: 422, title: 'Refused by pre-trade risk' }],
  [IllegalTransitionError, { status: 409, title: 'Not allowed in the order status' }],
  [ValidationError, { status: 400, title: 'The request is not valid' }],
  [PayloadTooLargeError, { status: 413, title: 'Payload too large' }],
  [UnauthenticatedError, { status: 401, title: 'Authentication required' }],
  [ForbiddenError, { status: 403, title: 'Not allowed' }],
  [NotFoundError, { status: 404, title: 'Not found' }],
  [ConflictError, { status: 409, title: 'Conflict with the current state' }],
  [
    RateLimitedError,
    {
      status: 429,
      title: 'Too many requests',
      headers: (e) => ({ 'retry-after': String((e as RateLimitedError).retryAfterSeconds) }),
    },
  ],
  [DependencyError, { status: 503, title: 'A dependency is unavailable' }],
];

/** Maps a module's own error class to a status; registered before the generic entries so it wins. */
export function registerProblem(errorClass: ErrorClass, mapping: ProblemMapping): void {
  if (!registry.some(([known]) => known === errorClass)) registry.unshift([errorClass, mapping]);
}

/** Builds the problem document and headers for a domain error; undefined for anything else. */
export function problemFor(
  error: unknown,
): { problem: Problem; headers: Record<string, string> } | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const entry = registry.find(([errorClass]) => error instanceof errorClass);
  if (!entry) return undefined;
  const [, mapping] = entry;
  return {
    // Details first: they extend the problem and never override its standard members.
    problem: {
      ...(error.details ?? {}),
      type: problemType(error.code),
      title: mapping.title,
      status: mapping.status,
      detail: error.message,
      code: error.code,
    },
    headers: mapping.headers?.(error) ?? {},
  };
}

/** A problem built directly, for conditions that are not domain errors (unknown route, 413). */
export function problem(status: number, code: string, title: string, detail: string): Problem {
  return { type: problemType(code), title, status, detail, code };
}
