import { ConflictError, DomainError, NotFoundError, notFoundError } from '../errors.ts';

/** No such connection for this caller (also what another tenant's connection looks like). */
export class ConnectionNotFoundError extends NotFoundError {
  constructor(connectionId: string) {
    super('Connection', connectionId, 'CONNECTION_NOT_FOUND');
  }
}

/** A connection with working orders cannot be deleted: they would never reach the broker. */
export class ConnectionInUseError extends ConflictError {
  constructor(connectionId: string, workingOrders: number) {
    super('CONNECTION_IN_USE', `Connection ${connectionId} has ${workingOrders} working orders`, {
      id: connectionId,
      workingOrders,
    });
  }
}

/**
 * The order names an account the tenant does not own (or the tenant has none): refused before
 * anything is stored or queued, with the same answer whether or not the account exists elsewhere.
 */
export class AccountNotFoundError extends DomainError {
  readonly code = 'ACCOUNT_NOT_FOUND';

  constructor(account: string | undefined) {
    super(
      account === undefined
        ? 'The tenant has no default account: name one of its accounts, or connect one first'
        : `Account ${account} is not one of this tenant's accounts`,
      { details: account === undefined ? {} : { account } },
    );
  }
}

/** An account of the tenant the API looked up by id and did not find (GET/PATCH /accounts/{id}). */
export class UnknownAccountError extends NotFoundError {
  constructor(account: string) {
    super('Account', account, 'ACCOUNT_NOT_FOUND');
  }
}

/** An account belongs to at most one tenant; the operator tried to give an owned one to another. */
export class AccountOwnedError extends ConflictError {
  constructor(account: string) {
    super('ACCOUNT_OWNED', `Account ${account} already belongs to a tenant`, { account });
  }
}

/** The operator named an account that the shared connection has not reported. */
export class AccountNotOnConnectionError extends ConflictError {
  constructor(account: string, connectionId: string) {
    super(
      'ACCOUNT_NOT_ON_CONNECTION',
      `Account ${account} is not one of the accounts connection ${connectionId} reported`,
      { account, connectionId },
    );
  }
}

/** The tenant's account exists but its bridge has not yet reported IB's account values. */
export const AccountValuesUnavailableError = notFoundError(
  'AccountValuesUnavailableError',
  'Account values of',
  'ACCOUNT_VALUES_UNAVAILABLE',
);
