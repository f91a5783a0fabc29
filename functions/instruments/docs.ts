/** What the API reference says about instruments and order preview (merged into functions/docs/catalog.ts and examples.ts). */
import * as z from 'zod';
import { NewOrderRequest } from '../../core/orders/order.ts';
import { InstrumentSearchQuery } from '../../core/instruments/service.ts';
import type { RouteExample } from '../docs/example-fixtures.ts';

const InstrumentSummary = z
  .object({
    conId: z.number().int().meta({ description: "IB's contract id", example: 265598 }),
    symbol: z.string(),
    secType: z.string().meta({ description: "IB's security type: STK, OPT, FUT, CASH, IND..." }),
    exchange: z.string(),
    currency: z.string(),
    lastTradeDate: z.string().optional(),
    strike: z.number().optional(),
    right: z.string().optional(),
    multiplier: z.number().optional(),
    description: z.string(),
    derivativeSecTypes: z.array(z.string()).optional().meta({ description: 'Derivatives IB lists on it' }),
  })
  .meta({ id: 'InstrumentSummary' });

export const InstrumentList = z.object({ items: z.array(InstrumentSummary) }).meta({ id: 'InstrumentList' });

export const InstrumentDetailsView = z
  .object({
    conId: z.number().int(),
    secType: z.string(),
    symbol: z
      .string()
      .meta({ description: "The underlying's symbol for derivatives; the base currency for CASH" }),
    localSymbol: z.string(),
    exchange: z.string(),
    primaryExchange: z.string().optional(),
    currency: z.string(),
    multiplier: z.number().meta({ description: 'Contract value per unit of price (1 for stocks and forex)' }),
    minTick: z.number(),
    lastTradeDate: z.string().optional(),
    strike: z.number().optional(),
    right: z.enum(['C', 'P']).optional(),
    description: z.string(),
    longName: z.string().optional(),
    tradingHours: z.string().optional().meta({ description: "IB's trading hours, in timeZoneId" }),
    liquidHours: z.string().optional(),
    timeZoneId: z.string().optional(),
    marketRuleIds: z.array(z.number().int()).optional(),
    validExchanges: z.array(z.string()).optional(),
    orderTypes: z.array(z.string()).optional(),
    underConId: z.number().int().optional(),
    tradable: z.boolean().meta({ description: 'Orders take it (STK, OPT, FUT, CASH)' }),
  })
  .meta({ id: 'InstrumentDetails' });

const figure = z.string().meta({ description: "IB's figure as a decimal string; empty when IB gave none" });

export const OrderPreviewView = z
  .object({
    risk: z.object({
      passed: z.boolean(),
      code: z.string().optional().meta({ description: 'The RISK_* code of the first check that fails' }),
      detail: z.string().optional(),
    }),
    notional: z.string().nullable().meta({ description: 'Quantity × the price risk used; null without one' }),
    currency: z.string(),
    broker: z.object({
      initMarginChange: figure,
      maintMarginChange: figure,
      equityWithLoan: figure.meta({ description: 'Equity with loan value after the order' }),
      commission: z.object({ min: figure, max: figure, currency: z.string() }),
    }),
  })
  .meta({ id: 'OrderPreview' });

const ok = (description: string, schema: z.ZodType) => ({ status: 200, description, schema });

/** Typed by the catalog that spreads them in (importing its type here would make a cycle). */
export const instrumentDocs = {
  'POST /api/v1/orders/preview': {
    operationId: 'previewOrder',
    summary: 'Preview an order: the risk verdict and IB’s what-if margin and commission',
    description:
      'The same body and validation as POST /orders (no Idempotency-Key). Runs the pre-trade checks without reserving anything, then asks IB what-if through the connection. A risk denial still answers 200 with passed: false and the broker’s figures. Nothing is stored. 504 BROKER_TIMEOUT when the broker does not answer in time.',
    tag: 'orders',
    body: NewOrderRequest,
    success: ok('The risk verdict and the broker’s figures', OrderPreviewView),
  },
  'GET /api/v1/instruments': {
    operationId: 'searchInstruments',
    summary: 'Search instruments at the broker',
    description:
      'Without secType (or STK): IB’s matching symbols. For any other secType (OPT, FUT, CASH...): the contracts IB finds for { symbol: query, secType }. 504 BROKER_TIMEOUT when the broker does not answer in time.',
    tag: 'instruments',
    query: InstrumentSearchQuery,
    success: ok('The contracts found', InstrumentList),
  },
  'GET /api/v1/instruments/{conId}': {
    operationId: 'getInstrument',
    summary: 'A contract’s details (minimum tick, multiplier, trading hours, market rules)',
    description: 'Cached for a day (contract data is the same for every tenant), else asked of the broker.',
    tag: 'instruments',
    success: ok('The contract details', InstrumentDetailsView),
  },
};

export const instrumentExamples: Record<string, RouteExample> = {
  'POST /api/v1/orders/preview': {
    body: {
      symbol: 'AAPL',
      side: 'buy',
      quantity: '10',
      type: 'limit',
      limitPrice: '187.25',
      timeInForce: 'day',
    },
    response: {
      risk: { passed: true },
      notional: '1872.5',
      currency: 'USD',
      broker: {
        initMarginChange: '468.13',
        maintMarginChange: '468.13',
        equityWithLoan: '999999',
        commission: { min: '1', max: '1', currency: 'USD' },
      },
    },
  },
  'GET /api/v1/instruments': {
    query: { query: 'AAPL' },
    response: {
      items: [
        {
          conId: 265598,
          symbol: 'AAPL',
          secType: 'STK',
          exchange: 'NASDAQ',
          currency: 'USD',
          description: 'APPLE INC',
          derivativeSecTypes: ['OPT', 'WAR'],
        },
      ],
    },
  },
  'GET /api/v1/instruments/{conId}': {
    params: { conId: '265598' },
    response: {
      conId: 265598,
      secType: 'STK',
      symbol: 'AAPL',
      localSymbol: 'AAPL',
      exchange: 'SMART',
      primaryExchange: 'NASDAQ',
      currency: 'USD',
      multiplier: 1,
      minTick: 0.01,
      description: 'APPLE INC',
      longName: 'APPLE INC',
      tradingHours: '20260105:0400-20260105:2000;20260106:0400-20260106:2000',
      timeZoneId: 'US/Eastern',
      marketRuleIds: [26],
      tradable: true,
    },
  },
};
