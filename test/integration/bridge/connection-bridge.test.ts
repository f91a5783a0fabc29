/**
 * One bridge per connection: the bridge reads its connection record, reports status, accounts,
 * pacing and lines to it, keeps its IB state under the connection, and holds the connection by a
 * lease: a second bridge for the same connection waits until the first is gone, and takes over
 * with the next fencing token. Lease and fencing against DynamoDB Local on a virtual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../../adapters/dynamodb/connection-store.ts';
import { DynamoExecutionStore } from '../../../adapters/dynamodb/execution-store.ts';
import { DynamoLeaseStore } from '../../../adapters/dynamodb/lease-store.ts';
import { LeaseLostError } from '../../../core/bridge/errors.ts';
import { newConnectionId, type Connection } from '../../../core/connections/model.ts';
import { connectionQueue } from '../../../core/topology.ts';
import { ensureQueue } from '../../../local/provision.ts';
import { bridgeWorld, orderIn, placeOrder, waitFor, type BridgeWorld } from './harness.ts';

let world: BridgeWorld;
let connections: DynamoConnectionStore;

beforeAll(async () => {
  world = await bridgeWorld({ account: 'DU5550001' });
  const doc = DynamoDBDocumentClient.from(world.api.resources.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  connections = new DynamoConnectionStore(doc, world.api.resources.tableName);
});
afterAll(async () => {
  await world.close();
});

async function paperConnection(ownerTenantId: string): Promise<Connection> {
  const at = new Date().toISOString();
  const connection: Connection = {
    connectionId: newConnectionId(),
    ownerTenantId,
    name: 'paper',
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: 7,
    status: 'connecting',
    accounts: [],
    paperGateway: {
      host: world.gateway.host,
      port: world.gateway.port,
      controlUrl: 'http://127.0.0.1:1/',
      controlToken: 'unused',
    },
    createdAt: at,
    updatedAt: at,
  };
  expect(await connections.create(connection)).toBe(true);
  await ensureQueue(world.api.resources.sqs, connectionQueue(connection.connectionId));
  return connection;
}

describe('the connection lease', () => {
  it('is held by one bridge at a time; a successor takes it when it runs out, with the next token', async () => {
    let now = 1_000_000;
    const leases = new DynamoLeaseStore(world.api.resources.dynamo, world.api.resources.tableName, () => now);
    const id = newConnectionId();
    const first = await leases.acquire(id, 'bridge-a', 3000);
    expect(first).toEqual({ token: 1 });
    expect(await leases.acquire(id, 'bridge-b', 3000)).toEqual({ holder: 'bridge-a', until: 1_003_000 });
    now += 2000;
    expect(await leases.renew(id, 'bridge-a', 1, 3000)).toBe(true);
    now += 2000;
    expect(await leases.acquire(id, 'bridge-b', 3000)).toEqual({ holder: 'bridge-a', until: 1_005_000 });
    now += 1001;
    expect(await leases.acquire(id, 'bridge-b', 3000)).toEqual({ token: 2 });
    // The old holder can neither renew nor release what it lost.
    expect(await leases.renew(id, 'bridge-a', 1, 3000)).toBe(false);
    await leases.release(id, 'bridge-a', 1);
    expect(await leases.acquire(id, 'bridge-c', 3000)).toEqual({ holder: 'bridge-b', until: now + 3000 });
    await leases.release(id, 'bridge-b', 2);
    expect(await leases.acquire(id, 'bridge-c', 3000)).toEqual({ token: 3 });
  });

  it('fences IB order ids: a bridge whose token is no longer the lease’s reserves none', async () => {
    const { dynamo, tableName } = world.api.resources;
    const leases = new DynamoLeaseStore(dynamo, tableName);
    const id = newConnectionId();
    const held = await leases.acquire(id, 'bridge-a', 60_000);
    if (!('token' in held)) throw new Error('lease not taken');
    let token: number | undefined = held.token;
    const store = new DynamoExecutionStore(dynamo, tableName, {
      connectionId: id,
      fencingToken: () => token,
    });
    expect(await store.reserveOrderIds(1, 100, 50)).toBe(100);
    await leases.release(id, 'bridge-a', held.token);
    const next = await leases.acquire(id, 'bridge-b', 60_000);
    expect(next).toEqual({ token: held.token + 1 });
    await expect(store.reserveOrderIds(1, 100, 50)).rejects.toBeInstanceOf(LeaseLostError);
    token = held.token + 1;
    expect(await store.reserveOrderIds(1, 100, 50)).toBe(150);
  });

  it('keeps IB order ids per connection, so two connections with the same client id never share them', async () => {
    const { dynamo, tableName } = world.api.resources;
    const a = new DynamoExecutionStore(dynamo, tableName, { connectionId: newConnectionId() });
    const b = new DynamoExecutionStore(dynamo, tableName, { connectionId: newConnectionId() });
    expect(await a.reserveOrderIds(1, 1, 50)).toBe(1);
    expect(await a.reserveOrderIds(1, 1, 50)).toBe(51);
    expect(await b.reserveOrderIds(1, 1, 50)).toBe(1);
  });
});

describe('a connection’s bridge', () => {
  it('places through the connection’s gateway, reports to its record, and hands the connection over', async () => {
    const tenant = await world.tenant();
    const connection = await paperConnection(tenant.tenantId);
    const config = world.config({
      connectionId: connection.connectionId,
      leaseSeconds: 5,
      heartbeatMs: 200,
      // Found by name, as in AWS: the provisioner created it.
      ordersQueueUrl: '',
      ib: { host: 'unused', port: 1, clientId: 0, account: undefined },
    });
    const first = await world.startBridge(config);
    await first.reconciled();
    expect(first.config.ib).toMatchObject({
      host: world.gateway.host,
      port: world.gateway.port,
      clientId: 7,
    });

    const reported = await waitFor(
      async () => {
        const c = await connections.get(connection.connectionId);
        return c?.status === 'connected' && c.accounts.length > 0 ? c : undefined;
      },
      'the bridge to report connected and its accounts',
      60_000,
    );
    expect(reported.accounts).toEqual(['DU5550001']);
    expect(reported.pacing?.limitPerSecond).toBe(50);
    expect(reported.marketDataLines).toEqual({ inUse: 0, limit: 100 });
    expect((await connections.getAccount('DU5550001'))?.tenantId).toBe(tenant.tenantId);

    const id = await placeOrder(world, tenant, {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '3',
      type: 'limit',
      limitPrice: (world.gateway.control.quote('AAPL').ask + 0.5).toFixed(2),
      account: 'DU5550001',
    });
    await orderIn(world, tenant, id, 'filled', 60_000);
    expect(world.gateway.control.placementsByOrderRef()[id]?.placed).toBe(1);
    const afterOne = await connections.get(connection.connectionId);
    expect(afterOne?.pacing?.usedLastMinute).toBeGreaterThan(0);

    // A second bridge for the same connection waits while the first holds the lease.
    const secondStarting = world.startBridge(config);
    let secondStarted = false;
    void secondStarting.then(() => (secondStarted = true));
    // Its first attempt finds the lease held; the holder renews every 5/3 s, so it keeps waiting.
    await new Promise((r) => setTimeout(r, 500));
    expect(secondStarted).toBe(false);
    expect(world.gateway.control.clients()).toHaveLength(1);
    const firstToken = first.lease?.token;
    expect(firstToken).toBe(1);
    await first.stop();
    const second = await secondStarting;
    await second.reconciled();
    expect(second.lease?.token).toBe(2);
    const id2 = await placeOrder(world, tenant, {
      symbol: 'MSFT',
      side: 'buy',
      quantity: '2',
      type: 'limit',
      limitPrice: (world.gateway.control.quote('MSFT').ask + 0.5).toFixed(2),
    });
    await orderIn(world, tenant, id2, 'filled', 60_000);
    expect(world.gateway.control.placementsByOrderRef()[id2]?.placed).toBe(1);
    await second.stop();
    await waitFor(
      async () => (await connections.get(connection.connectionId))?.status === 'disconnected',
      'the stopped bridge to report disconnected',
      60_000,
    );
  }, 240_000);
});
