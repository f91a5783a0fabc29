import { ConflictError, DomainError } from '../errors.ts';
import type { OrderStatus } from './status.ts';

/** A status change the transition table does not allow. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'ILLEGAL_TRANSITION';
  readonly from: OrderStatus;
  readonly to: OrderStatus;

  constructor(from: OrderStatus, to: OrderStatus) {
    super(`An order cannot go from ${from} to ${to}`, { details: { from, to } });
    this.from = from;
    this.to = to;
  }
}

/** Cancel asked of an order that has already ended. */
export class OrderNotCancellableError extends ConflictError {
  constructor(orderId: string, status: OrderStatus) {
    super('ORDER_NOT_CANCELLABLE', `Order ${orderId} is ${status} and can no longer be cancelled`, {
      orderId,
      orderStatus: status,
    });
  }
}

/** Modify asked of an order that has ended or is being cancelled. */
export class OrderNotModifiableError extends ConflictError {
  constructor(orderId: string, status: OrderStatus) {
    super('ORDER_NOT_MODIFIABLE', `Order ${orderId} is ${status} and can no longer be modified`, {
      orderId,
      orderStatus: status,
    });
  }
}

/** The order changed between read and write; the caller may retry. */
export class OrderVersionConflictError extends ConflictError {
  constructor(orderId: string) {
    super('ORDER_VERSION_CONFLICT', `Order ${orderId} changed concurrently; retry`, { orderId });
  }
}

/** Same Idempotency-Key, different request. */
export class IdempotencyKeyReusedError extends ConflictError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body');
  }
}

/** clientOrderId already names another order of the tenant. */
export class DuplicateClientOrderIdError extends ConflictError {
  constructor(clientOrderId: string, existingOrderId: string | undefined) {
    super('DUPLICATE_CLIENT_ORDER_ID', `clientOrderId ${clientOrderId} is already used by another order`, {
      clientOrderId,
      ...(existingOrderId ? { orderId: existingOrderId } : {}),
    });
  }
}

/** Modify asked of a leg of a bracket, OCO or OTO group, whose risk is reserved for the group. */
export class OrderGroupLegNotModifiableError extends ConflictError {
  constructor(orderId: string, groupId: string) {
    super(
      'ORDER_GROUP_LEG_NOT_MODIFIABLE',
      `Order ${orderId} is a leg of group ${groupId}; cancel the group and place it again to change it`,
      { orderId, groupId },
    );
  }
}
