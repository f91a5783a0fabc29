/**
 * The fan-out keeps its own copy of a tenant's subscribed sockets between events and reads them
 * again only after the subscription version on the stream head moved. Here a second fan-out (as a
 * second Lambda would be, with its own store and copy) runs beside the gateway's handlers, against
 * DynamoDB Local and real sockets: subscriptions made elsewhere reach it at once, and a subscribe
 * that races an event it cannot see still gets that event, once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { createTestTenant, type TestTenant } from '../../support/tenants.ts';
import { StreamClient } from '../../support/stream.ts';
import { DynamoQuoteCache } from '../../../adapters/dynamodb/quote-cache.ts';
import { DynamoQuoteSockets } from '../../../adapters/dynamodb/stream-quotes.ts';
import { DynamoStreamStore } from '../../../adapters/dynamodb/stream-store.ts';
import { DynamoMarketDataAccess } from '../../../adapters/stream/market-data-access.ts';
import { ApiGatewayConnections } from '../../../adapters/stream/connections.ts';
import { streamKeys } from '../../../core/store/keys.ts';
import { StreamService } from '../../../core/stream/service.ts';
import type { ConnectionStorePort } from '../../../core/stream/ports.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ stream: { authDeadlineMs: 120_000 } });
});
afterAll(async () => {
  await api.close();
});

function orderEvent(tenantId: string, n: number) {
  return {
    'detail-type': 'order.accepted',
    detail: { schemaVersion: 1, eventId: `o_inst:${tenantId}:${n}`, tenantId, orderId: 'o_inst', seq: n },
  };
}

/** A fan-out of its own: its own store (and so its own copy of the subscribed sockets). */
function otherFanOut(connections?: (store: DynamoStreamStore) => ConnectionStorePort) {
  const store = new DynamoStreamStore(api.resources.dynamo, api.resources.tableName);
  return new StreamService({
    log: store,
    connections: connections ? connections(store) : store,
    sockets: new ApiGatewayConnections(api.url),
    quoteSockets: new DynamoQuoteSockets(api.resources.dynamo, api.resources.tableName),
    marketData: new DynamoMarketDataAccess(
      api.resources.dynamo,
      api.resources.tableName,
      new DynamoQuoteCache(api.resources.dynamo, api.resources.tableName, { ttlSeconds: 60 }),
    ),
    authenticate: () => Promise.reject(new Error('not used: sockets authenticate through the gateway')),
  });
}

async function viewer(tenant: TestTenant): Promise<StreamClient> {
  return StreamClient.authenticated(api.url, { token: tenant.tokens.viewer });
}

/** The connection ids of the tenant's authenticated sockets, read from the table. */
async function connectionIds(tenantId: string): Promise<string[]> {
  const { Items = [] } = await api.resources.dynamo.send(
    new QueryCommand({
      TableName: api.resources.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': streamKeys.pk(tenantId), ':c': streamKeys.connectionPrefix },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.connectionId));
}

describe('a fan-out beside the one that served the subscribe', () => {
  it('delivers to a socket subscribed after its last event, and stops at an unsubscribe', async () => {
    const tenant = await createTestTenant(api);
    const fanOut = otherFanOut();
    const first = await viewer(tenant);
    await first.subscribe(['orders']);
    expect(await fanOut.publish(orderEvent(tenant.tenantId, 1))).toMatchObject({ seq: 1, sent: 1 });

    // Subscribed through the gateway's handlers, which this fan-out's copy knows nothing of.
    const second = await viewer(tenant);
    await second.subscribe(['orders']);
    expect(await fanOut.publish(orderEvent(tenant.tenantId, 2))).toMatchObject({ seq: 2, sent: 2 });
    expect((await second.events(1)).map((e) => e.seq)).toEqual([2]);
    expect((await first.events(2)).map((e) => e.seq)).toEqual([1, 2]);

    second.send({ action: 'unsubscribe', streams: ['orders'] });
    expect(await second.next()).toEqual({ type: 'unsubscribed', streams: ['orders'] });
    expect(await fanOut.publish(orderEvent(tenant.tenantId, 3))).toMatchObject({ seq: 3, sent: 1 });
    expect((await first.events(1)).map((e) => e.seq)).toEqual([3]);
    expect(second.pending()).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it('a subscribe that an event overtook between its head read and its write still gets the event, once', async () => {
    const tenant = await createTestTenant(api);
    const publisher = otherFanOut();
    await publisher.publish(orderEvent(tenant.tenantId, 1));
    const client = await viewer(tenant);
    const [connectionId] = await connectionIds(tenant.tenantId);

    // The subscribing service: an event is logged (and fanned out, to nobody) just before it
    // stores the subscription, after it read the head.
    const subscriber = otherFanOut((store) => ({
      add: (c) => store.add(c),
      tenantOf: (id) => store.tenantOf(id),
      get: (t, id) => store.get(t, id),
      subscribed: (t) => store.subscribed(t),
      advance: (t, id, from, to) => store.advance(t, id, from, to),
      remove: (id, t) => store.remove(id, t),
      setSubscription: async (t, id, streams, watermark) => {
        expect(await publisher.publish(orderEvent(tenant.tenantId, 2))).toMatchObject({ seq: 2, sent: 0 });
        return store.setSubscription(t, id, streams, watermark);
      },
    }));
    await subscriber.receive(
      connectionId!,
      JSON.stringify({ action: 'subscribe', streams: ['orders'] }),
      '127.0.0.1',
    );
    expect(await client.next()).toMatchObject({ type: 'subscribed', cursor: expect.any(String) });
    expect((await client.events(1)).map((e) => e.seq)).toEqual([2]);

    // The next event, from either fan-out, follows without a repeat.
    expect(await publisher.publish(orderEvent(tenant.tenantId, 3))).toMatchObject({ seq: 3, sent: 1 });
    expect((await client.events(1)).map((e) => e.seq)).toEqual([3]);
    expect(client.pending()).toEqual([]);
    await client.close();
  });
});
