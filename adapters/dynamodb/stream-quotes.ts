/**
 * Which sockets follow which symbol's quotes. A quote has no tenant, so the fan-out finds its
 * sockets under the symbol (`WSQUOTES#<SYMBOL>`, one item per socket, with its tenant); the
 * socket's own item keeps the same symbols as a string set, so a closing socket knows what to
 * remove. Both carry the connection's TTL: a socket API Gateway closed without `$disconnect`
 * leaves nothing behind for long.
 */
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { streamKeys } from '../../core/store/keys.ts';
import { CONNECTION_TTL_SECONDS } from '../../core/stream/model.ts';
import type { QuoteSocketsPort, StreamConnection } from '../../core/stream/ports.ts';
import { guardDynamo, isConditionFailure } from './errors.ts';

type Socket = Pick<StreamConnection, 'tenantId' | 'connectionId'>;

export class DynamoQuoteSockets implements QuoteSocketsPort {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(client: DynamoDBClient | DynamoDBDocumentClient, tableName: string) {
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = tableName;
  }

  async add(socket: Socket, symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    const expiresAt = Math.floor(Date.now() / 1000) + CONNECTION_TTL_SECONDS;
    try {
      await guardDynamo('recording a quote subscription', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: streamKeys.connection(socket.tenantId, socket.connectionId),
            UpdateExpression: 'ADD quotes :symbols',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':symbols': new Set(symbols) },
          }),
        ),
      );
    } catch (error) {
      // The socket closed meanwhile: nothing to follow.
      if (isConditionFailure(error)) return;
      throw error;
    }
    await guardDynamo('recording a quote subscription', () =>
      Promise.all(
        symbols.map((symbol) =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...streamKeys.quoteSocket(symbol, socket.tenantId, socket.connectionId),
                ...socket,
                expiresAt,
              },
            }),
          ),
        ),
      ),
    );
  }

  async remove(socket: Socket, symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    await guardDynamo('removing a quote subscription', () =>
      Promise.all([
        ...symbols.map((symbol) =>
          this.doc.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: streamKeys.quoteSocket(symbol, socket.tenantId, socket.connectionId),
            }),
          ),
        ),
        this.doc
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: streamKeys.connection(socket.tenantId, socket.connectionId),
              UpdateExpression: 'DELETE quotes :symbols',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':symbols': new Set(symbols) },
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionFailure(error)) throw error;
          }),
      ]),
    );
  }

  async subscribers(symbol: string): Promise<Socket[]> {
    const out: Socket[] = [];
    const now = Math.floor(Date.now() / 1000);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guardDynamo('listing quote subscribers', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': streamKeys.quotePk(symbol) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        // TTL sweeps run late: a socket past its lifetime is gone already.
        if (typeof item.expiresAt === 'number' && item.expiresAt <= now) continue;
        out.push({ tenantId: String(item.tenantId), connectionId: String(item.connectionId) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
