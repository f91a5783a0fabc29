/**
 * Orders that name an instrument (`instrument: {...}` or `conId`) instead of a plain stock
 * `symbol`: the instrument is qualified once at the broker, the order keeps it, and risk values
 * the order in the base currency with the contract's multiplier.
 */
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { Dec } from '../money.ts';
import { zodIssues } from '../validation.ts';
import { isPlainStock } from '../instruments/identity.ts';
import { InstrumentSpec, type Instrument } from '../instruments/model.ts';
import { qualifyInstrument, type InstrumentDeps } from '../instruments/service.ts';
import { DEFAULT_BASE_CURRENCY, baseUnitPrice, type RateTable } from '../risk/notional.ts';
import { RISK_CODES, type RiskDenial } from '../risk/checks.ts';
import type { OrderRouter } from './ports.ts';

type OrderRoute = Awaited<ReturnType<OrderRouter['route']>>;

const InstrumentFields = z
  .object({
    instrument: InstrumentSpec.optional(),
    conId: z.number().int().positive().optional(),
  })
  .meta({ id: 'OrderInstrumentFields' });

/** An order body's instrument, if it names one, and the rest of the body for the order's own parse. */
export function splitInstrument(body: unknown): { spec?: InstrumentSpec; rest: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { rest: body };
  const { instrument, conId, ...rest } = body as Record<string, unknown>;
  if (instrument === undefined && conId === undefined) return { rest: body };
  const parsed = InstrumentFields.safeParse({ instrument, conId });
  if (!parsed.success) throw new ValidationError('Invalid order', zodIssues(parsed.error, 'body'));
  const issues: Array<{ path: string; message: string }> = [];
  if (parsed.data.instrument && parsed.data.conId !== undefined)
    issues.push({ path: 'body.conId', message: 'give instrument or conId, not both' });
  if (rest.symbol !== undefined)
    issues.push({ path: 'body.symbol', message: 'give symbol, instrument or conId, not several' });
  if (rest.orderClass !== undefined && rest.orderClass !== 'simple')
    issues.push({ path: 'body.orderClass', message: 'order classes take a plain symbol' });
  if (issues.length > 0) throw new ValidationError('Invalid order', issues);
  const spec = parsed.data.instrument ?? { conId: parsed.data.conId! };
  return { spec, rest };
}

/**
 * The body the order's own parse expects: unchanged for a plain `symbol` order; for one naming an
 * instrument, the contract qualified through the tenant's route, whose lookup placement reuses.
 */
export async function qualifyOrderBody(
  deps: { routes: OrderRouter; instruments?: InstrumentDeps },
  tenantId: string,
  body: unknown,
): Promise<{ body: unknown; instrument?: Instrument; route?: OrderRoute }> {
  const { spec, rest } = splitInstrument(body);
  if (!spec) return { body };
  if (!deps.instruments)
    throw new ValidationError('Invalid order', [
      { path: 'body.instrument', message: 'instruments are not served here' },
    ]);
  const account = (rest as { account?: unknown }).account;
  const route = await deps.routes.route(tenantId, typeof account === 'string' ? account : undefined);
  const instrument = await qualifyInstrument(deps.instruments, { tenantId, ...route }, spec);
  return { instrument, route, body: { ...(rest as Record<string, unknown>), symbol: instrument.symbol } };
}

/**
 * What one unit of price is worth per unit of quantity in the base currency (multiplier × FX), or
 * undefined when no rate converts the instrument's currency. A plain stock is worth 1.
 */
export function valuePerPrice(instrument: Instrument | undefined, rates: RateTable): Dec | undefined {
  if (isPlainStock(instrument)) return new Dec(1);
  return baseUnitPrice(new Dec(1), instrument, DEFAULT_BASE_CURRENCY, rates);
}

/**
 * The rates placement converts with. None is cached yet, so an instrument priced in another
 * currency than the base one is refused with the reason (noRateDenial) rather than valued wrongly.
 */
export const NO_RATES: RateTable = new Map();

/** Why an order in a currency no rate converts cannot be risk-checked. */
export function noRateDenial(instrument: Instrument | undefined): RiskDenial {
  const currency = instrument?.currency ?? DEFAULT_BASE_CURRENCY;
  return {
    code: RISK_CODES.noReferencePrice,
    reason:
      `No ${currency}/${DEFAULT_BASE_CURRENCY} rate is available, so the notional of an order in ${currency} ` +
      `cannot be checked against limits in ${DEFAULT_BASE_CURRENCY}`,
  };
}
