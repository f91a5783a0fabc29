import * as z from 'zod';
import { Dec, formatDecimal } from '../money.ts';
import { decimalField, symbolField } from '../orders/order.ts';

const nonNegative = (what: string) =>
  decimalField(what).refine((d) => !d.isNegative(), { message: `${what} must not be negative` });
const count = (what: string) => z.number().int(`${what} must be a whole number`).min(0).max(1_000_000);

/**
 * A tenant's pre-trade limits. `null` switches a limit off. Counting limits (open orders, gross
 * exposure, position, order rate, daily loss) are enforced inside the order's own transaction.
 */
export const RiskLimits = z
  .strictObject({
    maxOrderQuantity: nonNegative('maxOrderQuantity').nullable(),
    maxOrderNotional: nonNegative('maxOrderNotional').nullable(),
    /** Per symbol, counting working orders as if they filled. */
    maxPositionQuantity: nonNegative('maxPositionQuantity').nullable(),
    /** Notional of working orders plus the gross notional of positions at cost. */
    maxGrossExposure: nonNegative('maxGrossExposure').nullable(),
    maxOpenOrders: count('maxOpenOrders').nullable(),
    maxOrdersPerSecond: count('maxOrdersPerSecond').nullable(),
    /** How far (in percent of the reference price) a limit or stop price may be from it. */
    priceCollarPercent: nonNegative('priceCollarPercent').nullable(),
    /** New orders stop once today's realized P&L is at or below minus this amount. */
    dailyLossLimit: nonNegative('dailyLossLimit').nullable(),
    restrictedSymbols: z.array(symbolField).max(10_000).default([]),
    /** When set, only these symbols may be traded. */
    allowedSymbols: z.array(symbolField).max(10_000).nullable().default(null),
    /** Prices used when no quote is cached (and for the collar when there is none). */
    referencePrices: z
      .record(z.string().regex(/^[A-Z][A-Z0-9.]{0,15}$/), nonNegative('referencePrice'))
      .default({}),
    /** What to do with a market order whose notional cannot be computed for want of a price. */
    marketOrderWithoutPrice: z.enum(['reject', 'allow']).default('reject'),
  })
  .meta({ id: 'RiskLimits' });
export type RiskLimits = z.output<typeof RiskLimits>;

/** Limits a new tenant starts with: generous for a small fund, yet every one of them on. */
export function defaultRiskLimits(): RiskLimits {
  return {
    maxOrderQuantity: new Dec(100_000),
    maxOrderNotional: new Dec(1_000_000),
    maxPositionQuantity: new Dec(500_000),
    maxGrossExposure: new Dec(10_000_000),
    maxOpenOrders: 500,
    maxOrdersPerSecond: 50,
    priceCollarPercent: new Dec(10),
    dailyLossLimit: new Dec(100_000),
    restrictedSymbols: [],
    allowedSymbols: null,
    referencePrices: {},
    marketOrderWithoutPrice: 'reject',
  };
}

/** The limits as JSON shows them (decimals as strings). */
export function riskLimitsView(limits: RiskLimits) {
  const d = (v: Dec | null) => (v === null ? null : formatDecimal(v));
  return {
    maxOrderQuantity: d(limits.maxOrderQuantity),
    maxOrderNotional: d(limits.maxOrderNotional),
    maxPositionQuantity: d(limits.maxPositionQuantity),
    maxGrossExposure: d(limits.maxGrossExposure),
    maxOpenOrders: limits.maxOpenOrders,
    maxOrdersPerSecond: limits.maxOrdersPerSecond,
    priceCollarPercent: d(limits.priceCollarPercent),
    dailyLossLimit: d(limits.dailyLossLimit),
    restrictedSymbols: limits.restrictedSymbols,
    allowedSymbols: limits.allowedSymbols,
    referencePrices: Object.fromEntries(
      Object.entries(limits.referencePrices).map(([s, p]) => [s, formatDecimal(p)]),
    ),
    marketOrderWithoutPrice: limits.marketOrderWithoutPrice,
  };
}

/** The kill switch: while engaged, new orders are rejected and cancels still work. */
export const KillSwitchRequest = z
  .strictObject({
    engaged: z.boolean(),
    reason: z.string().trim().min(1, 'reason is required').max(500),
    cancelWorkingOrders: z.boolean().default(true),
  })
  .meta({ id: 'KillSwitchRequest' });
export type KillSwitchRequest = z.output<typeof KillSwitchRequest>;

export interface KillSwitchState {
  engaged: boolean;
  reason?: string;
  changedBy?: string;
  changedAt?: string;
}

/** Version of the `risk.kill_switch` event detail. */
export const KILL_SWITCH_EVENT_SCHEMA_VERSION = 1;

/** The bus detail of `risk.kill_switch`, told to the tenant's webhooks like any other event. */
export function killSwitchEventDetail(
  tenantId: string,
  eventId: string,
  state: Required<Pick<KillSwitchState, 'engaged' | 'changedAt' | 'changedBy'>> & KillSwitchState,
) {
  return {
    schemaVersion: KILL_SWITCH_EVENT_SCHEMA_VERSION,
    eventId,
    type: 'risk.kill_switch' as const,
    tenantId,
    at: state.changedAt,
    actor: state.changedBy,
    data: { engaged: state.engaged, reason: state.reason ?? null },
  };
}
