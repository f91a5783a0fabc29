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

/** The cache, publishing every streamed quote it stores. */
export function publishingQuotes(cache: QuoteCache, options: QuoteEventOptions): QuoteCache {
  return {
    get: (symbol) => cache.get(symbol),
    put: async (quote) => {
      await cache.put(quote);
      if (quote.source !== 'stream') return;
      try {
        const { FailedEntryCount = 0, Entries = [] } = await options.events.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: options.busName,
                Source: eventBus.source,
                DetailType: QUOTE_EVENT,
                Detail: JSON.stringify({
                  schemaVersion: 1,
                  eventId: `${quote.symbol}@${quote.at}`,
                  ...quote,
                }),
              },
            ],
          }),
        );
        if (FailedEntryCount > 0) throw new Error(Entries[0]?.ErrorMessage ?? 'PutEvents refused the quote');
      } catch (error) {
        options.onError(error, quote);
      }
    },
  };
}
