import { DomainError } from '../errors.ts';
import type { RiskDenial } from './checks.ts';

/** A change to a working order (a modification) that the risk checks refuse; the order itself stays as it was. */
export class RiskDeniedError extends DomainError {
  readonly code: string;
  readonly denial: RiskDenial;

  constructor(denial: RiskDenial, orderId: string) {
    super(denial.reason, { details: { orderId } });
    this.code = denial.code;
    this.denial = denial;
  }
}
