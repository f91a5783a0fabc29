/**
 * Who owns each account a login reports (core decides, the store writes), what an API caller is
 * shown of a connection, and the keys of connections and accounts.
 */
import { describe, expect, it } from '@jest/globals';
import { planAccountClaims } from '../../../core/connections/claims.ts';
import {
  connectionEventDetail,
  connectionHealth,
  connectionView,
  type Account,
  type Connection,
} from '../../../core/connections/model.ts';
import { accountKeys, connectionKeys, marketKeys } from '../../../core/store/keys.ts';

const owned = (accountId: string, tenantId: string | null, connectionId = 'cother'): Account => ({
  accountId,
  connectionId,
  tenantId,
  currency: 'USD',
});

const connection: Connection = {
  connectionId: 'cown',
  ownerTenantId: 'ta',
  name: 'A',
  broker: 'ib',
  live: false,
  gateway: { kind: 'external', host: '10.1.2.3', port: 4002 },
  clientId: 1,
  status: 'connected',
  accounts: ['DU1'],
  heartbeatAt: '2026-12-01T10:00:00.000Z',
  paperGateway: { host: '127.0.0.1', port: 1, controlUrl: 'http://127.0.0.1:2', controlToken: 'tok' },
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

describe('planAccountClaims', () => {
  it('claims what nobody owns for the owner, keeps its own, never takes another tenant’s', () => {
    const existing = new Map([
      ['DU2', owned('DU2', 'tb')],
      ['DU3', owned('DU3', null)],
      ['DU4', owned('DU4', 'ta', 'cown')],
    ]);
    const plan = planAccountClaims(connection, ['DU2', 'DU1', 'DU3', 'DU4', 'DU1', ' '], existing, false);
    expect(plan.accounts).toEqual(['DU2', 'DU1', 'DU3', 'DU4']);
    expect(plan.claims.map((a) => [a.accountId, a.tenantId, a.connectionId])).toEqual([
      ['DU1', 'ta', 'cown'],
      ['DU3', 'ta', 'cown'],
    ]);
    expect(plan.conflicts).toEqual(['DU2']);
    expect(plan.defaultAccount).toBe('DU1');
    expect(planAccountClaims(connection, ['DU1'], new Map(), true).defaultAccount).toBeUndefined();
  });

  it('registers a shared login’s accounts unassigned and claims none', () => {
    const shared = { connectionId: 'cfa', ownerTenantId: null };
    const plan = planAccountClaims(
      shared,
      ['DU5', 'DU6', 'DU7'],
      new Map([
        ['DU6', owned('DU6', 'tb', 'cfa')],
        ['DU7', owned('DU7', 'tc', 'celse')],
      ]),
      false,
    );
    expect(plan.registrations.map((a) => [a.accountId, a.tenantId])).toEqual([['DU5', null]]);
    expect(plan.claims).toEqual([]);
    expect(plan.conflicts).toEqual(['DU7']);
    expect(plan.defaultAccount).toBeUndefined();
  });
});

describe('connection views', () => {
  const viewer = (tenantId: string | undefined, isAdmin: boolean, isOperator = false) => ({
    tenantId,
    isAdmin,
    isOperator,
  });

  it('show the control token to the owner’s admins only, the gateway address to the owner and operator', () => {
    expect(connectionView(connection, viewer('ta', true))).toMatchObject({
      paperGateway: { controlToken: 'tok' },
      gateway: { kind: 'external', host: '10.1.2.3', port: 4002 },
    });
    expect(connectionView(connection, viewer('ta', false)).paperGateway).toBeUndefined();
    expect(connectionView(connection, viewer(undefined, false, true))).toMatchObject({
      gateway: { host: '10.1.2.3' },
    });
    expect(connectionView(connection, viewer(undefined, false, true)).paperGateway).toBeUndefined();
    expect(connectionView(connection, viewer('tb', true)).gateway).toEqual({ kind: 'external' });
  });

  it('name the owning tenant to the operator only (null for a shared login)', () => {
    expect(connectionView(connection, viewer(undefined, false, true)).tenantId).toBe('ta');
    expect(
      connectionView({ ...connection, ownerTenantId: null }, viewer(undefined, false, true)),
    ).toMatchObject({
      tenantId: null,
      shared: true,
    });
    expect('tenantId' in connectionView(connection, viewer('ta', true))).toBe(false);
  });

  it('events name no host, port or token', () => {
    const detail = connectionEventDetail(connection, connection.updatedAt);
    expect(detail).toEqual({
      tenantId: 'ta',
      connectionId: 'cown',
      gateway: { kind: 'external' },
      at: connection.updatedAt,
    });
    expect(connectionEventDetail({ ...connection, ownerTenantId: null }, 'x').tenantId).toBe('platform');
  });

  it('health is up only while connected and heartbeating', () => {
    const at = Date.parse(connection.heartbeatAt!);
    expect(connectionHealth(connection, at + 5_000).ok).toBe(true);
    expect(connectionHealth(connection, at + 31_000)).toEqual({
      ok: false,
      detail: 'bridge silent for 31 s',
    });
    expect(connectionHealth({ ...connection, status: 'error' }, at).ok).toBe(false);
    const { heartbeatAt: _h, ...silent } = connection;
    expect(connectionHealth(silent, at)).toEqual({ ok: false, detail: 'no bridge has reported' });
  });
});

describe('keys', () => {
  it('keep connections and accounts platform-level, listings under the tenant, market data per connection', () => {
    expect(connectionKeys.connection('cabc')).toEqual({ pk: 'CONN#cabc', sk: 'CONNECTION' });
    expect(connectionKeys.ownedPk('ta')).toBe('T#ta#CONNECTIONS');
    expect(accountKeys.account('DU1')).toEqual({ pk: 'ACCOUNT#DU1', sk: 'ACCOUNT' });
    expect(accountKeys.ownedPk('ta')).toBe('T#ta#ACCOUNTS');
    expect(accountKeys.tenantDefault('ta')).toEqual({ pk: 'T#ta', sk: 'ACCOUNT_DEFAULT' });
    expect(marketKeys.wanted('AAPL')).toEqual({ pk: 'MD#WANTED', sk: 'SYM#AAPL' });
    expect(marketKeys.wanted('AAPL', 'cabc')).toEqual({ pk: 'MD#WANTED#cabc', sk: 'SYM#AAPL' });
    expect(marketKeys.quote('AAPL', 'cabc').pk).toBe('MD#QUOTE#cabc#AAPL');
    expect(() => connectionKeys.connection('a#b')).toThrow();
  });
});
