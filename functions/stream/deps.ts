import { dynamoClient, requiredEnv } from '../../adapters/aws.ts';
import { documentClient } from '../../adapters/dynamodb/document-client.ts';
import { DynamoQuoteCache } from '../../adapters/dynamodb/quote-cache.ts';
import { DynamoQuoteSockets } from '../../adapters/dynamodb/stream-quotes.ts';
import { DynamoStreamStore } from '../../adapters/dynamodb/stream-store.ts';
import { ApiGatewayConnections } from '../../adapters/stream/connections.ts';
import { DynamoMarketDataAccess } from '../../adapters/stream/market-data-access.ts';
import { marketDataConfig } from '../../core/marketdata/config.ts';
import { StreamService } from '../../core/stream/service.ts';
import { env, stream } from '../../core/topology.ts';
import { resolveCaller } from '../auth/authorizer.ts';

let cached: { key: string; service: StreamService } | undefined;

/** The stream service on this runtime's table and `@connections` endpoint (rebuilt when either changes, as tests do). */
export function streamService(): StreamService {
  const tableName = requiredEnv(env.tableName);
  const endpoint = requiredEnv(stream.connectionsUrlEnv);
  const key = `${tableName} ${endpoint}`;
  if (cached?.key !== key) {
    const store = new DynamoStreamStore(dynamoClient(), tableName);
    const quoteTtlSeconds = marketDataConfig(process.env).quoteTtlSeconds;
    const quotes = new DynamoQuoteCache(dynamoClient(), tableName, { ttlSeconds: quoteTtlSeconds });
    cached = {
      key,
      service: new StreamService({
        log: store,
        connections: store,
        sockets: new ApiGatewayConnections(endpoint),
        quoteSockets: new DynamoQuoteSockets(documentClient(), tableName),
        marketData: new DynamoMarketDataAccess(dynamoClient(), tableName, quotes),
        // The HTTP authorizer's own resolution, fed the first message's credential as a header.
        authenticate: ({ token, apiKey, sourceIp }) =>
          resolveCaller({
            headers: token !== undefined ? { authorization: `Bearer ${token}` } : { 'x-api-key': apiKey },
            requestContext: { http: { sourceIp } },
          }),
      }),
    };
  }
  return cached.service;
}

/** The part of API Gateway's WebSocket event the handlers read. */
export interface WebSocketEvent {
  requestContext: { connectionId: string; identity?: { sourceIp?: string } };
  body?: string | null;
  isBase64Encoded?: boolean;
}
