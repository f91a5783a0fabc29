/**
 * Instrument look-ups through the tenant's broker connection: search, contract details (cached
 * for everyone, per conId: contract data is public) and qualifying an order's instrument.
 */
import * as z from 'zod';
import { askBroker, type BrokerAskDeps, type BrokerAskRoute } from '../broker/service.ts';
import { BrokerRequestFailedError } from '../broker/errors.ts';
import type { ContractQuery, SymbolMatch } from '../broker/model.ts';
import type { OrderRouter } from '../orders/ports.ts';
import { summaryOf, tradableInstrument, type InstrumentDetails, type InstrumentSummary } from './details.ts';
import {
  InstrumentAmbiguousError,
  InstrumentNotFoundError,
  InstrumentNotTradableError,
  InstrumentUnknownError,
} from './errors.ts';
import type { Instrument, InstrumentSpec } from './model.ts';
import type { InstrumentCache } from './ports.ts';

/** IB's error code for a contract it does not know. */
const NO_SECURITY_DEFINITION = 200;

export interface InstrumentDeps {
  broker: BrokerAskDeps;
  routes: OrderRouter;
  cache: InstrumentCache;
  cacheTtlSeconds: number;
}

/** GET /instruments query: a symbol or name, and optionally IB's secType (any IB knows). */
export const InstrumentSearchQuery = z
  .object({
    query: z.string().trim().min(1).max(60).meta({ example: 'AAPL' }),
    secType: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2,8}$/, 'secType is an IB security type such as STK, OPT, FUT or CASH')
      .optional()
      .meta({ example: 'STK' }),
  })
  .strict()
  .meta({ id: 'InstrumentSearchQuery' });
export type InstrumentSearchQuery = z.output<typeof InstrumentSearchQuery>;

/** The connection a tenant's broker questions go to: that of its (default) account. */
export async function brokerRoute(
  deps: Pick<InstrumentDeps, 'routes'>,
  tenantId: string,
  account?: string,
): Promise<BrokerAskRoute> {
  const route = await deps.routes.route(tenantId, account);
  return { tenantId, connectionId: route.connectionId, ...(route.account ? { account: route.account } : {}) };
}

function notFound(error: unknown): boolean {
  return error instanceof BrokerRequestFailedError && error.ibCode === NO_SECURITY_DEFINITION;
}

/** IB's contracts matching a partial contract ([] when IB knows none). */
async function contractDetails(
  deps: InstrumentDeps,
  route: BrokerAskRoute,
  contract: ContractQuery,
): Promise<InstrumentDetails[]> {
  let found: InstrumentDetails[];
  try {
    found = (await askBroker(deps.broker, route, {
      kind: 'contract_details',
      contract,
    })) as InstrumentDetails[];
  } catch (error) {
    if (notFound(error)) return [];
    throw error;
  }
  await Promise.all(found.map((d) => deps.cache.put(d, deps.cacheTtlSeconds)));
  return found;
}

/**
 * Searches: IB's matching symbols for stocks (and when no secType is given), IB's contract details
 * of the partial contract `{ symbol: query, secType }` for any other secType.
 */
export async function searchInstruments(
  deps: InstrumentDeps,
  tenantId: string,
  query: InstrumentSearchQuery,
): Promise<{ items: InstrumentSummary[] }> {
  const route = await brokerRoute(deps, tenantId);
  if (query.secType === undefined || query.secType === 'STK') {
    const matches = (await askBroker(deps.broker, route, {
      kind: 'matching_symbols',
      pattern: query.query,
    })) as SymbolMatch[];
    const items = matches
      .filter((m) => query.secType === undefined || m.secType === query.secType)
      .map((m) => ({
        conId: m.conId,
        symbol: m.symbol,
        secType: m.secType,
        exchange: m.primaryExchange,
        currency: m.currency,
        description: m.description,
        ...(m.derivativeSecTypes.length > 0 ? { derivativeSecTypes: m.derivativeSecTypes } : {}),
      }));
    return { items };
  }
  const found = await contractDetails(deps, route, {
    symbol: query.query.toUpperCase(),
    secType: query.secType,
  });
  return { items: found.map(summaryOf) };
}

/** A contract's details by conId: from the cache, else from the broker (then cached). */
export async function instrumentDetails(
  deps: InstrumentDeps,
  tenantId: string,
  conId: number,
  account?: string,
): Promise<InstrumentDetails> {
  const cached = await deps.cache.get(conId);
  if (cached) return cached;
  const found = await contractDetails(deps, await brokerRoute(deps, tenantId, account), { conId });
  const details = found.find((d) => d.conId === conId) ?? found[0];
  if (!details) throw new InstrumentNotFoundError(conId);
  return details;
}

function describeSpec(spec: InstrumentSpec): string {
  if (spec.conId !== undefined) return `conId ${spec.conId}`;
  const parts = [
    spec.secType,
    spec.symbol,
    spec.lastTradeDate,
    spec.strike,
    spec.right,
    spec.exchange,
    spec.currency,
  ];
  return parts.filter((p) => p !== undefined).join(' ');
}

/**
 * The one contract an order's instrument names, qualified at the broker (a conId from the cache
 * when it is there). None → INSTRUMENT_UNKNOWN; several → INSTRUMENT_AMBIGUOUS with the candidates.
 */
export async function qualifyInstrument(
  deps: InstrumentDeps,
  route: BrokerAskRoute,
  spec: InstrumentSpec,
): Promise<Instrument> {
  let details: InstrumentDetails | undefined;
  if (spec.conId !== undefined) {
    details = await deps.cache.get(spec.conId);
    if (!details) details = (await contractDetails(deps, route, { conId: spec.conId }))[0];
  } else {
    const { conId: _none, ...partial } = spec;
    const found = await contractDetails(deps, route, partial);
    if (found.length > 1)
      throw new InstrumentAmbiguousError(describeSpec(spec), found.slice(0, 20).map(summaryOf));
    details = found[0];
  }
  if (!details) throw new InstrumentUnknownError(describeSpec(spec));
  const instrument = tradableInstrument(details);
  if (!instrument) throw new InstrumentNotTradableError(details.conId, details.secType);
  return instrument;
}
