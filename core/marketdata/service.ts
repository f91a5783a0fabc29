/**
 * Market-data use cases behind the API. The tenant always comes from the caller. Quotes are
 * platform data (a price is the same for everyone); subscriptions are the tenant's own.
 */
import { randomUUID } from 'node:crypto';
import type { MarketDataConfig } from './config.ts';
import { MarketDataSubscriptionNotFoundError, QuoteUnavailableError } from './errors.ts';
import type { QuoteCache, SubscriptionStore, TenantSubscription } from './ports.ts';
import { quoteView, type Quote, type QuoteView } from './quote.ts';

export interface MarketDataDeps {
  subscriptions: SubscriptionStore;
  quotes: QuoteCache;
  config: MarketDataConfig;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How often a waiting GET looks for the snapshot. */
  snapshotPollMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Subscribes the tenant to the symbols (all or none) and returns its subscriptions. */
export async function subscribe(
  deps: MarketDataDeps,
  caller: { tenantId: string; principal: string },
  symbols: readonly string[],
): Promise<{ items: TenantSubscription[]; added: string[] }> {
  const unique = [...new Set(symbols)];
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const { added } = await deps.subscriptions.subscribe(caller.tenantId, unique, {
    lineLimit: deps.config.lineLimit,
    actor: caller.principal,
    now,
  });
  return { items: await deps.subscriptions.list(caller.tenantId), added };
}

/** The tenant's subscriptions, by symbol. */
export async function listSubscriptions(
  deps: MarketDataDeps,
  tenantId: string,
): Promise<TenantSubscription[]> {
  return deps.subscriptions.list(tenantId);
}

/** Ends the tenant's subscription; the broker line goes once no tenant wants the symbol. */
export async function unsubscribe(deps: MarketDataDeps, tenantId: string, symbol: string): Promise<void> {
  if (!(await deps.subscriptions.unsubscribe(tenantId, symbol)))
    throw new MarketDataSubscriptionNotFoundError(symbol);
}

/**
 * The cached quote with its stale flag. With nothing cached (or `refresh` for a symbol nobody
 * streams) the bridge is asked for a snapshot, waited for up to `snapshotWaitMs`.
 */
export async function getQuote(
  deps: MarketDataDeps,
  symbol: string,
  options: { refresh?: boolean } = {},
): Promise<QuoteView> {
  const now = deps.now ?? Date.now;
  const [cached, subscribed] = await Promise.all([
    deps.quotes.get(symbol),
    deps.subscriptions.isWanted(symbol),
  ]);
  const view = (quote: Quote, isSubscribed: boolean) =>
    quoteView(quote, { nowMs: now(), staleAfterMs: deps.config.staleAfterMs, subscribed: isSubscribed });
  if (cached && !(options.refresh && !subscribed)) return view(cached, subscribed);

  const outcome = await awaitSnapshot(deps, symbol, cached, deps.config.snapshotWaitMs);
  if ('quote' in outcome) return view(outcome.quote, subscribed);
  if (cached) return view(cached, subscribed);
  throw new QuoteUnavailableError(symbol, outcome.failure);
}

/**
 * Asks the bridge for a snapshot of the symbol and waits up to `waitMs` for a quote newer than
 * `cached`; the failure says why none came (the broker's refusal, or the time that ran out).
 */
export async function awaitSnapshot(
  deps: Pick<MarketDataDeps, 'subscriptions' | 'quotes' | 'now' | 'sleep' | 'snapshotPollMs'>,
  symbol: string,
  cached: Quote | undefined,
  waitMs: number,
): Promise<{ quote: Quote } | { failure: string }> {
  const now = deps.now ?? Date.now;
  const requestId = randomUUID();
  await deps.subscriptions.requestSnapshot(
    { symbol, requestId, requestedAt: new Date(now()).toISOString(), status: 'pending' },
    Math.ceil(waitMs / 1000) + 60,
  );
  const sleep = deps.sleep ?? defaultSleep;
  const pollMs = deps.snapshotPollMs ?? 100;
  const deadline = now() + waitMs;
  while (now() < deadline) {
    await sleep(pollMs);
    const [quote, request] = await Promise.all([
      deps.quotes.get(symbol),
      deps.subscriptions.snapshotRequest(symbol),
    ]);
    if (quote && (!cached || quote.at !== cached.at)) return { quote };
    if (request?.requestId === requestId && request.status === 'failed')
      return { failure: request.reason ?? 'the broker refused the snapshot' };
  }
  return { failure: `nothing is cached and no snapshot arrived within ${waitMs} ms` };
}
