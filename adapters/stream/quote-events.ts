/**
 * Quote updates onto the bus, for the stream's `quotes:<SYMBOL>` (docs/stream.md, "Quotes"). The
 * bridge already coalesces ticks into at most N cache writes per second per symbol; each streamed
 * write is published as one `quote.updated` event right after it, so a follower sees the quote the
 * cache holds, as soon as it holds it. A lost event costs one update (the next one supersedes it),
 * so a failed publish is reported, not retried.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { QuoteCache } from '../../core/marketdata/ports.ts';
import type { Quote } from '../../core/marketdata/quote.ts';
import { QUOTE_EVENT } from '../../core/stream/model.ts';
import { eventBus } from '../../core/topology.ts';

export interface QuoteEventOptions {
  events: EventBridgeClient;
  busName: string;
  onError: (error: unknown, quote: Quote) => void;
}

/**
 * The cache, publishing every streamed quote it stores. Publishing never holds up the cache (risk
 * checks read it): a put returns once stored, and its event follows. While one event of a symbol
 * is in flight, later quotes of it wait as one (the newest), so a slow bus costs updates, not
 * memory, and the last quote of a burst is always published.
 */
export function publishingQuotes(cache: QuoteCache, options: QuoteEventOptions): QuoteCache {
  const inFlight = new Set<string>();
  const waiting = new Map<string, Quote>();

  const publish = (quote: Quote): void => {
    inFlight.add(quote.symbol);
    void send(quote, options)
      .catch((error: unknown) => options.onError(error, quote))
      .finally(() => {
        inFlight.delete(quote.symbol);
        const next = waiting.get(quote.symbol);
        if (next) {
          waiting.delete(quote.symbol);
          publish(next);
        }
      });
  };

  return {
    get: (symbol) => cache.get(symbol),
    put: async (quote) => {
      await cache.put(quote);
      if (quote.source !== 'stream') return;
      if (inFlight.has(quote.symbol)) waiting.set(quote.symbol, quote);
      else publish(quote);
    },
  };
}

async function send(quote: Quote, options: QuoteEventOptions): Promise<void> {
  const { FailedEntryCount = 0, Entries = [] } = await options.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: options.busName,
          Source: eventBus.source,
          DetailType: QUOTE_EVENT,
          Detail: JSON.stringify({ schemaVersion: 1, eventId: `${quote.symbol}@${quote.at}`, ...quote }),
        },
      ],
    }),
  );
  if (FailedEntryCount > 0) throw new Error(Entries[0]?.ErrorMessage ?? 'PutEvents refused the quote');
}
