import { OmsProblemError } from '../client/index.ts';

/** What `oms` exits with; scripts branch on these (docs/cli.md lists them). */
export const EXIT = {
  ok: 0,
  /** Anything unexpected: a bug, or an answer the CLI did not understand. */
  failure: 1,
  /** Bad command line: unknown command, missing or invalid option. */
  usage: 2,
  /** Not logged in, or the session / API key was refused (401). */
  unauthenticated: 3,
  /** Logged in, but the role or key lacks the scope (403). */
  forbidden: 4,
  /** No such resource for this tenant (404). */
  notFound: 5,
  /** Conflicts with the current state: order already done, key reused (409). */
  conflict: 6,
  /** Refused by a rule: pre-trade risk, a forbidden webhook URL (422). */
  refused: 7,
  /** The API judged the request invalid (400). */
  invalid: 8,
  /** Rate limited (429); retry later. */
  rateLimited: 9,
  /** The OMS is unreachable or failing (connection refused, 5xx). */
  unavailable: 10,
  /** `watch --until` gave up before the event came. */
  timeout: 11,
} as const;

/** The exit code of a failed request. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof OmsProblemError) {
    const byStatus: Record<number, number> = {
      400: EXIT.invalid,
      401: EXIT.unauthenticated,
      403: EXIT.forbidden,
      404: EXIT.notFound,
      409: EXIT.conflict,
      422: EXIT.refused,
      429: EXIT.rateLimited,
    };
    return byStatus[error.status] ?? (error.status >= 500 ? EXIT.unavailable : EXIT.failure);
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return EXIT.unavailable;
  return EXIT.failure;
}
