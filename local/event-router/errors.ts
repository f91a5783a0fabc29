/** Errors of the local event router; each carries a stable `code`. */

/** An event pattern that PutRule would refuse (`InvalidEventPatternException` in AWS). */
export class InvalidEventPatternError extends Error {
  readonly code = 'EVENT_PATTERN_INVALID';
  /** Where in the pattern the problem is, as a dotted path (`detail.state[0]`); empty for the root. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(path === '' ? message : `${message} (at ${path})`, options);
    this.name = 'InvalidEventPatternError';
    this.path = path;
  }
}
