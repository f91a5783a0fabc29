import { DomainError, NotFoundError } from '../errors.ts';
import type { InstrumentSummary } from './details.ts';

/** No contract has this conId (IB: "No security definition has been found"). */
export class InstrumentNotFoundError extends NotFoundError {
  constructor(conId: number | string) {
    super('Instrument', String(conId), 'INSTRUMENT_NOT_FOUND');
  }
}

/** An order's instrument matches no contract at the broker. */
export class InstrumentUnknownError extends DomainError {
  readonly code = 'INSTRUMENT_UNKNOWN';

  constructor(description: string) {
    super(`No contract at the broker matches ${description}`, { details: { instrument: description } });
  }
}

/** An order's instrument matches several contracts: the client must say which (by conId). */
export class InstrumentAmbiguousError extends DomainError {
  readonly code = 'INSTRUMENT_AMBIGUOUS';

  constructor(description: string, candidates: InstrumentSummary[]) {
    super(
      `${candidates.length} contracts match ${description}; name one by its conId (instrument: { conId })`,
      { details: { instrument: description, candidates } },
    );
  }
}

/** The contract exists but is of a kind the OMS does not trade (an index, a bond...). */
export class InstrumentNotTradableError extends DomainError {
  readonly code = 'INSTRUMENT_NOT_TRADABLE';

  constructor(conId: number, secType: string) {
    super(`Contract ${conId} is a ${secType}; orders take STK, OPT, FUT or CASH`, {
      details: { conId, secType },
    });
  }
}
