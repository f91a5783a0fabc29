import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  apiKeyHint,
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatches,
} from '../../../core/access/api-keys.ts';
import { authorize, authorizeOperator, scopesBeyond, type Caller } from '../../../core/access/caller.ts';
import { authKeys, tenancyKeys, tenantPk } from '../../../core/store/keys.ts';
import { bearerToken } from '../../../functions/auth/authorizer.ts';

const tenantId = fc.stringMatching(/^[a-z0-9]{1,40}$/);

describe('API keys', () => {
  it('parses every key it generates back to its tenant, id and secret', () => {
    fc.assert(
      fc.property(tenantId, (t) => {
        const { value, keyId, secretHash } = generateApiKey(t);
        const parsed = parseApiKey(value);
        expect(parsed).toMatchObject({ tenantId: t, keyId });
        expect(secretMatches(parsed!.secret, secretHash)).toBe(true);
        expect(value.startsWith('oms_')).toBe(true);
        expect(apiKeyHint(value)).not.toContain(parsed!.secret);
      }),
      { numRuns: 50 },
    );
  });

  it('never parses arbitrary text as a key', () => {
    fc.assert(fc.property(fc.string(), (s) => /^oms_/.test(s) || parseApiKey(s) === undefined));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        (s) => parseApiKey(`oms_${s}`) === undefined || /^[a-z0-9]+_[0-9a-z]+_[A-Za-z0-9]{43}$/.test(s),
      ),
    );
  });

  it('rejects a wrong secret and an unknown key', () => {
    const { secretHash } = generateApiKey('t1');
    expect(secretMatches('A'.repeat(43), secretHash)).toBe(false);
    expect(secretMatches('A'.repeat(43), undefined)).toBe(false);
    expect(hashSecret('x')).toHaveLength(64);
  });
});

describe('Authorization header parsing', () => {
  const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
  it('extracts the token of any well-formed Bearer header, whatever the scheme case', () => {
    fc.assert(
      fc.property(
        part,
        part,
        part,
        fc.constantFrom('Bearer', 'bearer', 'BEARER'),
        fc.constantFrom(' ', '  ', '\t'),
        (h, p, s, scheme, gap) => {
          expect(bearerToken(`${scheme}${gap}${h}.${p}.${s}`)).toBe(`${h}.${p}.${s}`);
        },
      ),
    );
  });

  it('refuses anything else', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const token = bearerToken(s);
        return token === undefined || /^Bearer[ \t]+/i.test(s);
      }),
    );
    for (const header of [
      'Basic abc',
      'Bearer',
      'Bearer a.b',
      'Bearer a.b.c.d',
      'Bearer a b.c.d',
      'Token a.b.c',
    ]) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });
});

describe('authorization rules', () => {
  const user = (roles: Caller['roles'], scopes: Caller['scopes'] = []): Caller => ({
    tenantId: 't1',
    principal: 'user:x',
    kind: 'user',
    roles,
    scopes,
  });
  it('lets roles and keys be checked alike through scopes', () => {
    expect(() => authorize(user(['viewer']), 'orders:read')).not.toThrow();
    expect(() => authorize(user(['viewer']), 'orders:write')).toThrow('orders:write');
    expect(() => authorize(user(['trader']), 'users:read')).toThrow();
    expect(() => authorize({ ...user([], ['users:read']), kind: 'apiKey' }, 'users:read')).not.toThrow();
  });

  it('keeps the operator out of tenants and tenants out of operations', () => {
    const operator: Caller = {
      tenantId: '',
      principal: 'operator:o',
      kind: 'operator',
      roles: [],
      scopes: [],
    };
    expect(() => authorize(operator, 'orders:read')).toThrow();
    expect(() => authorizeOperator(user(['admin']))).toThrow();
    expect(() => authorizeOperator(operator)).not.toThrow();
  });

  it('never lets a caller grant a scope it lacks', () => {
    expect(
      scopesBeyond({ ...user([], ['orders:read']), kind: 'apiKey' }, ['orders:read', 'orders:write']),
    ).toEqual(['orders:write']);
    expect(scopesBeyond(user(['admin']), ['orders:write', 'audit:read'])).toEqual([]);
  });
});

describe('tenancy keys', () => {
  it('start every tenant item with the tenant partition', () => {
    fc.assert(
      fc.property(tenantId, fc.stringMatching(/^[A-Za-z0-9._@+-]{1,30}$/), (t, name) => {
        for (const key of [
          tenancyKeys.tenant(t),
          tenancyKeys.user(t, name),
          tenancyKeys.apiKey(t, name),
          tenancyKeys.audit(t, name),
          tenancyKeys.tenantRate(t, name, 60),
        ]) {
          expect(key.pk.startsWith(tenantPk(t))).toBe(true);
        }
      }),
    );
  });

  it('refuses key parts that could escape their partition', () => {
    expect(() => tenancyKeys.user('t1', 'a#b')).toThrow();
    expect(() => tenancyKeys.apiKey('', 'x')).toThrow();
    expect(() => authKeys.identityUser('T#t1')).toThrow();
  });
});
