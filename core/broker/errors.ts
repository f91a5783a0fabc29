import { DomainError } from '../errors.ts';

/** The broker (through the connection's bridge) did not answer within the wait. */
export class BrokerTimeoutError extends DomainError {
  readonly code = 'BROKER_TIMEOUT';

  constructor(kind: string, waitMs: number) {
    super(
      `The broker did not answer the ${kind} request within ${waitMs} ms; the connection may be down. Retry later`,
      { details: { request: kind, waitMs } },
    );
  }
}

/** The broker answered with an error (IB's error code rides along when there is one). */
export class BrokerRequestFailedError extends DomainError {
  readonly code = 'BROKER_REQUEST_FAILED';
  readonly ibCode: number | undefined;

  constructor(kind: string, message: string, ibCode?: number) {
    super(`The broker refused the ${kind} request: ${message}`, {
      details: { request: kind, ...(ibCode !== undefined ? { ibCode } : {}) },
    });
    this.ibCode = ibCode;
  }
}
