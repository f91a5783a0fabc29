/** A command line that cannot work; `oms` exits with the usage code. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `watch --until` did not see its event in time. */
export class WatchTimeoutError extends Error {
  readonly code = 'CLI_WATCH_TIMEOUT';

  constructor(message: string) {
    super(message);
    this.name = 'WatchTimeoutError';
  }
}
