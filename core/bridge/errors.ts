import { ConflictError } from '../errors.ts';

/** The position moved on between read and write: re-read it and apply again. */
export class PositionVersionConflictError extends ConflictError {
  constructor(key: string) {
    super('POSITION_VERSION_CONFLICT', `Position ${key} changed concurrently; retry`, { position: key });
  }
}

/** Another bridge took the IB order ids this one meant to use. */
export class OrderIdRaceError extends ConflictError {
  constructor(clientId: number) {
    super('ORDER_ID_RACE', `The next order id of client ${clientId} moved concurrently; retry`, { clientId });
  }
}

/** This bridge no longer holds its connection's lease: another bridge took the connection over. */
export class LeaseLostError extends ConflictError {
  constructor(connectionId: string) {
    super('CONNECTION_LEASE_LOST', `The lease of connection ${connectionId} is held by another bridge`, {
      connectionId,
    });
  }
}

/** An attached leg whose parent is not at the broker yet: its command is retried later. */
export class ParentNotPlacedError extends ConflictError {
  constructor(orderId: string, parentId: string, why: string) {
    super('PARENT_NOT_PLACED', `Order ${orderId} waits for its parent ${parentId}: ${why}`, {
      orderId,
      parentId,
    });
  }
}
