/**
 * The broker request/reply channel: a question the API asks the broker through the order's
 * connection's bridge (contract look-up, what-if margin) and the answer it polls for. Requests
 * ride the connection's orders queue; replies come back as short-lived table items.
 */
import * as z from 'zod';

export const BROKER_REQUEST_KINDS = ['matching_symbols', 'contract_details', 'what_if'] as const;
export type BrokerRequestKind = (typeof BROKER_REQUEST_KINDS)[number];

/** A partial IB contract, as the bridge hands it to reqContractDetails or a what-if order. */
export const ContractQuery = z
  .object({
    conId: z.number().int().positive().optional(),
    secType: z.string().max(8).optional(),
    symbol: z.string().max(20).optional(),
    localSymbol: z.string().max(40).optional(),
    exchange: z.string().max(20).optional(),
    primaryExchange: z.string().max(20).optional(),
    currency: z.string().max(3).optional(),
    lastTradeDate: z.string().max(8).optional(),
    strike: z.number().optional(),
    right: z.enum(['C', 'P']).optional(),
    multiplier: z.number().optional(),
  })
  .strict();
export type ContractQuery = z.output<typeof ContractQuery>;

/** The order a what-if asks about; decimals travel as strings. */
export const WhatIfOrder = z
  .object({
    action: z.enum(['BUY', 'SELL']),
    quantity: z.string(),
    orderType: z.enum(['MKT', 'LMT', 'STP', 'STP LMT', 'TRAIL']),
    limitPrice: z.string().optional(),
    stopPrice: z.string().optional(),
    trailAmount: z.string().optional(),
    trailPercent: z.string().optional(),
    timeInForce: z.enum(['DAY', 'GTC', 'IOC', 'FOK', 'GTD']),
    outsideRth: z.boolean(),
  })
  .strict();
export type WhatIfOrder = z.output<typeof WhatIfOrder>;

/** What each kind of request carries. */
export const BrokerRequestPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('matching_symbols'), pattern: z.string().min(1).max(60) }),
  z.object({ kind: z.literal('contract_details'), contract: ContractQuery }),
  z.object({ kind: z.literal('what_if'), contract: ContractQuery, order: WhatIfOrder }),
]);
export type BrokerRequestPayload = z.output<typeof BrokerRequestPayload>;

/** One request on a connection's queue. */
export const BrokerRequest = z.object({
  /** Marks the message apart from order commands on the same queue. */
  type: z.literal('broker_request'),
  requestId: z.uuid(),
  tenantId: z.string().min(1),
  /** The IB account the question is about; the bridge serves only its own login's accounts. */
  account: z.string().optional(),
  connectionId: z.string().min(1),
  /** When the API stops waiting (ISO-8601): a bridge that sees the request later drops it. */
  expiresAt: z.iso.datetime(),
  payload: BrokerRequestPayload,
});
export type BrokerRequest = z.output<typeof BrokerRequest>;

/** A symbol IB's matching-symbols search found. */
export interface SymbolMatch {
  conId: number;
  symbol: string;
  secType: string;
  primaryExchange: string;
  currency: string;
  description: string;
  /** The derivative kinds IB lists for it (OPT, FUT, WAR...). */
  derivativeSecTypes: string[];
}

/** IB's what-if answer, decimals as strings as IB reports them (empty when IB has no figure). */
export interface WhatIfFigures {
  initMarginChange: string;
  maintMarginChange: string;
  equityWithLoan: string;
  commission: { min: string; max: string; currency: string };
}

/** The bridge's answer, kept under the tenant and the request id until it expires. */
export type BrokerReply =
  | { requestId: string; tenantId: string; ok: true; result: unknown }
  | { requestId: string; tenantId: string; ok: false; code: string; message: string; ibCode?: number };

/** How long a reply item lives: the API reads it within its wait, the TTL sweeps the rest. */
export const BROKER_REPLY_TTL_SECONDS = 120;
