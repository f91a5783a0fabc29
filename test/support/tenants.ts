/**
 * Tenants with callers for any test, created through the real code paths (the tenancy use cases,
 * the DynamoDB store, the local identity provider) without password hashing, so each takes a
 * few milliseconds.
 */
import { randomUUID } from 'node:crypto';
import type { Role, Scope } from '../../core/access/caller.ts';
import { createApiKey, createTenant, createUser } from '../../core/tenancy/service.ts';
import type { TestApi } from './api.ts';
import { testTenant } from './resources.ts';

export interface TestTenant {
  tenantId: string;
  /** Access tokens, one per role. */
  tokens: Record<Role, string>;
  /** Usernames, one per role. */
  usernames: Record<Role, string>;
  /** `{ authorization: 'Bearer …' }` for a role. */
  headers(role: Role): Record<string, string>;
  /** A new API key of this tenant with these scopes (`x-api-key` value). */
  apiKey(scopes: Scope[], options?: { expiresAt?: string; rateLimitPerMinute?: number }): Promise<string>;
  /** Another user with a password, for login tests. */
  addUser(role: Role, password?: string): Promise<{ username: string; password: string; token: string }>;
}

/** A fresh tenant with an admin, a trader and a viewer, and their tokens. */
export async function createTestTenant(
  api: Pick<TestApi, 'store' | 'identity'>,
  options: { name?: string } = {},
): Promise<TestTenant> {
  const tenantId = testTenant();
  const suffix = tenantId.slice(1);
  const usernames: Record<Role, string> = {
    admin: `admin-${suffix}`,
    trader: `trader-${suffix}`,
    viewer: `viewer-${suffix}`,
  };
  const actor = 'operator:test';
  const provider = api.identity.provider;
  await createTenant(
    { identity: provider, store: api.store },
    {
      id: tenantId,
      name: options.name ?? `Test ${tenantId}`,
      admin: { username: usernames.admin, password: undefined },
      actor,
    },
  );
  const scope = api.store.forTenant(tenantId);
  await Promise.all(
    (['trader', 'viewer'] as const).map((role) =>
      createUser(
        { identity: provider, tenant: scope },
        { username: usernames[role], password: undefined, role, actor },
      ),
    ),
  );
  const token = (role: Role) => provider.accessToken({ username: usernames[role], tenantId, groups: [role] });
  const tokens: Record<Role, string> = {
    admin: token('admin'),
    trader: token('trader'),
    viewer: token('viewer'),
  };
  return {
    tenantId,
    tokens,
    usernames,
    headers: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    apiKey: async (scopes, opts = {}) =>
      (
        await createApiKey(
          { tenant: scope },
          {
            name: 'test key',
            scopes,
            expiresAt: opts.expiresAt ?? null,
            rateLimitPerMinute: opts.rateLimitPerMinute ?? null,
            caller: { principal: `user:${usernames.admin}` },
          },
        )
      ).key,
    addUser: async (role, password = `Pw-${randomUUID()}`) => {
      const username = `${role}-${randomUUID().slice(0, 8)}`;
      await createUser({ identity: provider, tenant: scope }, { username, password, role, actor });
      return { username, password, token: provider.accessToken({ username, tenantId, groups: [role] }) };
    },
  };
}

/** A platform operator's access token. */
export function operatorToken(api: Pick<TestApi, 'identity'>, username = 'operator-test'): string {
  return api.identity.provider.accessToken({ username, tenantId: undefined, groups: ['operator'] });
}
