/**
 * Acceptance (issue 16, stream): an order placed over HTTP goes through the bridge and the paper
 * gateway, its events through the outbox, the bus, the stream rule and the fan-out, and reach the
 * tenant's socket in order: accepted → submitted → filled. Another tenant's socket receives none
 * of it. All of it real: the local gateway, DynamoDB Local, the local EventBridge, the bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { authorizer, eventBus, routes, rules } from '../../core/topology.ts';
import { startEventRouter, type EventRouter } from '../../local/event-router/router.ts';
import { handlerDeliverer, streamRule } from '../../local/event-router/handlers.ts';
import { startGateway, type Gateway } from '../../local/gateway.ts';
import { bridgeWorld, placeOrder, waitFor, type BridgeWorld } from '../integration/bridge/harness.ts';
import type { Bridge } from '../../ib-bridge/bridge.ts';
import { StreamClient } from '../support/stream.ts';
import type { AnyJson } from '../support/api.ts';

let world: BridgeWorld;
let bridge: Bridge;
let bus: EventRouter;
let gateway: Gateway;

beforeAll(async () => {
  world = await bridgeWorld();
  // Webhook queue targets are someone else's test; here the bus feeds the stream only.
  bus = await startEventRouter({
    rules: [...rules, streamRule],
    busName: eventBus.name,
    deliver: handlerDeliverer(async () => undefined),
  });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  // The stream's gateway: the same routes and handlers, with an auth deadline a loaded CI box cannot hit.
  gateway = await startGateway({ routes, authorizer, stream: { authDeadlineMs: 120_000 } });
  bridge = await world.startBridge({ drainOutbox: true });
  await waitFor(() => bridge.ready, 'bridge ready');
});
afterAll(async () => {
  // The bus first: fan-outs still running finish against a gateway that is still there.
  await bus.close();
  await gateway.close();
  await world.close();
});

/** Reads events until one satisfies `until`; returns every event read. */
async function eventsUntil(client: StreamClient, until: (e: AnyJson) => boolean): Promise<AnyJson[]> {
  const seen: AnyJson[] = [];
  for (;;) {
    const m = await client.next(30_000);
    if (m.type !== 'event') throw new Error(`expected an event, got ${JSON.stringify(m)}`);
    seen.push(m);
    if (until(m)) return seen;
  }
}

describe('an order placed over HTTP, on the stream', () => {
  it('reaches the subscribed socket accepted → submitted → filled, and another tenant’s socket not at all', async () => {
    const [tenant, other] = await Promise.all([world.tenant(), world.tenant()]);
    const mine = await StreamClient.authenticated(gateway.url, { token: tenant.tokens.viewer });
    await mine.subscribe(['orders', 'positions']);
    const theirs = await StreamClient.authenticated(gateway.url, { token: other.tokens.viewer });
    await theirs.subscribe(['orders', 'positions', 'pnl']);

    const id = await placeOrder(world, tenant, {
      symbol: 'AMZN',
      side: 'buy',
      quantity: '5',
      type: 'limit',
      limitPrice: '150',
      timeInForce: 'gtc',
    });
    const untilSubmitted = await eventsUntil(mine, (e) => e.event === 'order.submitted');
    world.gateway.control.setPrice('AMZN', {
      bid: 149.99,
      ask: 150,
      last: 150,
      askSize: 10_000,
      bidSize: 10_000,
    });
    const untilFilled = await eventsUntil(mine, (e) => e.event === 'order.filled');
    const events = [...untilSubmitted, ...untilFilled];

    const orderEvents = events.filter((e) => e.stream === 'orders');
    expect(orderEvents.every((e) => e.data.orderId === id && e.data.tenantId === tenant.tenantId)).toBe(true);
    const milestones = orderEvents
      .map((e) => e.event)
      .filter((t) => ['order.accepted', 'order.submitted', 'order.filled'].includes(t));
    expect(milestones).toEqual(['order.accepted', 'order.submitted', 'order.filled']);
    // One tenant sequence, strictly increasing, each event's data its webhook payload.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const filled = orderEvents.find((e) => e.event === 'order.filled');
    expect(filled.data).toMatchObject({
      type: 'order.filled',
      orderId: id,
      data: { order: { status: 'filled' } },
    });

    // The other tenant's first message is its own order's: nothing of the first tenant came before.
    const otherId = await placeOrder(world, other, {
      symbol: 'AMZN',
      side: 'buy',
      quantity: '1',
      type: 'limit',
      limitPrice: '100',
      timeInForce: 'gtc',
    });
    const [first] = await theirs.events(1);
    expect(first).toMatchObject({ stream: 'orders', event: 'order.accepted', seq: 1 });
    expect(first.data).toMatchObject({ tenantId: other.tenantId, orderId: otherId });

    await Promise.all([mine.close(), theirs.close()]);
  });
});

describe('quotes from the paper gateway, on the stream', () => {
  it('reach the socket of a tenant subscribed to the symbol’s market data, and no other tenant’s', async () => {
    const [tenant, other] = await Promise.all([world.tenant(), world.tenant()]);
    const subscribed = await world.api.request('POST', '/api/v1/marketdata/subscriptions', {
      body: { symbols: ['MSFT'] },
      headers: { authorization: `Bearer ${tenant.tokens.trader}` },
    });
    expect(subscribed.status).toBe(201);
    const mine = await StreamClient.authenticated(gateway.url, { token: tenant.tokens.viewer });
    await mine.subscribe(['quotes:MSFT']);
    const theirs = await StreamClient.authenticated(gateway.url, { token: other.tokens.viewer });
    theirs.send({ action: 'subscribe', streams: ['quotes:MSFT'] });
    expect(await theirs.next()).toMatchObject({ type: 'error', code: 'MARKET_DATA_NOT_SUBSCRIBED' });

    // The bridge opens the line at its next look at the wanted list, then each tick moves the quote.
    world.gateway.control.setPrice('MSFT', {
      bid: 401.1,
      ask: 401.2,
      last: 401.15,
      bidSize: 300,
      askSize: 200,
    });
    for (;;) {
      const m = await mine.next(30_000);
      expect(m).toMatchObject({ type: 'event', stream: 'quotes:MSFT', event: 'quote.updated' });
      expect(m.data.symbol).toBe('MSFT');
      if (m.data.last === '401.15' && m.data.bid === '401.1' && m.data.ask === '401.2') break;
    }
    expect(theirs.pending()).toEqual([]);
    await Promise.all([mine.close(), theirs.close()]);
  });
});
