/**
 * Layouts, pure: the placeOrder decoder reads exactly what @stoqey/ib's encoder writes (every
 * optional section included), and the client's decoder reads every message the gateway builds.
 */
import { describe, it, expect } from '@jest/globals';
import type { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import { assertSimulated, decodeClientMessage, decodePlaceOrder } from '../../../paper-gateway/decoder.ts';
import * as enc from '../../../paper-gateway/encoder.ts';
import { DecodeError, FramingError, UnsupportedFeatureError } from '../../../paper-gateway/errors.ts';
import { encodeFrame, FrameReader, parseVersionRange, splitFields } from '../../../paper-gateway/framing.ts';
import type { ExecutionRecord, OrderRecord } from '../../../paper-gateway/matching.ts';
import { clientFields, decodeAsClient } from './stoqey-codec.ts';

type Contract = Parameters<Encoder['placeOrder']>[1];
type Order = Parameters<Encoder['placeOrder']>[2];

const STK: Contract = {
  symbol: 'AAPL',
  secType: 'STK' as Contract['secType'],
  exchange: 'SMART',
  currency: 'USD',
};

function placeFields(contract: Contract, order: Order, id = 7): string[] {
  const [fields] = clientFields((e) => e.placeOrder(id, contract, order));
  if (!fields) throw new Error('no message');
  return fields;
}

const base = {
  action: 'BUY',
  totalQuantity: 100,
  orderType: 'LMT',
  lmtPrice: 190.5,
  tif: 'DAY',
  transmit: true,
} as Order;

describe('framing', () => {
  it('round-trips frames split at every byte boundary, after the handshake', () => {
    const hello = Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, 9]), Buffer.from('v100..193')]);
    const stream = Buffer.concat([hello, encodeFrame([71, 2, 5, '']), encodeFrame([49, 1])]);
    for (let cut = 1; cut < stream.length; cut++) {
      const reader = new FrameReader();
      const events = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(events).toEqual([
        { kind: 'handshake', range: { min: 100, max: 193 } },
        { kind: 'message', fields: ['71', '2', '5', ''] },
        { kind: 'message', fields: ['49', '1'] },
      ]);
    }
  });

  it('refuses garbage: no handshake, a zero or huge length, a frame without terminator', () => {
    expect(() => new FrameReader().push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(FramingError);
    const start = Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, 4]), Buffer.from('v193')]);
    expect(() => new FrameReader().push(Buffer.concat([start, Buffer.from([0, 0, 0, 0])]))).toThrow(
      /bad frame length 0/,
    );
    expect(() => new FrameReader().push(Buffer.concat([start, Buffer.from([0x7f, 0, 0, 0])]))).toThrow(
      /bad frame length/,
    );
    expect(() => splitFields(Buffer.from('49\x001'))).toThrow(/terminator/);
    expect(() => parseVersionRange('x100')).toThrow(FramingError);
    expect(parseVersionRange('v193')).toEqual({ min: 193, max: 193 });
  });
});

describe('placeOrder decoder', () => {
  it('reads a plain stock order field by field', () => {
    const fields = placeFields(STK, { ...base, orderRef: 'ref-1', outsideRth: true, account: 'DU1' });
    expect(fields.length).toBeGreaterThan(100);
    const o = decodePlaceOrder(fields);
    expect(o).toMatchObject({
      orderId: 7,
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'LMT',
      lmtPrice: 190.5,
      auxPrice: undefined,
      tif: 'DAY',
      orderRef: 'ref-1',
      outsideRth: true,
      account: 'DU1',
      transmit: true,
    });
    expect(o.contract).toMatchObject({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' });
    expect(() => assertSimulated(o)).not.toThrow();
  });

  it('reads every optional section: combo legs, delta neutral, scale, hedge, algo, conditions, peg offsets', () => {
    const bag = {
      symbol: 'SPY',
      secType: 'BAG',
      exchange: 'SMART',
      currency: 'USD',
      comboLegs: [
        {
          conId: 1,
          ratio: 1,
          action: 'BUY',
          exchange: 'SMART',
          openClose: 0,
          shortSaleSlot: 0,
          designatedLocation: '',
          exemptCode: -1,
        },
        {
          conId: 2,
          ratio: 2,
          action: 'SELL',
          exchange: 'SMART',
          openClose: 0,
          shortSaleSlot: 0,
          designatedLocation: '',
          exemptCode: -1,
        },
      ],
      deltaNeutralContract: { conId: 9, delta: 0.5, price: 10 },
    } as unknown as Contract;
    const full = {
      ...base,
      orderComboLegs: [{ price: 1.5 }, { price: 2.5 }],
      smartComboRoutingParams: [{ tag: 'NonGuaranteed', value: '1' }],
      deltaNeutralOrderType: 'MKT',
      deltaNeutralConId: 3,
      scaleInitLevelSize: 10,
      scaleSubsLevelSize: 5,
      scalePriceIncrement: 0.1,
      scaleAutoReset: true,
      hedgeType: 'D',
      hedgeParam: '0.5',
      algoStrategy: 'Adaptive',
      algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
      conditions: [
        {
          type: 1,
          conjunctionConnection: 'a',
          isMore: true,
          value: 100,
          strValue: '100',
          conId: 265598,
          exchange: 'SMART',
          triggerMethod: 0,
        },
        { type: 3, conjunctionConnection: 'o', isMore: true, strValue: '20260101 10:00:00' },
        { type: 4, conjunctionConnection: 'a', isMore: false, strValue: '30' },
        { type: 5, conjunctionConnection: 'a', secType: 'STK', exchange: 'SMART', symbol: 'IBM' },
        {
          type: 6,
          conjunctionConnection: 'a',
          isMore: true,
          strValue: '1000',
          conId: 8314,
          exchange: 'SMART',
        },
        {
          type: 7,
          conjunctionConnection: 'a',
          isMore: true,
          strValue: '2.5',
          conId: 8314,
          exchange: 'SMART',
        },
      ],
      conditionsIgnoreRth: true,
      conditionsCancelOrder: false,
    } as unknown as Order;
    const o = decodePlaceOrder(placeFields(bag, full));
    expect(o.comboLegs.map((l) => l.ratio)).toEqual([1, 2]);
    expect(o.orderComboLegPrices).toEqual([1.5, 2.5]);
    expect(o.smartComboRoutingParams).toEqual([{ tag: 'NonGuaranteed', value: '1' }]);
    expect(o.deltaNeutral?.conId).toBe(3);
    expect(o.deltaNeutralContract).toEqual({ conId: 9, delta: 0.5, price: 10 });
    expect(o.scale?.autoReset).toBe(true);
    expect(o.hedgeParam).toBe('0.5');
    expect(o.algoParams).toEqual([{ tag: 'adaptivePriority', value: 'Normal' }]);
    expect(o.conditions.map((c) => c.type)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(o.conditionsIgnoreRth).toBe(true);
    expect(() => assertSimulated(o)).toThrow(UnsupportedFeatureError);

    const pegBest = decodePlaceOrder(
      placeFields({ ...STK, exchange: 'IBKRATS' }, {
        ...base,
        orderType: 'PEG BEST',
        minTradeQty: 5,
        minCompeteSize: 100,
        competeAgainstBestOffset: Infinity,
        midOffsetAtWhole: 0.01,
        midOffsetAtHalf: 0.005,
      } as unknown as Order),
    );
    expect(pegBest).toMatchObject({
      minTradeQty: 5,
      minCompeteSize: 100,
      competeAgainstBestOffset: Infinity,
      midOffsetAtWhole: 0.01,
      midOffsetAtHalf: 0.005,
    });
    const pegMid = decodePlaceOrder(
      placeFields(STK, {
        ...base,
        orderType: 'PEG MID',
        midOffsetAtWhole: 0.02,
        midOffsetAtHalf: 0.01,
      } as unknown as Order),
    );
    expect(pegMid.midOffsetAtWhole).toBe(0.02);
    const pegBench = decodePlaceOrder(
      placeFields(STK, {
        ...base,
        orderType: 'PEG BENCH',
        referenceContractId: 8314,
        isPeggedChangeAmountDecrease: true,
        peggedChangeAmount: 1,
        referenceChangeAmount: 2,
        referenceExchangeId: 'NYSE',
      } as unknown as Order),
    );
    expect(pegBench.pegBench?.referenceExchangeId).toBe('NYSE');
    expect(() => assertSimulated(pegBench)).toThrow(/order type PEG BENCH/);
  });

  it('fails with a DecodeError on one field too few or too many, or a non-number where a number belongs', () => {
    const fields = placeFields(STK, base);
    expect(() => decodePlaceOrder(fields.slice(0, -1))).toThrow(DecodeError);
    expect(() => decodePlaceOrder([...fields, ''])).toThrow(/trailing field/);
    const bad = [...fields];
    bad[17] = 'lots';
    expect(() => decodePlaceOrder(bad)).toThrow(/totalQuantity/);
  });

  it('names the unsimulated feature', () => {
    const refuse =
      (order: Partial<Order>, contract: Contract = STK) =>
      () =>
        assertSimulated(decodePlaceOrder(placeFields(contract, { ...base, ...order } as Order)));
    expect(refuse({ orderType: 'TRAIL LIMIT' as Order['orderType'] })).toThrow(
      'the paper gateway does not simulate order type TRAIL LIMIT',
    );
    expect(refuse({ tif: 'OPG' as Order['tif'] })).toThrow(/time in force OPG/);
    expect(refuse({ goodTillDate: '20300101 00:00:00' })).toThrow(/goodTillDate with time in force DAY/);
    expect(refuse({ trailingPercent: 1 })).toThrow(/trailing fields on a LMT order/);
    // Trailing stops and good-till-date orders are simulated.
    expect(refuse({ orderType: 'TRAIL' as Order['orderType'], auxPrice: 1 })).not.toThrow();
    expect(refuse({ tif: 'GTD' as Order['tif'], goodTillDate: '20300101 00:00:00 UTC' })).not.toThrow();
    expect(refuse({}, { ...STK, secType: 'FOP' as Contract['secType'] })).toThrow(/security type FOP/);
    // Options, futures and forex are simulated.
    for (const secType of ['OPT', 'FUT', 'CASH'])
      expect(refuse({}, { ...STK, secType: secType as Contract['secType'] })).not.toThrow();
    expect(refuse({ ocaGroup: 'g', ocaType: 4 })).toThrow(/OCA type 4/);
    // Attached children, OCA groups and held (transmit=false) orders are simulated.
    expect(refuse({ parentId: 3 })).not.toThrow();
    expect(refuse({ ocaGroup: 'g', ocaType: 2 })).not.toThrow();
    // What-if orders are simulated (a margin and commission preview), so they pass.
    expect(refuse({ whatIf: true })).not.toThrow();
    expect(refuse({ transmit: false })).not.toThrow();
  });

  it('decodes every other request the gateway serves', () => {
    const messages = clientFields((e) => {
      e.cancelOrder(7, {});
      e.reqOpenOrders();
      e.reqAllOpenOrders();
      e.reqAutoOpenOrders(true);
      e.reqAccountUpdates(true, 'DU1');
      e.reqExecutions(3, { clientId: '1', symbol: 'AAPL', side: 'BUY' } as never);
      e.reqIds(1);
      e.reqContractDetails(4, STK);
      e.reqMktData(5, STK, '233', false, false);
      e.cancelMktData(5);
      e.reqManagedAccts();
      e.reqCurrentTime();
      e.reqGlobalCancel({});
      e.reqMarketDataType(3);
      e.reqPositions();
      e.cancelPositions();
      e.reqAccountSummary(6, 'All', 'NetLiquidation');
      e.cancelAccountSummary(6);
      e.reqCompletedOrders(false);
    });
    const types = messages.map((m) => decodeClientMessage(m).type);
    expect(types).toEqual([
      'cancelOrder',
      'reqOpenOrders',
      'reqAllOpenOrders',
      'reqAutoOpenOrders',
      'reqAccountUpdates',
      'reqExecutions',
      'reqIds',
      'reqContractDetails',
      'reqMktData',
      'cancelMktData',
      'reqManagedAccts',
      'reqCurrentTime',
      'reqGlobalCancel',
      'reqMarketDataType',
      'reqPositions',
      'cancelPositions',
      'reqAccountSummary',
      'cancelAccountSummary',
      'reqCompletedOrders',
    ]);
    expect(decodeClientMessage(messages[5] as string[])).toEqual({
      type: 'reqExecutions',
      filter: {
        reqId: 3,
        clientId: 1,
        acctCode: '',
        time: '',
        symbol: 'AAPL',
        secType: '',
        exchange: '',
        side: 'BUY',
      },
    });
    expect(() => decodeClientMessage(['999', '1'])).toThrow(/unsupported message id 999/);
    expect(() => decodeClientMessage(['49'])).toThrow(DecodeError);
  });
});

describe('server messages through the client decoder', () => {
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
    orderType: 'STP LMT',
    lmtPrice: 190.5,
    auxPrice: 190,
    tif: 'GTC',
    outsideRth: true,
    orderRef: 'abc',
    status: 'Filled',
    filled: 300,
    avgFillPrice: 190.25,
    lastFillPrice: 190.3,
    filledValue: '57075',
    commission: '1.5',
    triggered: true,
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
    side: 'SLD',
    shares: 100,
    price: 190.3,
    cumQty: 300,
    avgPrice: 190.25,
    time: 1_700_000_000_000,
    commission: '0.5',
    realizedPnl: '12.25',
    manual: false,
  };
  const spec = {
    symbol: 'AAPL',
    conId: 265598,
    currency: 'USD',
    primaryExch: 'NASDAQ',
    tick: 0.01,
    longName: 'APPLE INC',
    industry: 'Technology',
  };
  const quote = {
    symbol: 'AAPL',
    bid: 190.1,
    ask: 190.12,
    last: 190.11,
    bidSize: 300,
    askSize: 200,
    lastSize: 100,
    open: 189,
    high: 191,
    low: 188,
    close: 189.5,
    volume: 12000,
    version: 3,
  };

  it('decodes every message without underrun or leftover fields, with the values intact', () => {
    const messages = [
      enc.openOrder(order),
      enc.orderStatus(order),
      enc.completedOrder(order),
      enc.completedOrdersEnd(),
      enc.execDetails(-1, exec),
      enc.commissionReport(exec),
      enc.contractData(3, spec),
      enc.contractDataEnd(3),
      enc.position('DU1', spec, 100, 190.2),
      enc.positionEnd(),
      enc.accountSummary(1, 'DU1', 'NetLiquidation', '1000', 'USD'),
      enc.accountSummaryEnd(1),
      ...enc.quoteTicks(1, quote, false),
      ...enc.quoteTicks(2, quote, true),
      enc.tickSnapshotEnd(1),
      enc.marketDataType(1, 3),
      enc.errorMessage(-1, 1100, 'lost'),
      enc.nextValidId(1),
      enc.managedAccounts(['DU1']),
      enc.currentTime(1),
      enc.portfolioValue(spec, 1, 2, 2, 1, 1, 0, 'DU1'),
      enc.accountValue('NetLiquidation', '1', 'USD', 'DU1'),
      enc.accountUpdateTime(0),
      enc.accountDownloadEnd('DU1'),
      enc.execDetailsEnd(1),
      enc.openOrderEnd(),
    ];
    const { events, errors } = decodeAsClient(messages);
    expect(errors).toEqual([]);
    // Bid, ask and last tickPrice also emit their size (the live bid size only as its own tickSize).
    expect(events).toHaveLength(messages.length + 5);
    const open = events.find((e) => e.name === 'openOrder')?.args as [
      number,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(open[2]).toMatchObject({
      orderId: 5,
      permId: 1731000001,
      orderType: 'STP LMT',
      lmtPrice: 190.5,
      auxPrice: 190,
      tif: 'GTC',
      outsideRth: true,
      clientId: 1,
      totalQuantity: 300,
    });
    expect(open[3]).toMatchObject({ status: 'Filled', commission: 1.5 });
    expect(events.find((e) => e.name === 'orderStatus')?.args).toEqual([
      5,
      'Filled',
      300,
      0,
      190.25,
      1731000001,
      0,
      190.3,
      1,
      '',
      0,
    ]);
    expect(events.find((e) => e.name === 'commissionReport')?.args[0]).toMatchObject({
      execId: exec.execId,
      commission: 0.5,
      realizedPNL: 12.25,
    });
    expect(events.find((e) => e.name === 'execDetails')?.args[2] as Record<string, unknown>).toMatchObject({
      execId: exec.execId,
      side: 'SLD',
      shares: 100,
      price: 190.3,
      cumQty: 300,
      avgPrice: 190.25,
      orderRef: 'abc',
      permId: 1731000001,
    });
    expect(events.find((e) => e.name === 'completedOrder')?.args[2] as Record<string, unknown>).toMatchObject(
      { status: 'Filled', completedStatus: 'Filled' },
    );
    expect(events.filter((e) => e.name === 'tickSize' && e.args[0] === 1 && e.args[1] === 0)).toEqual([
      { name: 'tickSize', args: [1, 0, 300] },
    ]);
  });
});
