/**
 * The bridge's persistence port. Core decides every change (core/bridge/apply.ts); a store
 * persists each one atomically, with the version guards it carries, and reports what the guards
 * found. It raises OrderVersionConflictError, PositionVersionConflictError or OrderIdRaceError
 * (core errors), never its SDK's.
 */
import type { Connection, RuntimePatch } from '../connections/model.ts';
import type { ConnectionStore } from '../connections/ports.ts';
import type { Order } from '../orders/order.ts';
import type { Position } from '../positions/position.ts';
import type { CommissionOutcome, FillOutcome, OrderChange, RouteClaim } from './apply.ts';
import type { HousePosition, OrderRoute, StoredFill } from './records.ts';

export type { HousePosition, OrderRoute, StoredFill } from './records.ts';

export interface ExecutionStore {
  getOrder(tenantId: string, orderId: string): Promise<Order | undefined>;
  getPosition(tenantId: string, account: string, symbol: string): Promise<Position | undefined>;
  getFill(tenantId: string, execId: string): Promise<StoredFill | undefined>;

  /** Writes the claim, its event and the maps back from IB ids; OrderVersionConflictError if the order moved. */
  commitClaim(claim: RouteClaim): Promise<void>;
  /** Writes a status change; OrderVersionConflictError if the order moved. */
  commitOrderChange(change: OrderChange): Promise<void>;
  /** Writes a fill exactly once by execId: 'duplicate' if it was applied before. */
  commitFill(outcome: FillOutcome): Promise<'written' | 'duplicate'>;
  /** Charges a commission once: 'duplicate' if charged before, 'no-fill' if its fill is not applied. */
  commitCommission(outcome: CommissionOutcome): Promise<'written' | 'duplicate' | 'no-fill'>;

  routeOfOrderRef(orderId: string): Promise<OrderRoute | undefined>;
  routeOfBrokerOrder(clientId: number, brokerOrderId: number): Promise<OrderRoute | undefined>;
  /** Orders routed under this client id and not ended. */
  workingRoutes(clientId: number): Promise<OrderRoute[]>;
  /** Takes an order off the working list (it ended while the bridge was away). */
  forgetWorking(clientId: number, orderId: string): Promise<void>;
  /** Records an order at the broker the OMS did not place; false if it was flagged before. */
  flagForeignOrder(permId: number, details: Record<string, unknown>): Promise<boolean>;
  housePositions(): Promise<HousePosition[]>;
}

/** The bridge's own state per client id: IB order ids and the executions watermark. */
export interface BridgeStateStore {
  state(clientId: number): Promise<{ nextOrderId: number; execWatermark?: string }>;
  /** Reserves `count` ids at or above both the stored next id and `atLeast`; ids never go back. */
  reserveOrderIds(clientId: number, atLeast: number, count: number): Promise<number>;
  setExecWatermark(clientId: number, watermark: string): Promise<void>;
  heartbeat(status: { brokerConnected: boolean; broker: string; [k: string]: unknown }): Promise<void>;
}

/** Who holds a connection's lease now, when another bridge does. */
export interface LeaseHolder {
  holder: string;
  /** Epoch milliseconds the lease runs until unless renewed. */
  until: number;
}

/**
 * At most one bridge holds a broker connection: a lease item with a fencing token that grows by
 * one with every new holder. A bridge renews it with its heartbeat; one that cannot renew stops.
 */
export interface ConnectionLeaseStore {
  /** Takes the lease if it is free, expired or already this holder's: the new token, or who holds it. */
  acquire(connectionId: string, holder: string, ttlMs: number): Promise<{ token: number } | LeaseHolder>;
  /** Extends the lease; false when this holder no longer has it under this token. */
  renew(connectionId: string, holder: string, token: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (a drained bridge), so the next one need not wait for it to run out. */
  release(connectionId: string, holder: string, token: number): Promise<void>;
}

/** The connection store as a connection's bridge uses it: its own record, and reports to it. */
export type ConnectionRecords = Pick<ConnectionStore, 'get' | 'reportRuntime' | 'reportManagedAccounts'>;
export type ConnectionRecord = Connection;
export type ConnectionRuntimePatch = RuntimePatch;
