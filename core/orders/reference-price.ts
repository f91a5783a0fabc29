import type { Dec } from '../money.ts';
import { checkOrder, RISK_CODES, type OrderIntent, type RiskDenial } from '../risk/checks.ts';
import type { KillSwitchState, RiskLimits } from '../risk/limits.ts';
import type { QuoteSource } from './ports.ts';

/** A one-off price from the broker (a market-data snapshot), or why none came in time. */
export type PriceSnapshot = (
  symbol: string,
  connectionId?: string,
) => Promise<{ price: Dec } | { failure: string }>;

/** What the reference price needs: the quote cache and, optionally, a way to ask the broker. */
export interface ReferencePriceDeps {
  quotes: QuoteSource;
  priceSnapshot?: PriceSnapshot;
}

/** The reference price: the latest cached quote, else the tenant's configured price. */
export async function cachedReferencePrice(
  deps: ReferencePriceDeps,
  limits: RiskLimits,
  symbol: string,
  connectionId?: string,
): Promise<Dec | undefined> {
  return (await deps.quotes.latestPrice(symbol, connectionId)) ?? limits.referencePrices[symbol];
}

/** Every way a tenant can give an unpriced market order a price, for the problem's detail. */
export function noPriceAdvice(symbol: string): string {
  return (
    `To fix: subscribe to ${symbol} (POST /api/v1/marketdata/subscriptions), set ` +
    `referencePrices.${symbol} or marketOrderWithoutPrice: "allow" (PUT /api/v1/risk/limits), ` +
    'or send a limit order'
  );
}

/**
 * The pure checks at the cached price; when they fail only for want of a price, the broker is asked
 * for a snapshot (bounded in time by `priceSnapshot`) and the checks run again at its price. A
 * denial that remains says why no price came and how to fix it.
 */
export async function checkWithReferencePrice(
  deps: ReferencePriceDeps,
  intent: OrderIntent,
  limits: RiskLimits,
  killSwitch: KillSwitchState,
  cached: Dec | undefined,
  /** The broker connection asked for the snapshot: the order's own. */
  connectionId?: string,
): Promise<{ denial: RiskDenial } | { unitPrice: Dec }> {
  const first = checkOrder(intent, limits, killSwitch, cached);
  if (!('denial' in first) || first.denial.code !== RISK_CODES.noReferencePrice) return first;
  const snapshot = deps.priceSnapshot ? await deps.priceSnapshot(intent.symbol, connectionId) : undefined;
  if (snapshot && 'price' in snapshot) return checkOrder(intent, limits, killSwitch, snapshot.price);
  const why = snapshot ? ` (${snapshot.failure})` : '';
  return {
    denial: {
      code: RISK_CODES.noReferencePrice,
      reason: `${first.denial.reason}${why}. ${noPriceAdvice(intent.symbol)}.`,
    },
  };
}
