import { ForbiddenError } from '../errors.ts';

/** Roles a user holds inside one tenant. */
export const ROLES = ['admin', 'trader', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key (or a role, through ROLE_SCOPES) may do. */
export const SCOPES = [
  'orders:read',
  'orders:write',
  'positions:read',
  'marketdata:read',
  'marketdata:write',
  'webhooks:read',
  'webhooks:write',
  'risk:read',
  'risk:write',
  'users:read',
  'users:write',
  'api-keys:read',
  'api-keys:write',
  'audit:read',
  'strategies:read',
  'strategies:write',
  'connections:read',
  'connections:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/** The platform operator manages tenants and stands outside every tenant. */
export const OPERATOR_SCOPE = 'platform:tenants';

const READS = SCOPES.filter((s) => s.endsWith(':read'));

/** Each role is a set of scopes, so a handler declares one scope and roles and keys are checked alike. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: SCOPES,
  trader: [
    ...READS.filter((s) => !['users:read', 'api-keys:read', 'audit:read'].includes(s)),
    'orders:write',
    'marketdata:write',
    'strategies:write',
  ],
  viewer: READS.filter((s) => !['users:read', 'api-keys:read', 'audit:read'].includes(s)),
};

/** Who is calling, as resolved by the authorizer. Tenant comes from here, never from the request. */
export interface Caller {
  tenantId: string;
  /** `user:<username>`, `apikey:<id>` or `operator:<username>`. */
  principal: string;
  kind: 'user' | 'apiKey' | 'operator';
  roles: Role[];
  scopes: Scope[];
}

/** Every scope the caller holds, from its roles and its own scopes. */
export function effectiveScopes(caller: Caller): Set<Scope> {
  const scopes = new Set<Scope>(caller.scopes);
  for (const role of caller.roles) for (const scope of ROLE_SCOPES[role]) scopes.add(scope);
  return scopes;
}

/** Throws ForbiddenError unless the caller holds `scope`. */
export function authorize(caller: Caller, scope: Scope): void {
  if (caller.kind === 'operator')
    throw new ForbiddenError('The platform operator acts on tenants, not inside one');
  if (!effectiveScopes(caller).has(scope)) {
    throw new ForbiddenError(`This action needs the ${scope} scope`, { details: { requiredScope: scope } });
  }
}

/** Throws ForbiddenError unless the caller is a platform operator. */
export function authorizeOperator(caller: Caller): void {
  if (caller.kind !== 'operator') throw new ForbiddenError('Only a platform operator may do this');
}

/** Throws ForbiddenError unless the caller acts inside a tenant (any role, any key). */
export function authorizeTenantMember(caller: Caller): void {
  if (caller.kind === 'operator' || caller.tenantId === '')
    throw new ForbiddenError('The platform operator acts on tenants, not inside one');
}

/** The scopes of `wanted` the caller does not hold: a caller can never grant more than it has. */
export function scopesBeyond(caller: Caller, wanted: readonly Scope[]): Scope[] {
  const held = effectiveScopes(caller);
  return wanted.filter((s) => !held.has(s));
}
