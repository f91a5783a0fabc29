/** What the bridge's store keeps about routes and fills. */
import type { Instrument } from '../instruments/model.ts';
import type { Dec } from '../money.ts';

/** Where an IB order id or orderRef leads. */
export interface OrderRoute {
  tenantId: string;
  orderId: string;
  clientId: number;
  brokerOrderId: number;
}

/** A fill as the store records it. */
export interface StoredFill {
  tenantId: string;
  execId: string;
  orderId: string;
  account: string;
  symbol: string;
  /** The instrument when it is not a plain US stock. */
  instrument?: Instrument;
  side: 'buy' | 'sell';
  quantity: Dec;
  price: Dec;
  at: string;
  day: string;
  commission?: Dec;
}

/** The house position (the sum over tenants) of one account and symbol. */
export interface HousePosition {
  account: string;
  symbol: string;
  quantity: Dec;
}
