import * as z from 'zod';
import { symbolField } from '../orders/order.ts';
import { MARKET_DATA_TYPE_NAMES } from './quote.ts';

/** Most symbols one request may add: each takes two items of one DynamoDB transaction (limit 100). */
export const MAX_SYMBOLS_PER_REQUEST = 40;

/** Body of POST /marketdata/subscriptions. */
export const SubscribeRequest = z
  .strictObject({
    symbols: z
      .array(symbolField)
      .min(1)
      .max(MAX_SYMBOLS_PER_REQUEST)
      .meta({ description: 'Tickers to stream; ones the tenant already holds are kept as they are' }),
  })
  .meta({ id: 'MarketDataSubscribeRequest' });

/** Query of GET /marketdata/{symbol}. */
export const QuoteQuery = z
  .strictObject({
    refresh: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .meta({
        description: 'For a symbol nobody streams: take a fresh snapshot instead of the cached quote',
      }),
  })
  .meta({ id: 'QuoteQuery' });

/** The symbol path parameter. */
export const SymbolParam = symbolField;

const decimal = z
  .string()
  .nullable()
  .meta({ description: 'A decimal as a string; null when the broker sent none' });

export const QuoteViewSchema = z
  .object({
    symbol: z.string(),
    bid: decimal,
    ask: decimal,
    last: decimal,
    bidSize: decimal,
    askSize: decimal,
    lastSize: decimal,
    at: z.string().meta({ description: 'When the latest tick arrived (ISO-8601 UTC)' }),
    stale: z.boolean().meta({ description: 'No tick for a while, or the symbol is no longer streamed' }),
    marketDataType: z.enum(MARKET_DATA_TYPE_NAMES as [string, ...string[]]),
    source: z.enum(['stream', 'snapshot']),
  })
  .meta({ id: 'Quote' });

export const SubscriptionViewSchema = z
  .object({ symbol: z.string(), createdAt: z.string(), createdBy: z.string() })
  .meta({ id: 'MarketDataSubscription' });

export const SubscriptionListSchema = z
  .object({ items: z.array(SubscriptionViewSchema) })
  .meta({ id: 'MarketDataSubscriptionList' });

export const SubscribeResultSchema = z
  .object({ items: z.array(SubscriptionViewSchema), added: z.array(z.string()) })
  .meta({ id: 'MarketDataSubscribeResult' });
