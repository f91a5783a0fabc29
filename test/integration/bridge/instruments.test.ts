/**
 * An option, a future and a currency pair through the bridge and the paper gateway (issue 14,
 * acceptance 2, from "place" on): each order is stored carrying the `instrument` the gateway's
 * reqContractDetails answered (as qualification at POST /orders will store it), goes to IB by
 * conId with its exchange, fills, and lands in a position kept per instrument, with the
 * multiplier and currency, whose P&L is Δprice × quantity × multiplier.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bridgeWorld, orderIn, placeOrder, waitFor, type BridgeWorld } from './harness.ts';
import { TestClient } from '../paper-gateway/harness.ts';
import { EventName, SecType, type Contract } from '../paper-gateway/ib.ts';
import type { Instrument } from '../../../core/instruments/model.ts';
import { orderKeys } from '../../../core/store/keys.ts';
import type { TestTenant } from '../../support/tenants.ts';

let world: BridgeWorld;
let ib: TestClient;
let reqId = 500;

beforeAll(async () => {
  world = await bridgeWorld({ seed: 11, clockStart: '2026-03-04T15:00:00Z' });
  ib = await new TestClient(world.gateway.port, 99).connect();
});
afterAll(async () => {
  ib.disconnect();
  await world.close();
});

/** The one contract the gateway's reqContractDetails answers, as the OMS keeps it. */
async function qualify(contract: Contract): Promise<Instrument> {
  const id = ++reqId;
  ib.api.reqContractDetails(id, contract);
  await waitFor(() => ib.named(EventName.contractDetailsEnd).some((a) => a[0] === id), 'contract details');
  const answers = ib.named(EventName.contractDetails).filter((a) => a[0] === id);
  expect(answers).toHaveLength(1);
  const d = answers[0]![1] as {
    contract: Contract & { localSymbol: string; lastTradeDateOrContractMonth?: string };
    minTick: number;
    longName: string;
  };
  const c = d.contract;
  return {
    conId: c.conId!,
    secType: c.secType as Instrument['secType'],
    symbol: c.symbol!,
    localSymbol: c.localSymbol,
    exchange: c.exchange!,
    currency: c.currency!,
    multiplier: Number(c.multiplier ?? 1) || 1,
    minTick: d.minTick,
    ...(c.lastTradeDateOrContractMonth ? { lastTradeDate: c.lastTradeDateOrContractMonth } : {}),
    ...(c.strike ? { strike: c.strike } : {}),
    ...(c.right === 'C' || c.right === 'P' ? { right: c.right } : {}),
    description: d.longName,
  };
}

/**
 * Places an order while no bridge runs, stores its qualified instrument on it, then lets a bridge
 * take it from the queue; returns the order id once it is filled.
 */
async function placeQualified(
  tenant: TestTenant,
  instrument: Instrument,
  body: Record<string, unknown>,
): Promise<string> {
  const id = await placeOrder(world, tenant, { symbol: instrument.symbol, type: 'limit', ...body });
  await (world.api.resources.dynamo as DynamoDBClient).send(
    new UpdateItemCommand({
      TableName: world.api.resources.tableName,
      Key: marshall(orderKeys.order(tenant.tenantId, id)),
      UpdateExpression: 'SET instrument = :i',
      ExpressionAttributeValues: marshall({ ':i': instrument }, { removeUndefinedValues: true }),
    }),
  );
  const bridge = await world.startBridge();
  try {
    await orderIn(world, tenant, id, 'filled');
  } finally {
    await bridge.stop();
  }
  return id;
}

async function positionOf(tenant: TestTenant, symbol: string) {
  const res = await world.api.request('GET', '/api/v1/positions', { headers: tenant.headers('trader') });
  expect(res.status).toBe(200);
  return (res.body.items as Array<Record<string, unknown>>).find((p) => p.symbol === symbol);
}

const atGateway = (id: string) => world.gateway.control.orders().find((o) => o.orderRef === id);

describe('instruments through the bridge', () => {
  it('an equity option: 2 contracts at about 17 cost 100 times that, in USD', async () => {
    const call = await qualify({
      symbol: 'MSFT',
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: '20260417',
      strike: 410,
      right: 'C' as never,
      exchange: 'SMART',
      currency: 'USD',
    });
    expect(call.multiplier).toBe(100);
    const tenant = await world.tenant({
      maxOrderNotional: null,
      maxGrossExposure: null,
      priceCollarPercent: null,
    });
    const id = await placeQualified(tenant, call, { side: 'buy', quantity: '2', limitPrice: '40' });
    expect(atGateway(id)).toMatchObject({ conId: call.conId, symbol: call.localSymbol, exchange: 'SMART' });
    const key = `MSFT:${call.conId}`;
    const position = await waitFor(() => positionOf(tenant, key), 'option position');
    expect(position).toMatchObject({ quantity: '2', multiplier: '100', currency: 'USD' });
    expect(position.instrument).toMatchObject({ conId: call.conId, secType: 'OPT', right: 'C', strike: 410 });
    // The stock position of the underlying is untouched.
    expect(await positionOf(tenant, 'MSFT')).toBeUndefined();
    const fills = await world.store.fills(tenant.tenantId);
    expect(fills.map((f) => [f.symbol, f.instrument?.conId])).toEqual([[key, call.conId]]);
  });

  it('a future: 10 points on 2 ES contracts realize 1,000 USD before commissions', async () => {
    const es = await qualify({
      symbol: 'ES',
      secType: SecType.FUT,
      lastTradeDateOrContractMonth: '202606',
      exchange: 'CME',
      currency: 'USD',
    });
    expect(es).toMatchObject({ localSymbol: 'ESM6', multiplier: 50, minTick: 0.25 });
    const tenant = await world.tenant({
      maxOrderNotional: null,
      maxGrossExposure: null,
      priceCollarPercent: null,
    });
    const buy = await placeQualified(tenant, es, { side: 'buy', quantity: '2', limitPrice: '6000' });
    const bought = (await orderIn(world, tenant, buy, 'filled')) as { averageFillPrice: string };
    const entry = Number(bought.averageFillPrice);
    world.gateway.control.setPrice('ESM6', { last: entry + 10, bid: entry + 10, ask: entry + 10.25 });
    await placeQualified(tenant, es, { side: 'sell', quantity: '2', limitPrice: '5000' });
    const key = `ES:${es.conId}`;
    // 10 × 2 × 50 = 1,000, less 2.25 a contract on each side.
    const flat = await waitFor(async () => {
      const p = await positionOf(tenant, key);
      return p && p.commissions === '9' ? p : undefined;
    }, 'closed future with its commissions');
    expect(flat).toMatchObject({ quantity: '0', realizedPnl: '991', multiplier: '50', currency: 'USD' });
  });

  it('a currency pair: USD.JPY on IDEALPRO, its position in JPY', async () => {
    const usdJpy = await qualify({
      symbol: 'USD',
      secType: SecType.CASH,
      exchange: 'IDEALPRO',
      currency: 'JPY',
    });
    expect(usdJpy).toMatchObject({ conId: 15016059, localSymbol: 'USD.JPY', multiplier: 1, currency: 'JPY' });
    const tenant = await world.tenant({
      maxOrderNotional: null,
      maxGrossExposure: null,
      maxPositionQuantity: null,
      priceCollarPercent: null,
    });
    const id = await placeQualified(tenant, usdJpy, { side: 'buy', quantity: '25000', limitPrice: '160' });
    expect(atGateway(id)).toMatchObject({ conId: 15016059, exchange: 'IDEALPRO' });
    const position = await waitFor(() => positionOf(tenant, 'USD:15016059'), 'forex position');
    expect(position).toMatchObject({ quantity: '25000', multiplier: '1', currency: 'JPY' });
  });
});
