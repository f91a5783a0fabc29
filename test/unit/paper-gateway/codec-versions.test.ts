/**
 * Every layout at every version boundary between 100 and 193: what the gateway encodes at a
 * version, @stoqey/ib's decoder pinned to that version reads without a problem; what
 * @stoqey/ib's encoder writes at a version, the gateway decodes at that version. And the
 * negotiation answers the highest common version, or IB's refusal.
 */
import { describe, it, expect } from '@jest/globals';
import type { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import { decodeClientMessage, type PlaceOrderRequest } from '../../../paper-gateway/decoder.ts';
import * as enc from '../../../paper-gateway/encoder.ts';
import { DecodeError } from '../../../paper-gateway/errors.ts';
import type { ExecutionRecord, OrderRecord } from '../../../paper-gateway/matching.ts';
import { tradingHoursFrom } from '../../../paper-gateway/sessions.ts';
import { MIN, negotiate } from '../../../paper-gateway/versions.ts';
import { clientFields, decodeAsClient } from './stoqey-codec.ts';

const BOUNDARIES = [
  100, 101, 102, 103, 105, 106, 111, 124, 129, 131, 135, 136, 141, 142, 145, 148, 150, 151, 152, 157, 158,
  160, 162, 163, 164, 166, 169, 170, 176, 177, 178, 182, 183, 184, 185, 186, 187, 189, 190, 192, 193,
];

const order: OrderRecord = {
  key: '1:5',
  orderId: 5,
  clientId: 1,
  permId: 1731000001,
  account: 'DU1',
  symbol: 'AAPL',
  conId: 265598,
  primaryExch: 'NASDAQ',
  currency: 'USD',
  exchange: 'SMART',
  action: 'BUY',
  totalQuantity: 300,
  orderType: 'LMT',
  lmtPrice: 190.5,
  auxPrice: undefined,
  tif: 'GTC',
  outsideRth: true,
  orderRef: 'abc',
  status: 'Filled',
  filled: 300,
  avgFillPrice: 190.25,
  lastFillPrice: 190.3,
  filledValue: '57075',
  commission: '1.5',
  triggered: false,
  manual: false,
  whyHeld: '',
  createdAt: 0,
  completedAt: 1_700_000_000_000,
  completedStatus: 'Filled',
};

const exec: ExecutionRecord = {
  execId: '0000e0d5.00000001.01.01',
  orderId: 5,
  clientId: 1,
  permId: 1731000001,
  orderKey: '1:5',
  orderRef: 'abc',
  account: 'DU1',
  symbol: 'AAPL',
  conId: 265598,
  primaryExch: 'NASDAQ',
  currency: 'USD',
  exchange: 'ISLAND',
  side: 'BOT',
  shares: 100,
  price: 190.3,
  cumQty: 300,
  avgPrice: 190.25,
  time: 1_700_000_000_000,
  commission: '1',
  realizedPnl: null,
} as ExecutionRecord;

const spec = {
  conId: 265598,
  symbol: 'AAPL',
  currency: 'USD',
  primaryExch: 'NASDAQ',
  tick: 0.01,
  longName: 'APPLE INC',
};
const bar = { time: '1700000000', open: 1, high: 2, low: 0.5, close: 1.5, volume: 300, wap: 1.2, count: 3 };
const STK = { symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' } as Parameters<
  Encoder['placeOrder']
>[1];

describe.each(BOUNDARIES)('server version %i', (v) => {
  it('every server message reads back through the client decoder at that version', () => {
    const messages = [
      enc.orderStatus(order, v),
      enc.openOrder(order, 'Submitted', v),
      enc.execDetails(-1, exec, v),
      enc.commissionReport(exec),
      enc.errorMessage(5, 201, 'Order rejected', v),
      enc.contractData(3, spec, v, tradingHoursFrom(Date.UTC(2026, 2, 4, 15))),
      enc.historicalData(9, '20260304 09:30:00', '20260304 10:30:00', [bar, bar], v),
      enc.historicalDataUpdate(9, bar),
      enc.pnl(4, 1, 2, 3, v),
      enc.pnlSingle(6, 10, 1, 2, 3, 1900, v),
      enc.positionMulti(7, 'DU1', spec, 10, 190, ''),
      enc.positionMultiEnd(7),
      enc.accountUpdateMulti(8, 'DU1', '', 'NetLiquidation', '1000', 'USD'),
      enc.accountUpdateMultiEnd(8),
      enc.symbolSamples(
        10,
        [{ conId: 1, symbol: 'AAPL', primaryExch: 'NASDAQ', currency: 'USD', description: 'APPLE' }],
        v,
      ),
      enc.secDefOptParameter(11, 'SMART', 265598, 'AAPL', '100', ['20260320'], [190, 195]),
      enc.secDefOptParameterEnd(11),
      enc.marketRule(26, [{ lowEdge: 0, increment: 0.01 }]),
      enc.headTimestamp(12, '20040102-14:30:00'),
      ...(v >= MIN.FA_PROFILE_DESUPPORT ? [enc.completedOrder(order, v)] : []),
    ];
    const decoded = decodeAsClient(messages, v);
    expect(decoded.errors.filter((e) => e.code !== 201)).toEqual([]);
    const byName = (name: string) => decoded.events.filter((e) => e.name === name).map((e) => e.args);
    expect(byName('orderStatus')[0]?.slice(0, 2)).toEqual([5, 'Filled']);
    const [, , o, state] = byName('openOrder')[0] as [
      number,
      unknown,
      { orderRef: string; permId: number },
      { status: string },
    ];
    expect(o).toMatchObject({ orderRef: 'abc', permId: 1731000001 });
    expect(state.status).toBe('Submitted');
    expect((byName('execDetails')[0]?.[2] as { execId: string }).execId).toBe(exec.execId);
    const details = byName('contractDetails')[0]?.[1] as {
      contract: { conId: number };
      tradingHours: string;
    };
    expect(details.contract.conId).toBe(265598);
    expect(details.tradingHours.startsWith('20260304:0400-20260304:2000;')).toBe(true);
    expect(byName('historicalData')).toHaveLength(3);
    expect(byName('pnl')[0]?.[0]).toBe(4);
    expect(byName('pnlSingle')[0]?.at(-1)).toBe(1900);
    expect(byName('positionMulti')[0]?.[0]).toBe(7);
    expect(byName('accountUpdateMulti')[0]?.slice(3, 5)).toEqual(['NetLiquidation', '1000']);
    expect((byName('symbolSamples')[0]?.[1] as unknown[]).length).toBe(1);
    expect(byName('securityDefinitionOptionParameter')[0]?.slice(0, 2)).toEqual([11, 'SMART']);
    expect(byName('marketRule')[0]?.[0]).toBe(26);
    expect(byName('headTimestamp')[0]).toEqual([12, '20040102-14:30:00']);
  });

  it('every request @stoqey/ib writes at that version decodes at that version', () => {
    const lmt = {
      action: 'BUY',
      totalQuantity: 10,
      orderType: 'LMT',
      lmtPrice: 190.5,
      tif: 'DAY',
      transmit: true,
      orderRef: 'r1',
    };
    const sent = clientFields((e) => {
      e.placeOrder(17, STK, lmt as never);
      e.cancelOrder(17, {} as never);
      e.reqGlobalCancel({} as never);
      e.reqContractDetails(3, STK);
      e.reqMktData(4, STK, '', false, false);
      e.reqExecutions(5, {} as never);
      e.reqHistoricalData(6, STK, '', '1 D', '5 mins' as never, 'TRADES' as never, 1, 1, false, []);
      if (v >= MIN.MODELS_SUPPORT) {
        e.reqPositionsMulti(7, 'DU1', '');
        e.reqAccountUpdatesMulti(8, 'DU1', '', true);
      }
      if (v >= MIN.PNL) e.reqPnLSingle(9, 'DU1', '', 265598);
    }, v);
    const types = sent.map((fields) => decodeClientMessage(fields, v).type);
    expect(types.slice(0, 10)).toEqual([
      'placeOrder',
      'cancelOrder',
      'reqGlobalCancel',
      'reqContractDetails',
      'reqMktData',
      'reqExecutions',
      'reqHistoricalData',
      ...(v >= MIN.MODELS_SUPPORT ? ['reqPositionsMulti', 'reqAccountUpdatesMulti'] : []),
      ...(v >= MIN.PNL ? ['reqPnLSingle'] : []),
    ]);
    const placed = decodeClientMessage(sent[0] as string[], v) as {
      type: 'placeOrder';
      order: PlaceOrderRequest;
    };
    expect(placed.order).toMatchObject({
      orderId: 17,
      orderType: 'LMT',
      lmtPrice: 190.5,
      orderRef: 'r1',
      transmit: true,
    });
    const cancel = decodeClientMessage(sent[1] as string[], v);
    expect(cancel).toMatchObject({ type: 'cancelOrder', orderId: 17 });
  });
});

describe('versions matter', () => {
  it('a placeOrder written for 193 does not decode as 176, nor one for 176 as 193', () => {
    const lmt = {
      action: 'BUY',
      totalQuantity: 1,
      orderType: 'LMT',
      lmtPrice: 1,
      tif: 'DAY',
      transmit: true,
    };
    const [at193] = clientFields((e) => e.placeOrder(1, STK, lmt as never), 193);
    const [at176] = clientFields((e) => e.placeOrder(1, STK, lmt as never), 176);
    expect(() => decodeClientMessage(at193 as string[], 176)).toThrow(DecodeError);
    expect(() => decodeClientMessage(at176 as string[], 193)).toThrow(DecodeError);
  });

  it("completed orders carry IB's deprecated faProfile field before 177 (IB's own OrderDecoder reads it)", () => {
    expect(enc.completedOrder(order, 176).length).toBe(enc.completedOrder(order, 177).length + 1);
    expect(enc.openOrder(order, 'Filled', 176).length).toBeGreaterThan(
      enc.openOrder(order, 'Filled', 177).length,
    );
  });
});

describe('negotiation', () => {
  it('answers the highest version both sides speak', () => {
    expect(negotiate({ min: 100, max: 176 })).toEqual({ accepted: true, version: 176 });
    expect(negotiate({ min: 157, max: 178 })).toEqual({ accepted: true, version: 178 });
    expect(negotiate({ min: 100, max: 220 })).toEqual({ accepted: true, version: 193 });
    expect(negotiate({ min: 38, max: 100 })).toEqual({ accepted: true, version: 100 });
  });

  it("refuses a range that does not overlap with a version of IB's own, outside the client's range", () => {
    expect(negotiate({ min: 194, max: 200 })).toEqual({ accepted: false, answer: 193 });
    expect(negotiate({ min: 38, max: 99 })).toEqual({ accepted: false, answer: 100 });
  });
});
