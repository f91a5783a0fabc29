import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../aws.ts';

let doc: DynamoDBDocumentClient | undefined;

/**
 * The document client for the stores not yet on the table toolkit (connections, backtest bars,
 * quote sockets). A module of its own, so only the bundles that use those stores carry it.
 */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

/** The document client over `client`, or `client` itself when it already is one. */
export function asDocumentClient(client: DynamoDBClient | DynamoDBDocumentClient): DynamoDBDocumentClient {
  return client instanceof DynamoDBDocumentClient
    ? client
    : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
