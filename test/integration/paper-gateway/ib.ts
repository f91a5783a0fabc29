/** What the conformance tests take from @stoqey/ib, through the bridge's CommonJS interop. */
import { ib } from '../../../ib-bridge/ib.ts';

export const { IBApi, IBApiNext, EventName, MarketDataType, SecType, OrderAction, OrderType } = ib;
export const TickType = ib.IBApiTickType;
export type {
  AccountPositionsUpdate,
  AccountSummariesUpdate,
  Contract,
  ExecutionFilter,
  Order,
} from '@stoqey/ib';
