/**
 * What the bridge's order logic and reconciliation need of the outside, as interfaces: the
 * broker session (BrokerConnection implements it) and the stores (core/bridge/ports.ts). Tests
 * give them in-memory fakes.
 */
import type { Contract, ExecutionFilter, IbOrder } from './ib.ts';

export type {
  BridgeStateStore,
  ConnectionRecord,
  ConnectionRecords,
  ConnectionRuntimePatch,
  ExecutionStore,
  OrderRoute,
} from '../core/bridge/ports.ts';

/** One TWS session as the order logic sees it; sends fail with BrokerUnavailableError when down. */
export interface BrokerSession {
  /** Connected, with a session. */
  readonly up: boolean;
  /** Counts sessions: a new one starts at every (re)connect. */
  readonly sessions: number;
  placeOrder(id: number, contract: Contract, order: IbOrder): Promise<void>;
  cancelOrder(id: number): Promise<void>;
  /** Asks for every open order; the replies also arrive as openOrder messages. */
  openOrders(): Promise<unknown[]>;
  /** Asks for orders that ended; the replies also arrive as completedOrder messages. */
  completedOrders(): Promise<unknown[]>;
  /** Asks for executions; each also arrives as execDetails (and its commissionReport). */
  executions(filter: ExecutionFilter): Promise<unknown[]>;
  positions(): Promise<Array<{ account: string; contract: Contract; pos: number }>>;
}

/** Statistics for health and tests. */
export interface RouterStats {
  placed: number;
  fills: number;
  duplicateFills: number;
  commissions: number;
  transitions: number;
  foreign: number;
  errors: number;
}
