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
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../core/errors.ts';
import { streamKeys } from '../../core/store/keys.ts';
import {
  CONNECTION_TTL_SECONDS,
  RETENTION_SECONDS,
  type LoggedEntry,
  type StreamEntry,
} from '../../core/stream/model.ts';
import type { ConnectionStorePort, StreamConnection, StreamLogPort } from '../../core/stream/ports.ts';
import { held, Table, type Item } from './table.ts';
import { retry, Retryable, SEQUENCE_RACE_POLICY } from './toolkit.ts';

export class DynamoStreamStore implements StreamLogPort, ConnectionStorePort {
  readonly table: Table;
  private readonly now: () => Date;

  constructor(client: DynamoDBClient, tableName: string, now = () => new Date()) {
    this.table = new Table(client, tableName);
    this.now = now;
  }

  /** Heads this instance wrote last, per tenant; a guess checked by the transaction's condition. */
  private readonly heads = new Map<string, number>();

  private rememberHead(tenantId: string, seq: number): void {
    if (this.heads.size >= 10_000 && !this.heads.has(tenantId)) this.heads.clear();
    this.heads.set(tenantId, seq);
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  async head(tenantId: string): Promise<number> {
    const item = await this.table.get(streamKeys.head(tenantId), 'reading the stream head');
    return typeof item?.seq === 'number' ? item.seq : 0;
  }

  async append(entry: StreamEntry): Promise<LoggedEntry | undefined> {
    const expiresAt = this.epochSeconds() + RETENTION_SECONDS;
    return retry(
      async (attempt) => {
        // The head this instance last wrote is usually still the head: one read saved per event.
        const known = attempt === 1 ? this.heads.get(entry.tenantId) : undefined;
        const head = known ?? (await this.head(entry.tenantId));
        const seq = head + 1;
        const failed = await this.table.transact(
          [
            this.table.putItem(
              { ...streamKeys.head(entry.tenantId), seq },
              head === 0
                ? { condition: 'attribute_not_exists(seq)' }
                : { condition: 'seq = :head', values: { ':head': head } },
              'head',
            ),
            this.table.putItem(
              { ...streamKeys.eventMarker(entry.tenantId, entry.eventId), seq, expiresAt },
              { condition: 'attribute_not_exists(pk)' },
              'new event',
            ),
            this.table.putItem({ ...streamKeys.entry(entry.tenantId, seq), ...entry, seq, expiresAt }),
          ],
          'logging a stream event',
        );
        if (failed === 'new event') return undefined;
        // Another event took this number first: read the new head and try the next.
        if (failed) throw new Retryable(failed);
        this.rememberHead(entry.tenantId, seq);
        return { ...entry, seq };
      },
      {
        policy: SEQUENCE_RACE_POLICY,
        exhausted: () =>
          new DependencyError(
            `No stream sequence number for ${entry.tenantId} after ${SEQUENCE_RACE_POLICY.attempts} attempts`,
          ),
      },
    );
  }

  async readAfter(tenantId: string, afterSeq: number, limit: number): Promise<LoggedEntry[]> {
    const { items } = await this.table.query(
      {
        key: 'pk = :pk AND sk BETWEEN :from AND :to',
        values: {
          ':pk': streamKeys.pk(tenantId),
          ':from': streamKeys.entry(tenantId, afterSeq + 1).sk,
          ':to': streamKeys.entryEnd,
        },
        consistent: true,
        limit,
      },
      'reading the stream log',
    );
    // TTL sweeps run late: an entry past its expiry counts as gone already.
    const now = this.epochSeconds();
    return items
      .filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt > now)
      .map((item): LoggedEntry => ({
        tenantId: String(item.tenantId),
        eventId: String(item.eventId),
        event: String(item.event),
        streams: item.streams as string[],
        at: String(item.at),
        data: item.data as Record<string, unknown>,
        seq: Number(item.seq),
      }));
  }

  async add(connection: StreamConnection): Promise<void> {
    const expiresAt = this.epochSeconds() + CONNECTION_TTL_SECONDS;
    await this.table.transact(
      [
        this.table.putItem({
          ...streamKeys.connectionPointer(connection.connectionId),
          tenantId: connection.tenantId,
          expiresAt,
        }),
        this.table.putItem({
          ...streamKeys.connection(connection.tenantId, connection.connectionId),
          ...connection,
          expiresAt,
        }),
      ],
      'recording a stream connection',
    );
  }

  async tenantOf(connectionId: string): Promise<string | undefined> {
    const item = await this.table.get(
      streamKeys.connectionPointer(connectionId),
      'reading a stream connection',
    );
    return typeof item?.tenantId === 'string' ? item.tenantId : undefined;
  }

  async get(tenantId: string, connectionId: string): Promise<StreamConnection | undefined> {
    const item = await this.table.get(
      streamKeys.connection(tenantId, connectionId),
      'reading a stream connection',
    );
    return item ? toConnection(item) : undefined;
  }

  async subscribed(tenantId: string): Promise<StreamConnection[]> {
    const items = await this.table.queryAll(
      {
        key: 'pk = :pk AND begins_with(sk, :prefix)',
        filter: 'size(streams) > :none',
        values: { ':pk': streamKeys.pk(tenantId), ':prefix': streamKeys.connectionPrefix, ':none': 0 },
        consistent: true,
      },
      'listing stream connections',
    );
    return items.map(toConnection);
  }

  async setSubscription(
    tenantId: string,
    connectionId: string,
    streams: string[],
    watermark: number,
  ): Promise<void> {
    // A socket closed meanwhile has nothing left to subscribe.
    await held(
      this.table.update(
        streamKeys.connection(tenantId, connectionId),
        'SET streams = :streams, watermark = :watermark',
        'updating a stream subscription',
        { condition: 'attribute_exists(pk)', values: { ':streams': streams, ':watermark': watermark } },
      ),
    );
  }

  advance(tenantId: string, connectionId: string, from: number, to: number): Promise<boolean> {
    return held(
      this.table.update(
        streamKeys.connection(tenantId, connectionId),
        'SET watermark = :to',
        'moving a stream watermark',
        {
          condition: 'watermark = :from',
          values: { ':from': from, ':to': to },
        },
      ),
    );
  }

  async remove(connectionId: string, tenantId?: string): Promise<void> {
    const what = 'removing a stream connection';
    await Promise.all([
      this.table.delete(streamKeys.connectionPointer(connectionId), what),
      ...(tenantId ? [this.table.delete(streamKeys.connection(tenantId, connectionId), what)] : []),
    ]);
  }
}

function toConnection(item: Item): StreamConnection {
  return {
    connectionId: String(item.connectionId),
    tenantId: String(item.tenantId),
    principal: String(item.principal),
    scopes: Array.isArray(item.scopes) ? (item.scopes as string[]) : [],
    streams: Array.isArray(item.streams) ? (item.streams as string[]) : [],
    watermark: Number(item.watermark ?? 0),
  };
}
