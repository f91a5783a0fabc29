import { ConflictError, DomainError, ForbiddenError, notFoundError } from '../errors.ts';

/** The caller's tenant record is missing (a token naming a deleted tenant). */
export const TenantNotFoundError = notFoundError('TenantNotFoundError', 'Tenant', 'TENANT_NOT_FOUND');
export type TenantNotFoundError = InstanceType<typeof TenantNotFoundError>;

export const UserNotFoundError = notFoundError('UserNotFoundError', 'User', 'USER_NOT_FOUND');
export type UserNotFoundError = InstanceType<typeof UserNotFoundError>;

export const ApiKeyNotFoundError = notFoundError('ApiKeyNotFoundError', 'API key', 'API_KEY_NOT_FOUND');
export type ApiKeyNotFoundError = InstanceType<typeof ApiKeyNotFoundError>;

export class ApiKeyAlreadyRevokedError extends ConflictError {
  constructor(keyId: string) {
    super('API_KEY_REVOKED', `API key ${keyId} is already revoked`, { id: keyId });
  }
}

/** A caller tried to hand out more than it holds (an API key with scopes beyond the creator's). */
export class ScopeEscalationError extends ForbiddenError {
  constructor(scopes: string[]) {
    super(`You cannot grant scopes you do not hold: ${scopes.join(', ')}`, { details: { scopes } });
  }
}

/** An admin tried to change their own role or disable themselves, which could lock the tenant out. */
export class SelfLockoutError extends ConflictError {
  constructor() {
    super('SELF_LOCKOUT', 'Admins cannot demote or disable themselves; ask another admin');
  }
}

/** The platform operator suspended the tenant: every caller of it is refused until reactivated. */
export class TenantSuspendedError extends DomainError {
  readonly code = 'TENANT_SUSPENDED';

  constructor(tenantId: string) {
    super(`Tenant ${tenantId} is suspended; ask the platform operator`, { details: { tenantId } });
  }
}
