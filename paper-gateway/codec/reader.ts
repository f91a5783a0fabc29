/**
 * The field reader every client-message decoder uses, and the field groups several messages
 * share (the contract, tag/value lists).
 */
import { DecodeError } from '../errors.ts';
import { UNSET_DOUBLE, UNSET_INTEGER } from '../framing.ts';

/** Sequential reader over one message's fields; every read past the end is a DecodeError. */
export class FieldReader {
  readonly #fields: readonly string[];
  #pos = 0;

  constructor(fields: readonly string[], start = 0) {
    this.#fields = fields;
    this.#pos = start;
  }

  /** Index of the next field to read. */
  get position(): number {
    return this.#pos;
  }

  /** Number of fields left unread. */
  get remaining(): number {
    return this.#fields.length - this.#pos;
  }

  /** Reads a raw string field. */
  str(what: string): string {
    const value = this.#fields[this.#pos];
    if (value === undefined) throw new DecodeError(`message ends before field ${this.#pos} (${what})`);
    this.#pos += 1;
    return value;
  }

  /** Reads an integer; empty reads as 0. */
  int(what: string): number {
    const raw = this.str(what);
    if (raw === '') return 0;
    if (!/^-?\d+$/.test(raw))
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not an integer: ${JSON.stringify(raw)}`);
    return Number(raw);
  }

  /** Reads an integer where empty or Integer.MAX_VALUE means unset. */
  intMax(what: string): number | undefined {
    const raw = this.str(what);
    if (raw === '' || raw === UNSET_INTEGER) return undefined;
    if (!/^-?\d+$/.test(raw))
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not an integer: ${JSON.stringify(raw)}`);
    return Number(raw);
  }

  /** Reads a double where empty or Double.MAX_VALUE means unset. */
  doubleMax(what: string): number | undefined {
    const raw = this.str(what);
    if (raw === '' || raw === UNSET_DOUBLE) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value)) {
      throw new DecodeError(`field ${this.#pos - 1} (${what}) is not a number: ${JSON.stringify(raw)}`);
    }
    return value === Number.MAX_VALUE || value === Infinity ? undefined : value;
  }

  /** Reads a boolean sent as 0/1 (empty is false). */
  bool(what: string): boolean {
    const raw = this.str(what);
    if (raw === '' || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true') return true;
    if (/^-?\d+$/.test(raw)) return Number(raw) !== 0;
    throw new DecodeError(`field ${this.#pos - 1} (${what}) is not a boolean: ${JSON.stringify(raw)}`);
  }

  /** Fails when fields are left over: the client and server disagree on the layout. */
  end(message: string): void {
    if (this.remaining > 0) {
      throw new DecodeError(
        `${message}: ${this.remaining} unexpected trailing field(s) from field ${this.#pos}`,
      );
    }
  }
}

/** The contract fields of placeOrder (and reqMktData / reqContractDetails). */
export interface ContractFields {
  conId: number;
  symbol: string;
  secType: string;
  lastTradeDateOrContractMonth: string;
  strike: number | undefined;
  right: string;
  multiplier: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
}

/** A tag/value pair (algo parameters, smart combo routing parameters). */
export interface TagValue {
  tag: string;
  value: string;
}

/** One order condition, kept as read so that it can be reported. */
export interface DecodedCondition {
  type: number;
  conjunction: string;
  fields: Record<string, string | number | boolean | undefined>;
}

/** Reads the twelve contract fields most requests start with. */
export function readContract(r: FieldReader): ContractFields {
  return {
    conId: r.int('conId'),
    symbol: r.str('symbol'),
    secType: r.str('secType'),
    lastTradeDateOrContractMonth: r.str('lastTradeDateOrContractMonth'),
    strike: r.doubleMax('strike'),
    right: r.str('right'),
    multiplier: r.str('multiplier'),
    exchange: r.str('exchange'),
    primaryExch: r.str('primaryExch'),
    currency: r.str('currency'),
    localSymbol: r.str('localSymbol'),
    tradingClass: r.str('tradingClass'),
  };
}

/** Reads a counted list of tag/value pairs. */
export function readTagValues(r: FieldReader, what: string): TagValue[] {
  const count = r.int(`${what} count`);
  if (count < 0 || count > 1000) throw new DecodeError(`bad ${what} count ${count}`);
  const list: TagValue[] = [];
  for (let i = 0; i < count; i++) list.push({ tag: r.str(`${what} tag`), value: r.str(`${what} value`) });
  return list;
}
