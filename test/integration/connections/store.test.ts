/**
 * The connection store against DynamoDB Local: create with its event in the outbox, the runtime
 * methods the bridges call (get, listAll, reportRuntime, reportManagedAccounts), account ownership
 * that never moves between tenants, shared connections and operator assignment, and deletion that
 * releases the connection's accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { isConnectionId, newConnectionId, type Connection } from '../../../core/connections/model.ts';
import { workKeys } from '../../../core/store/keys.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
let doc: DynamoDBDocumentClient;
let store: DynamoConnectionStore;
let clock = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  resources = await useTestResources();
  doc = DynamoDBDocumentClient.from(resources.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoConnectionStore(doc, resources.tableName, () => new Date((clock += 1000)));
});
afterAll(() => resources.dynamo.destroy());

function connection(ownerTenantId: string | null, overrides: Partial<Connection> = {}): Connection {
  const at = new Date((clock += 1000)).toISOString();
  return {
    connectionId: newConnectionId(),
    ownerTenantId,
    name: 'paper',
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: 1,
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** The connection.* events waiting in the outbox for one connection, oldest first. */
async function outboxEvents(connectionId: string) {
  const out: Array<{ detailType: string; detail: Record<string, unknown> }> = [];
  for (let shard = 0; shard < workKeys.shards; shard++) {
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: resources.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': workKeys.outboxPk(shard) },
      }),
    );
    for (const item of Items) {
      const detail = item.detail as Record<string, unknown>;
      if (detail?.connectionId === connectionId)
        out.push({ detailType: String(item.detailType), detail: { ...detail, sortKey: item.gsi3sk } });
    }
  }
  return out
    .sort((a, b) => String(a.detail.sortKey).localeCompare(String(b.detail.sortKey)))
    .map(({ detailType, detail: { sortKey: _s, ...detail } }) => ({ detailType, detail }));
}

/** An account id no other test uses. */
const account = () => `DU${Math.floor(Math.random() * 1e9)}`;

describe('connection ids', () => {
  it('are c and 12 lowercase base32 characters, distinct', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newConnectionId()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^c[a-z2-7]{12}$/);
      expect(isConnectionId(id)).toBe(true);
    }
    expect(isConnectionId('cdemo')).toBe(true);
    expect(isConnectionId('T#x')).toBe(false);
  });
});

describe('DynamoConnectionStore', () => {
  it('creates a connection once, with a connection.created event that names no host or port', async () => {
    const tenant = testTenant();
    const c = connection(tenant, { gateway: { kind: 'external', host: '10.0.0.5', port: 4002 } });
    expect(await store.create(c)).toBe(true);
    expect(await store.create(c)).toBe(false);
    expect(await store.get(c.connectionId)).toEqual(c);
    expect(await store.listOwned(tenant)).toEqual([c]);
    expect(await store.listOwned(testTenant())).toEqual([]);
    expect((await store.listAll()).map((x) => x.connectionId)).toContain(c.connectionId);
    const events = await outboxEvents(c.connectionId);
    expect(events).toEqual([
      {
        detailType: 'connection.created',
        detail: {
          tenantId: tenant,
          connectionId: c.connectionId,
          gateway: { kind: 'external' },
          at: c.createdAt,
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('10.0.0.5');
  });

  it('records runtime reports; a status change is a connection.updated event, a heartbeat is not', async () => {
    const c = connection(testTenant());
    await store.create(c);
    await store.reportRuntime(c.connectionId, {
      status: 'connected',
      heartbeatAt: '2026-12-01T10:05:00.000Z',
      pacing: { limitPerSecond: 50, usedLastMinute: 12 },
      marketDataLines: { inUse: 3, limit: 100 },
      paperGateway: {
        host: '127.0.0.1',
        port: 4100,
        controlUrl: 'http://127.0.0.1:4101',
        controlToken: 'tok',
      },
    });
    await store.reportRuntime(c.connectionId, { heartbeatAt: '2026-12-01T10:05:05.000Z' });
    await store.reportRuntime(c.connectionId, { status: 'connected' });
    const lastError = { code: 'IB_1100', message: 'Connectivity lost', at: '2026-12-01T10:06:00.000Z' };
    await store.reportRuntime(c.connectionId, { status: 'disconnected', lastError });
    const got = await store.get(c.connectionId);
    expect(got).toMatchObject({
      status: 'disconnected',
      lastError,
      heartbeatAt: '2026-12-01T10:05:05.000Z',
      pacing: { limitPerSecond: 50, usedLastMinute: 12 },
      marketDataLines: { inUse: 3, limit: 100 },
      paperGateway: { port: 4100, controlToken: 'tok' },
    });
    expect((await outboxEvents(c.connectionId)).map((e) => e.detailType)).toEqual([
      'connection.created',
      'connection.updated',
      'connection.updated',
    ]);
    // A report for a connection deleted under its bridge changes nothing and does not fail.
    await store.reportRuntime(newConnectionId(), { status: 'connected', heartbeatAt: 'x' });
  });

  it('a report decided on a stale read does not overwrite a status written meanwhile without its event', async () => {
    const c = connection(testTenant());
    await store.create(c);
    await store.reportRuntime(c.connectionId, { status: 'connected' });
    // The bridge's heartbeat reads 'connected'; before it writes, its own stop reports 'disconnected'.
    const racing = new DynamoConnectionStore(doc, resources.tableName, () => new Date((clock += 1000)));
    const realGet = racing.get.bind(racing);
    let interleaved = false;
    racing.get = async (id: string) => {
      const read = await realGet(id);
      if (!interleaved) {
        interleaved = true;
        await store.reportRuntime(c.connectionId, { status: 'disconnected' });
      }
      return read;
    };
    await racing.reportRuntime(c.connectionId, {
      status: 'connected',
      heartbeatAt: '2026-12-01T10:07:00.000Z',
    });
    // The stale write was refused and decided again on what is there now: a change, with its event.
    expect((await outboxEvents(c.connectionId)).map((e) => e.detailType)).toEqual([
      'connection.created',
      'connection.updated',
      'connection.updated',
      'connection.updated',
    ]);
    expect((await store.get(c.connectionId))?.status).toBe('connected');
  });

  it('claims reported accounts for the owner, the first as its default, and never moves another tenant’s', async () => {
    const [a, b] = [testTenant(), testTenant()];
    const [ca, cb] = [connection(a), connection(b)];
    await Promise.all([store.create(ca), store.create(cb)]);
    const [a1, a2, shared] = [account(), account(), account()];
    expect(await store.reportManagedAccounts(ca.connectionId, [a1, a2, a1])).toEqual({ conflicts: [] });
    expect(await store.getDefaultAccount(a)).toBe(a1);
    expect((await store.listAccounts(a)).map((x) => x.accountId).sort()).toEqual([a1, a2].sort());
    expect(await store.getAccount(a2)).toEqual({
      accountId: a2,
      connectionId: ca.connectionId,
      tenantId: a,
      currency: 'USD',
    });
    expect((await store.get(ca.connectionId))?.accounts).toEqual([a1, a2]);

    // B's login (an advisor login, say) also reports a1: it stays A's.
    expect(await store.reportManagedAccounts(cb.connectionId, [a1, shared])).toEqual({ conflicts: [a1] });
    expect((await store.getAccount(a1))?.tenantId).toBe(a);
    expect(await store.getDefaultAccount(b)).toBe(shared);
    expect((await store.listAccounts(b)).map((x) => x.accountId)).toEqual([shared]);

    // The same report again changes nothing and emits nothing more.
    const before = (await outboxEvents(ca.connectionId)).length;
    await store.reportManagedAccounts(ca.connectionId, [a1, a2]);
    expect((await outboxEvents(ca.connectionId)).length).toBe(before);
    expect(await store.reportManagedAccounts(newConnectionId(), [a1])).toEqual({ conflicts: [] });
  });

  it('registers a shared connection’s accounts unassigned; the operator gives each to one tenant', async () => {
    const [a, b] = [testTenant(), testTenant()];
    const fa = connection(null, { gateway: { kind: 'managed' }, name: 'advisor' });
    await store.create(fa);
    const [x, y] = [account(), account()];
    await store.reportManagedAccounts(fa.connectionId, [x, y]);
    expect(await store.getAccount(x)).toMatchObject({ tenantId: null, connectionId: fa.connectionId });
    expect((await store.listShared()).map((c) => c.connectionId)).toContain(fa.connectionId);
    expect((await outboxEvents(fa.connectionId))[0]?.detail.tenantId).toBe('platform');

    expect(await store.assignAccount(x, fa.connectionId, a)).toBe(true);
    expect(await store.assignAccount(x, fa.connectionId, b)).toBe(false);
    expect(await store.assignAccount(y, newConnectionId(), b)).toBe(false);
    expect(await store.assignAccount(y, fa.connectionId, b)).toBe(true);
    expect(await store.getDefaultAccount(a)).toBe(x);
    expect((await store.listAccounts(a)).map((i) => i.accountId)).toEqual([x]);
    expect((await store.listAccounts(b)).map((i) => i.accountId)).toEqual([y]);
    // A later report from the advisor login leaves the assignments as they are.
    await store.reportManagedAccounts(fa.connectionId, [x, y]);
    expect((await store.getAccount(x))?.tenantId).toBe(a);
  });

  it('deletes a connection, releasing its accounts and the default that pointed at them', async () => {
    const tenant = testTenant();
    const c = connection(tenant);
    await store.create(c);
    const acct = account();
    await store.reportManagedAccounts(c.connectionId, [acct]);
    await store.setDefaultAccount(tenant, acct);
    const current = (await store.get(c.connectionId))!;
    await store.remove(current, '2026-12-01T11:00:00.000Z');
    expect(await store.get(c.connectionId)).toBeUndefined();
    expect(await store.getAccount(acct)).toBeUndefined();
    expect(await store.getDefaultAccount(tenant)).toBeUndefined();
    expect(await store.listOwned(tenant)).toEqual([]);
    expect((await outboxEvents(c.connectionId)).map((e) => e.detailType)).toContain('connection.deleted');
    // A new connection to the same login claims the account again.
    const again = connection(tenant);
    await store.create(again);
    await store.reportManagedAccounts(again.connectionId, [acct]);
    expect((await store.getAccount(acct))?.connectionId).toBe(again.connectionId);
  });
});
