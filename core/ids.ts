import { monotonicFactory } from 'ulid';

declare const brand: unique symbol;
/** A string that only the named constructor makes, so ids of different kinds never mix. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Our order id: a ULID, so ids sort by creation time. */
export type OrderId = Brand<string, 'OrderId'>;
/** The client's own id for an order, unique per tenant. */
export type ClientOrderId = Brand<string, 'ClientOrderId'>;
/** IB's order id: per API client id and session. */
export type BrokerOrderId = Brand<number, 'BrokerOrderId'>;
/** IB's permanent id: account-wide and stable across sessions. */
export type BrokerPermId = Brand<number, 'BrokerPermId'>;

const nextUlid = monotonicFactory();

/** A new order id, ordered after every id this process made before. */
export function newOrderId(now = Date.now()): OrderId {
  return nextUlid(now) as OrderId;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** An order id from input, or undefined when it cannot be one. */
export function parseOrderId(value: string): OrderId | undefined {
  return ULID.test(value) ? (value as OrderId) : undefined;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The smallest (or largest) ULID of a millisecond, for time-range queries over ULID-sorted keys. */
export function ulidBound(ms: number, end: 'low' | 'high'): string {
  let time = '';
  let rest = Math.max(0, Math.min(ms, 2 ** 48 - 1));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return time + (end === 'low' ? '0' : 'Z').repeat(16);
}

export const asClientOrderId = (value: string) => value as ClientOrderId;
export const asBrokerOrderId = (value: number) => value as BrokerOrderId;
export const asBrokerPermId = (value: number) => value as BrokerPermId;
