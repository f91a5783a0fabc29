import type { OrderType, TimeInForce } from './order.ts';

/** IB's names of our order types and times in force, as a what-if question carries them. */
export const IB_WHAT_IF_ORDER_TYPES = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
  stop_limit: 'STP LMT',
  trailing_stop: 'TRAIL',
} as const satisfies Record<OrderType, string>;

export const IB_WHAT_IF_TIFS = {
  day: 'DAY',
  gtc: 'GTC',
  ioc: 'IOC',
  fok: 'FOK',
  gtd: 'GTD',
} as const satisfies Record<TimeInForce, string>;
