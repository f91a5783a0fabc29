/** Issue 15, the pure rules: key powers, login delays, usernames, JSON limits, process secrets. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ROLE_SCOPES, SCOPES, type Scope } from '../../../core/access/caller.ts';
import { FREE_FAILURES, loginDelaySeconds } from '../../../core/access/login.ts';
import { keyPowers, principalScopes, type PrincipalDirectory } from '../../../core/access/permissions.ts';
import { normalizeUsername } from '../../../core/access/usernames.ts';
import type { StoredApiKey, TenantUser } from '../../../core/tenancy/model.ts';
import { checkJsonShape, MAX_JSON_DEPTH } from '../../../functions/shared/json-limits.ts';
import { withoutSecretsOf } from '../../../local/secrets.ts';
import { env } from '../../../core/topology.ts';

const now = new Date('2026-01-01T00:00:00Z');

function directory(
  users: TenantUser[],
  keys: Array<Partial<StoredApiKey> & { id: string }>,
): PrincipalDirectory {
  return {
    findUser: async (_t, username) => users.find((u) => u.username === username),
    findApiKey: async (_t, id) => {
      const key = keys.find((k) => k.id === id);
      return key
        ? ({ revokedAt: null, expiresAt: null, createdBy: 'user:gone', scopes: [], ...key } as StoredApiKey)
        : undefined;
    },
  };
}

const user = (
  username: string,
  role: TenantUser['role'],
  status: TenantUser['status'] = 'active',
): TenantUser => ({
  username,
  role,
  status,
  createdAt: now.toISOString(),
  createdBy: 'operator:o',
  updatedAt: now.toISOString(),
});

describe('key powers', () => {
  it('are always the key scopes intersected with what the creator holds now', async () => {
    const scopes = fc.subarray([...SCOPES] as Scope[], { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(
        scopes,
        fc.constantFrom('admin', 'trader', 'viewer') as fc.Arbitrary<TenantUser['role']>,
        fc.constantFrom('active', 'disabled') as fc.Arbitrary<TenantUser['status']>,
        async (keyScopes, role, status) => {
          const dir = directory([user('alice', role, status)], []);
          const powers = await keyPowers(dir, 't', { scopes: keyScopes, createdBy: 'user:alice' }, now);
          const held = status === 'active' ? ROLE_SCOPES[role] : [];
          expect(powers.effectiveScopes).toEqual(keyScopes.filter((s) => held.includes(s)));
          if (powers.effectiveScopes.length === keyScopes.length) expect(powers.limitedBy).toBeNull();
          else expect(powers.limitedBy).toBe(status === 'active' ? 'creator_role' : 'creator_disabled');
        },
      ),
    );
  });

  it('follow a chain of keys that made keys, and stop at a deleted creator or a revoked link', async () => {
    const dir = directory(
      [user('alice', 'admin')],
      [
        { id: 'k1', createdBy: 'user:alice', scopes: ['users:write', 'users:read', 'api-keys:write'] },
        { id: 'k2', createdBy: 'apikey:k1', scopes: ['users:write', 'orders:read'] },
        { id: 'k3', createdBy: 'user:bob', scopes: ['orders:read'] },
        { id: 'k4', createdBy: 'apikey:k1', scopes: ['users:read'], revokedAt: now.toISOString() },
      ],
    );
    expect([...(await principalScopes(dir, 't', 'apikey:k2', now))]).toEqual(['users:write']);
    expect(await keyPowers(dir, 't', { scopes: ['orders:read'], createdBy: 'user:bob' }, now)).toEqual({
      effectiveScopes: [],
      limitedBy: 'creator_deleted',
    });
    expect(await keyPowers(dir, 't', { scopes: ['users:read'], createdBy: 'apikey:k4' }, now)).toEqual({
      effectiveScopes: [],
      limitedBy: 'creator_key_limited',
    });
  });

  it('grant nothing through a cycle of keys', async () => {
    const dir = directory(
      [],
      [
        { id: 'a', createdBy: 'apikey:b', scopes: ['orders:read'] },
        { id: 'b', createdBy: 'apikey:a', scopes: ['orders:read'] },
      ],
    );
    expect((await principalScopes(dir, 't', 'apikey:a', now)).size).toBe(0);
  });
});

describe('login delays', () => {
  it('cost nothing for the first failures, then grow and never pass 15 minutes', () => {
    expect(loginDelaySeconds(FREE_FAILURES - 1)).toBe(0);
    expect(loginDelaySeconds(FREE_FAILURES)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => {
        expect(loginDelaySeconds(n + 1)).toBeGreaterThanOrEqual(loginDelaySeconds(n));
        expect(loginDelaySeconds(n)).toBeLessThanOrEqual(900);
      }),
    );
  });
});

describe('usernames', () => {
  it('are one name whatever the case, and names with a key separator are no names', () => {
    expect(normalizeUsername('DEMO-Admin')).toBe('demo-admin');
    for (const bad of ['a#b', '#', 'ab', '', 'x'.repeat(129), 'a b'])
      expect(normalizeUsername(bad)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const n = normalizeUsername(s);
        if (n !== undefined) expect(n).not.toContain('#');
      }),
    );
  });
});

describe('JSON limits', () => {
  it('refuse nesting beyond the limit, ignoring brackets inside strings', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(() => checkJsonShape(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => checkJsonShape(nested(MAX_JSON_DEPTH + 1))).toThrow(/nests deeper/);
    expect(() => checkJsonShape(JSON.stringify({ s: '['.repeat(10_000) }))).not.toThrow();
    expect(() => checkJsonShape(JSON.stringify({ s: '\\"[[[[' }))).not.toThrow();
    expect(() => checkJsonShape(' '.repeat(1024 * 1024 + 1))).toThrow(/larger/);
  });

  it('accept every value the validators would see at a reasonable depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'small', maxDepth: 10 }), (value) => {
        expect(() => checkJsonShape(JSON.stringify(value))).not.toThrow();
      }),
    );
  });
});

describe('process secrets', () => {
  it('keeps the identity key and the cursor key from the bridge', () => {
    expect(withoutSecretsOf('bridge')).toEqual({ [env.localIdpKey]: '', [env.cursorKey]: '' });
  });
});
