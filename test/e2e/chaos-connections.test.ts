/**
 * Acceptance 2 of broker connections: two tenants, each with its own paper gateway, connection,
 * queue and supervised bridge. Tenant A's bridge is killed (SIGKILL) repeatedly and A's gateway
 * drops the connection while both tenants trade. B's orders keep filling all the while; once A's
 * connection is back, every A order is placed exactly once, at A's gateway (checked against each
 * gateway's own record by orderRef), and no order reaches the other tenant's gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connection-store.ts';
import { newConnectionId, type Connection } from '../../core/connections/model.ts';
import { connectionQueue } from '../../core/topology.ts';
import { ensureQueue } from '../../local/provision.ts';
import { startPaperGateway, type PaperGateway } from '../../paper-gateway/index.ts';
import {
  bridgeWorld,
  orderIn,
  placeOrder,
  waitFor,
  type BridgeWorld,
} from '../integration/bridge/harness.ts';
import type { TestTenant } from '../support/tenants.ts';

const ORDERS_PER_TENANT = 40;
const KILLS = 3;
const DROPS = 2;
const SYMBOLS = ['AAPL', 'MSFT', 'IBM', 'SPY'];

let world: BridgeWorld;
let gatewayB: PaperGateway;
let connections: DynamoConnectionStore;
let stopChaos = () => undefined as void;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 11, account: 'DU7000001' });
  gatewayB = await startPaperGateway({
    port: 0,
    controlPort: null,
    tickIntervalMs: 0,
    seed: 12,
    account: 'DU7000002',
  });
  const doc = DynamoDBDocumentClient.from(world.api.resources.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  connections = new DynamoConnectionStore(doc, world.api.resources.tableName);
});
afterAll(async () => {
  stopChaos();
  await world.close();
  await gatewayB.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connectionFor(tenant: TestTenant, gateway: PaperGateway): Promise<Connection> {
  const at = new Date().toISOString();
  const connection: Connection = {
    connectionId: newConnectionId(),
    ownerTenantId: tenant.tenantId,
    name: 'paper',
    broker: 'ib',
    live: false,
    gateway: { kind: 'paper' },
    clientId: 3,
    status: 'connecting',
    accounts: [],
    paperGateway: { host: gateway.host, port: gateway.port, controlUrl: '', controlToken: 'unused' },
    createdAt: at,
    updatedAt: at,
  };
  expect(await connections.create(connection)).toBe(true);
  // What the provisioner does first: the connection's own queue and DLQ.
  await ensureQueue(world.api.resources.sqs, connectionQueue(connection.connectionId));
  return connection;
}

/** A limit order through the market, so it fills at once while the bridge is up. */
function marketable(gateway: PaperGateway, i: number): Record<string, unknown> {
  const symbol = SYMBOLS[i % SYMBOLS.length] as string;
  const side = i % 3 === 0 ? 'sell' : 'buy';
  const q = gateway.control.quote(symbol);
  const price = side === 'buy' ? q.ask + 0.5 : q.bid - 0.5;
  return {
    symbol,
    side,
    quantity: String(1 + (i % 5)),
    type: 'limit',
    limitPrice: price.toFixed(2),
    timeInForce: 'gtc',
  };
}

describe('chaos across two connections', () => {
  it(`one tenant's bridge killed ${KILLS}× and its gateway dropped ${DROPS}×: the other's orders keep filling; each order is placed once, at its own gateway`, async () => {
    const tenantA = await world.tenant();
    const tenantB = await world.tenant();
    const connA = await connectionFor(tenantA, world.gateway);
    const connB = await connectionFor(tenantB, gatewayB);
    // A's short lease lets each replacement take the connection over soon after a kill; B's longer
    // one keeps a heartbeat delayed by a loaded machine from costing B its lease (and a restart).
    const env = (id: string, leaseSeconds: number) => ({
      OMS_CONNECTION_ID: id,
      BRIDGE_LEASE_SECONDS: String(leaseSeconds),
      BRIDGE_VISIBILITY_SECONDS: String(Math.min(leaseSeconds, 5)),
      BRIDGE_HEARTBEAT_MS: '500',
    });
    const bridgeA = world.superviseBridge(env(connA.connectionId, 3));
    const bridgeB = world.superviseBridge(env(connB.connectionId, 15));
    // Each bridge claims its login's account for its tenant, which becomes the tenant's default.
    for (const [tenant, account] of [
      [tenantA, 'DU7000001'],
      [tenantB, 'DU7000002'],
    ] as const)
      await waitFor(
        async () => (await connections.getDefaultAccount(tenant.tenantId)) === account,
        `${account} claimed for its tenant`,
        60_000,
      );

    let chaos = true;
    stopChaos = () => {
      chaos = false;
    };
    const kills = (async () => {
      let done = 0;
      while (chaos && done < KILLS) {
        await sleep(1500);
        const child = bridgeA.child;
        if (!child) continue;
        child.kill('SIGKILL');
        done++;
      }
      return done;
    })();
    const drops = (async () => {
      let done = 0;
      while (chaos && done < DROPS) {
        await sleep(2000);
        if (world.gateway.control.dropConnections() > 0) done++;
      }
      return done;
    })();

    const ordersA: string[] = [];
    const ordersB: string[] = [];
    // B's orders each fill before the next is sent, while A's bridge is being killed.
    const tradingB = (async () => {
      for (let i = 0; i < ORDERS_PER_TENANT; i++) {
        const id = await placeOrder(world, tenantB, marketable(gatewayB, i));
        ordersB.push(id);
        await orderIn(world, tenantB, id, 'filled', 30_000);
      }
    })();
    const tradingA = (async () => {
      for (let i = 0; i < ORDERS_PER_TENANT; i++) {
        ordersA.push(await placeOrder(world, tenantA, marketable(world.gateway, i)));
        await sleep(100);
      }
    })();
    await Promise.all([tradingA, tradingB]);
    const [killed, dropped] = await Promise.all([kills, drops]);
    stopChaos();
    expect(killed).toBe(KILLS);
    expect(dropped).toBe(DROPS);
    expect(bridgeA.starts).toBeGreaterThanOrEqual(KILLS + 1);
    // B's bridge was never touched by A's troubles.
    expect(bridgeB.starts).toBe(1);
    expect(ordersB).toHaveLength(ORDERS_PER_TENANT);

    // A's connection is back: every A order ends filled, placed once, at A's gateway only.
    for (const id of ordersA) await orderIn(world, tenantA, id, 'filled', 90_000);
    const placedA = world.gateway.control.placementsByOrderRef();
    const placedB = gatewayB.control.placementsByOrderRef();
    for (const id of ordersA) {
      expect([id, placedA[id]?.placed]).toEqual([id, 1]);
      expect(placedB[id]).toBeUndefined();
    }
    for (const id of ordersB) {
      expect([id, placedB[id]?.placed]).toEqual([id, 1]);
      expect(placedA[id]).toBeUndefined();
    }
    expect(world.gateway.control.placements().filter((p) => p.outcome === 103)).toEqual([]);
    // Every execution at each gateway is one fill of its own tenant, applied once.
    for (const [tenant, gateway, mine] of [
      [tenantA, world.gateway, ordersA],
      [tenantB, gatewayB, ordersB],
    ] as const) {
      const executions = gateway.control.executions().filter((e) => mine.includes(e.orderRef));
      await waitFor(
        async () => (await world.store.fills(tenant.tenantId)).length === executions.length,
        'every execution applied once',
      );
      const fills = await world.store.fills(tenant.tenantId);
      expect(fills.map((f) => f.execId).sort()).toEqual(executions.map((e) => e.execId).sort());
    }
    // The connection records show what each bridge reported.
    const recordA = await connections.get(connA.connectionId);
    const recordB = await connections.get(connB.connectionId);
    expect(recordA?.accounts).toEqual(['DU7000001']);
    expect(recordB?.accounts).toEqual(['DU7000002']);
    expect(recordB?.status).toBe('connected');
  }, 300_000);
});
