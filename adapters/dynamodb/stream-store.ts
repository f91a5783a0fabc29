/**
 * The stream's items in the single table (keys: core/store/keys.ts `streamKeys`): the tenant's
 * event log with its sequence head, and its WebSocket connections.
 *
 * A sequence number is taken with an optimistic transaction: the head moves from the value read
 * to the next one, together with the entry and a marker of the bus event's id. Two fan-outs at
 * once cannot take the same number (one transaction fails its head condition and retries), a
 * redelivered event cannot take a second one (its marker exists), and no number is ever skipped
 * (the head only moves with an entry), which is what lets a resume tell "nothing missed" from
 * "too old".
 *
 * The head also carries `subsVersion`, moved by every change to the tenant's subscribed sockets.
 * The append's condition checks it, so a committed append proves the sockets this instance read
 * at that version are still the subscribed ones: the fan-out skips the connections query on the
 * live path and pays it only after a subscription changed (docs/stream.md, "Latency").
 */
import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../../core/errors.ts';
import { streamKeys } from '../../core/store/keys.ts';
import {
  CONNECTION_TTL_SECONDS,
  RETENTION_SECONDS,
  type LoggedEntry,
  type StreamEntry,
} from '../../core/stream/model.ts';
import type { ConnectionStorePort, StreamConnection, StreamLogPort } from '../../core/stream/ports.ts';
import { guardDynamo, isConditionFailure } from './errors.ts';
import { asDocumentClient } from './document-client.ts';

const APPEND_ATTEMPTS = 25;

export class DynamoStreamStore implements StreamLogPort, ConnectionStorePort {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  private readonly now: () => Date;

  constructor(client: DynamoDBClient | DynamoDBDocumentClient, tableName: string, now = () => new Date()) {
    this.doc = asDocumentClient(client);
    this.tableName = tableName;
    this.now = now;
  }

  /** Heads this instance saw last, per tenant; a guess checked by the transaction's condition. */
  private readonly heads = new Map<string, Head>();
  /** Subscribed sockets per tenant, as read at a subscription version. */
  private readonly sockets = new Map<string, { version: number; connections: StreamConnection[] }>();

  private rememberHead(tenantId: string, head: Head): void {
    if (this.heads.size >= 10_000 && !this.heads.has(tenantId)) {
      this.heads.clear();
      this.sockets.clear();
    }
    this.heads.set(tenantId, head);
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  async head(tenantId: string): Promise<number> {
    return (await this.readHead(tenantId)).seq;
  }

  private async readHead(tenantId: string): Promise<Head> {
    const { Item } = await guardDynamo('reading the stream head', () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: streamKeys.head(tenantId), ConsistentRead: true }),
      ),
    );
    return toHead(Item);
  }

  /** Moves the subscription version after a change to the tenant's sockets; returns the head then. */
  private async subscriptionsChanged(tenantId: string): Promise<number> {
    this.sockets.delete(tenantId);
    const { Attributes } = await guardDynamo('moving the stream subscription version', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: streamKeys.head(tenantId),
          UpdateExpression: 'ADD subsVersion :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const head = toHead(Attributes);
    this.rememberHead(tenantId, head);
    return head.seq;
  }

  async append(entry: StreamEntry): Promise<LoggedEntry | undefined> {
    const expiresAt = this.epochSeconds() + RETENTION_SECONDS;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      // The head this instance last saw is usually still the head: one read saved per event.
      const known = attempt === 0 ? this.heads.get(entry.tenantId) : undefined;
      const head = known ?? (await this.readHead(entry.tenantId));
      const seq = head.seq + 1;
      const values: Record<string, number> = {};
      if (head.seq > 0) values[':head'] = head.seq;
      if (head.version > 0) values[':version'] = head.version;
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...streamKeys.head(entry.tenantId),
                    seq,
                    ...(head.version > 0 ? { subsVersion: head.version } : {}),
                  },
                  ConditionExpression: [
                    head.seq === 0 ? 'attribute_not_exists(seq)' : 'seq = :head',
                    head.version === 0 ? 'attribute_not_exists(subsVersion)' : 'subsVersion = :version',
                  ].join(' AND '),
                  ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...streamKeys.eventMarker(entry.tenantId, entry.eventId), seq, expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...streamKeys.entry(entry.tenantId, seq), ...entry, seq, expiresAt },
                },
              },
            ],
          }),
        );
        this.rememberHead(entry.tenantId, { seq, version: head.version });
        return { ...entry, seq };
      } catch (error) {
        if (!(
          error instanceof TransactionCanceledException ||
          (error as Error).name === 'TransactionCanceledException'
        ))
          throw new DependencyError('DynamoDB failed while logging a stream event', { cause: error });
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return undefined;
        // Another event took this number first, or the sockets changed: read the head and retry.
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      }
    }
    throw new DependencyError(
      `No stream sequence number for ${entry.tenantId} after ${APPEND_ATTEMPTS} attempts`,
    );
  }

  async readAfter(tenantId: string, afterSeq: number, limit: number): Promise<LoggedEntry[]> {
    const { Items = [] } = await guardDynamo('reading the stream log', () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': streamKeys.pk(tenantId),
            ':from': streamKeys.entry(tenantId, afterSeq + 1).sk,
            ':to': `${streamKeys.entryPrefix}~`,
          },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    // TTL sweeps run late: an entry past its expiry counts as gone already.
    const now = this.epochSeconds();
    return Items.filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt > now).map(
      (item): LoggedEntry => ({
        tenantId: String(item.tenantId),
        eventId: String(item.eventId),
        event: String(item.event),
        streams: item.streams as string[],
        at: String(item.at),
        data: item.data as Record<string, unknown>,
        seq: Number(item.seq),
      }),
    );
  }

  async add(connection: StreamConnection): Promise<void> {
    const expiresAt = this.epochSeconds() + CONNECTION_TTL_SECONDS;
    await guardDynamo('recording a stream connection', () =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...streamKeys.connectionPointer(connection.connectionId),
                  tenantId: connection.tenantId,
                  expiresAt,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                // Quote symbols are a string set of their own (adapters/dynamodb/stream-quotes.ts).
                Item: {
                  ...streamKeys.connection(connection.tenantId, connection.connectionId),
                  ...withoutQuotes(connection),
                  expiresAt,
                },
              },
            },
          ],
        }),
      ),
    );
  }

  async tenantOf(connectionId: string): Promise<string | undefined> {
    const { Item } = await guardDynamo('reading a stream connection', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: streamKeys.connectionPointer(connectionId),
          ConsistentRead: true,
        }),
      ),
    );
    return typeof Item?.tenantId === 'string' ? Item.tenantId : undefined;
  }

  async get(tenantId: string, connectionId: string): Promise<StreamConnection | undefined> {
    const { Item } = await guardDynamo('reading a stream connection', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: streamKeys.connection(tenantId, connectionId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? toConnection(Item) : undefined;
  }

  /**
   * The subscribed sockets. Right after an append by this instance, the ones read at the version
   * that append committed at, without a query; watermarks there may lag (a claim then fails and
   * the caller reads the socket again), never lead.
   */
  async subscribed(tenantId: string): Promise<StreamConnection[]> {
    const version = this.heads.get(tenantId)?.version;
    const cached = this.sockets.get(tenantId);
    if (cached && cached.version === version) return cached.connections.map((c) => ({ ...c }));
    const connections = await this.querySubscribed(tenantId);
    if (version !== undefined) this.sockets.set(tenantId, { version, connections });
    return connections.map((c) => ({ ...c }));
  }

  private async querySubscribed(tenantId: string): Promise<StreamConnection[]> {
    const out: StreamConnection[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guardDynamo('listing stream connections', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: 'size(streams) > :none',
            ExpressionAttributeValues: {
              ':pk': streamKeys.pk(tenantId),
              ':prefix': streamKeys.connectionPrefix,
              ':none': 0,
            },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) out.push(toConnection(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async setSubscription(
    tenantId: string,
    connectionId: string,
    streams: string[],
    watermark?: number,
  ): Promise<number> {
    await guardDynamo('updating a stream subscription', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: streamKeys.connection(tenantId, connectionId),
          UpdateExpression:
            watermark === undefined
              ? 'SET streams = :streams'
              : 'SET streams = :streams, watermark = :watermark',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':streams': streams,
            ...(watermark === undefined ? {} : { ':watermark': watermark }),
          },
        }),
      ),
    ).catch((error: unknown) => {
      // The socket closed meanwhile; there is nothing left to subscribe.
      if (!isConditionFailure(error)) throw error;
    });
    return this.subscriptionsChanged(tenantId);
  }

  async advance(tenantId: string, connectionId: string, from: number, to: number): Promise<boolean> {
    try {
      await guardDynamo('moving a stream watermark', () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: streamKeys.connection(tenantId, connectionId),
            UpdateExpression: 'SET watermark = :to',
            ConditionExpression: 'watermark = :from',
            ExpressionAttributeValues: { ':from': from, ':to': to },
          }),
        ),
      );
      const cached = this.sockets.get(tenantId)?.connections.find((c) => c.connectionId === connectionId);
      if (cached && cached.watermark === from) cached.watermark = to;
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async remove(connectionId: string, tenantId?: string): Promise<void> {
    await guardDynamo('removing a stream connection', () =>
      Promise.all([
        this.doc.send(
          new DeleteCommand({ TableName: this.tableName, Key: streamKeys.connectionPointer(connectionId) }),
        ),
        ...(tenantId
          ? [
              this.doc.send(
                new DeleteCommand({
                  TableName: this.tableName,
                  Key: streamKeys.connection(tenantId, connectionId),
                }),
              ),
            ]
          : []),
      ]),
    );
    if (tenantId) await this.subscriptionsChanged(tenantId);
  }
}

function withoutQuotes(connection: StreamConnection): Omit<StreamConnection, 'quotes'> {
  const { quotes: _kept, ...rest } = connection;
  return rest;
}

/** The sequence head and subscription version of a tenant's stream. */
interface Head {
  seq: number;
  version: number;
}

function toHead(item: Record<string, unknown> | undefined): Head {
  return {
    seq: typeof item?.seq === 'number' ? item.seq : 0,
    version: typeof item?.subsVersion === 'number' ? item.subsVersion : 0,
  };
}

function toConnection(item: Record<string, unknown>): StreamConnection {
  return {
    connectionId: String(item.connectionId),
    tenantId: String(item.tenantId),
    principal: String(item.principal),
    scopes: Array.isArray(item.scopes) ? (item.scopes as string[]) : [],
    streams: Array.isArray(item.streams) ? (item.streams as string[]) : [],
    quotes: item.quotes instanceof Set ? [...(item.quotes as Set<string>)].sort() : [],
    watermark: Number(item.watermark ?? 0),
  };
}
