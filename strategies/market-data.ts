/**
 * The market data of running strategies: the host subscribes each strategy's `symbols` for its
 * tenant through the market-data use cases (tenant-scoped, counted against the broker's lines,
 * like POST /marketdata/subscriptions), and ends the subscriptions it made once no running
 * strategy of the tenant declares the symbol. Its subscriptions are the ones created by a
 * `strategy:<id>` principal; a tenant's own subscription of the same symbol is never ended.
 */
import { MarketDataLineLimitError, MarketDataSubscriptionNotFoundError } from '../core/marketdata/errors.ts';
import {
  listSubscriptions,
  subscribe,
  unsubscribe,
  type MarketDataDeps,
} from '../core/marketdata/service.ts';

/** The principal a strategy's subscriptions are created by. */
export const strategyPrincipal = (strategyId: string) => `strategy:${strategyId}`;

const BY_STRATEGY = /^strategy:/;

export class StrategyMarketData {
  private readonly deps: MarketDataDeps;

  constructor(deps: MarketDataDeps) {
    this.deps = deps;
  }

  /**
   * Subscribes what the strategy declares and the tenant lacks (all or none). A failure to
   * subscribe for lack of lines is returned as the strategy's failure; others are thrown.
   */
  async want(
    tenantId: string,
    strategyId: string,
    symbols: readonly string[],
  ): Promise<{ code: string; detail: string } | undefined> {
    if (symbols.length === 0) return undefined;
    try {
      await subscribe(this.deps, { tenantId, principal: strategyPrincipal(strategyId) }, symbols);
      return undefined;
    } catch (error) {
      if (error instanceof MarketDataLineLimitError) return { code: error.code, detail: error.message };
      throw error;
    }
  }

  /** Ends the tenant's strategy-made subscriptions that no symbol in `wanted` still needs. */
  async release(tenantId: string, wanted: ReadonlySet<string>): Promise<string[]> {
    const held = await listSubscriptions(this.deps, tenantId);
    const ended: string[] = [];
    for (const s of held) {
      if (!BY_STRATEGY.test(s.createdBy) || wanted.has(s.symbol)) continue;
      try {
        await unsubscribe(this.deps, tenantId, s.symbol);
        ended.push(s.symbol);
      } catch (error) {
        // Ended meanwhile by the tenant: nothing left to do.
        if (!(error instanceof MarketDataSubscriptionNotFoundError)) throw error;
      }
    }
    return ended;
  }
}
