import * as z from 'zod';
import { ROLES, SCOPES, type Role, type Scope } from '../access/caller.ts';

/** Usernames: what Cognito accepts, minus the key separator; case-insensitive, kept in lower case. */
export const usernameSchema = z
  .string()
  .min(3)
  .max(128)
  .regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only');

/** Passwords follow a Cognito default-like policy, so the same rules hold in both runtimes. */
export const passwordSchema = z
  .string()
  .min(12, 'at least 12 characters')
  .max(256)
  .refine(
    (p) => /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p),
    'needs a lower-case letter, an upper-case letter and a digit',
  );

export const roleSchema = z.enum(ROLES);
export const scopeSchema = z.enum(SCOPES);

/** The group platform operators belong to (a Cognito group, like the roles). */
export const OPERATOR_GROUP = 'operator';

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: string;
  createdBy: string;
}

export interface TenantUser {
  username: string;
  role: Role;
  status: 'active' | 'disabled';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  /** The start of the key, for recognising it in a list; never enough to use it. */
  hint: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rateLimitPerMinute: number | null;
}

/** An API key as the authorizer reads it: with the secret's hash. */
export interface StoredApiKey extends ApiKeyRecord {
  tenantId: string;
  secretHash: string;
}

export const AUDIT_EVENT_TYPES = [
  'tenant.created',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.login_rate_limited',
  'auth.refreshed',
  'auth.refresh_replayed',
  'auth.logged_out',
  'auth.api_key_rejected',
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'api_key.created',
  'api_key.revoked',
  'tenant.suspended',
  'tenant.reactivated',
  'risk.limits_changed',
  'risk.kill_switch_changed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** One entry of a tenant's security audit log; immutable once written. */
export interface AuditEvent {
  id: string;
  at: string;
  type: AuditEventType;
  /** The principal that acted (`user:alice`, `apikey:…`, `operator:root`, or `anonymous`). */
  actor: string;
  sourceIp?: string;
  data: Record<string, unknown>;
}

/** A page of a listing; `nextCursor` is opaque to clients. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
