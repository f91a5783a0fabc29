/**
 * The outbox drainer: publishes the audit events that state changes stored with an outbox marker
 * (sparse gsi3) to the event bus, then removes the marker. A marker is removed only after
 * EventBridge accepted the entry, so a crash or a failed entry means the event is published again
 * on a later round (at least once: consumers dedupe on the detail's `eventId`), never lost.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { outboxEntry } from '../../core/events/outbox.ts';
import { workKeys } from '../../core/store/keys.ts';
import { eventBus } from '../../core/topology.ts';

export interface DrainOptions {
  doc: DynamoDBDocumentClient;
  events: EventBridgeClient;
  tableName: string;
  busName: string;
  /** Items read per shard and round. */
  pageSize?: number;
  logger?: { warn(message: string, data?: Record<string, unknown>): void };
}

export interface DrainResult {
  published: number;
  /** Entries EventBridge refused or requests that failed; their markers stay for the next round. */
  failed: number;
  /** Items that cannot be turned into an event; they stay, and are reported. */
  unreadable: number;
}

/** PutEvents takes at most 10 entries and 256 KiB per request. */
const BATCH = 10;
const MAX_BATCH_BYTES = 250 * 1024;

interface Pending {
  key: { pk: string; sk: string };
  entry: PutEventsRequestEntry;
  size: number;
}

/** One round over every outbox shard. */
export async function drainOutbox(opts: DrainOptions): Promise<DrainResult> {
  const result: DrainResult = { published: 0, failed: 0, unreadable: 0 };
  const shards = Array.from({ length: workKeys.shards }, (_, i) => i);
  const perShard = await Promise.all(shards.map((shard) => drainShard(opts, shard)));
  for (const r of perShard) {
    result.published += r.published;
    result.failed += r.failed;
    result.unreadable += r.unreadable;
  }
  return result;
}

async function drainShard(opts: DrainOptions, shard: number): Promise<DrainResult> {
  const result: DrainResult = { published: 0, failed: 0, unreadable: 0 };
  const { Items = [] } = await opts.doc.send(
    new QueryCommand({
      TableName: opts.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': workKeys.outboxPk(shard) },
      Limit: opts.pageSize ?? 100,
    }),
  );
  const pending: Pending[] = [];
  for (const item of Items) {
    const entry = outboxEntry(item);
    if (!entry) {
      result.unreadable++;
      opts.logger?.warn('unreadable outbox item left in place', { pk: item.pk, sk: item.sk });
      continue;
    }
    const detail = JSON.stringify(entry.detail);
    pending.push({
      key: { pk: String(item.pk), sk: String(item.sk) },
      entry: {
        EventBusName: opts.busName,
        Source: eventBus.source,
        DetailType: entry.detailType,
        Detail: detail,
        ...(typeof entry.detail.at === 'string' && !Number.isNaN(Date.parse(entry.detail.at))
          ? { Time: new Date(entry.detail.at) }
          : {}),
      },
      size: Buffer.byteLength(detail) + Buffer.byteLength(entry.detailType) + eventBus.source.length + 14,
    });
  }
  for (const batch of batches(pending)) {
    let accepted: Pending[];
    try {
      const res = await opts.events.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      accepted = batch.filter((_, i) => {
        const r = res.Entries?.[i];
        return r !== undefined && r.EventId !== undefined && r.ErrorCode === undefined;
      });
      if (accepted.length < batch.length) {
        opts.logger?.warn('EventBridge refused outbox entries; they stay for the next round', {
          refused: (res.Entries ?? [])
            .filter((e) => e.ErrorCode)
            .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`),
        });
      }
    } catch (error) {
      opts.logger?.warn('PutEvents failed; the batch stays for the next round', { error: String(error) });
      accepted = [];
    }
    result.failed += batch.length - accepted.length;
    await Promise.all(accepted.map((p) => removeMarker(opts, p.key)));
    result.published += accepted.length;
  }
  return result;
}

function batches(items: Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === BATCH || (current.length > 0 && bytes + item.size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function removeMarker(opts: DrainOptions, key: { pk: string; sk: string }): Promise<void> {
  try {
    await opts.doc.send(
      new UpdateCommand({
        TableName: opts.tableName,
        Key: key,
        UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(gsi3pk)',
      }),
    );
  } catch (error) {
    // Another drainer removed it first: the event was published, which is all that matters.
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error).name === 'ConditionalCheckFailedException'
    )
      return;
    // The event is on the bus but keeps its marker: it is published again next round (at least once).
    opts.logger?.warn('outbox marker not removed; the event will be published again', {
      ...key,
      error: String(error),
    });
  }
}

/** Rounds until a round publishes nothing (or `maxRounds`): for tests, benches and shutdown. */
export async function drainUntilEmpty(opts: DrainOptions, maxRounds = 100): Promise<DrainResult> {
  const total: DrainResult = { published: 0, failed: 0, unreadable: 0 };
  for (let i = 0; i < maxRounds; i++) {
    const r = await drainOutbox(opts);
    total.published += r.published;
    total.failed += r.failed;
    total.unreadable += r.unreadable;
    if (r.published === 0) break;
  }
  return total;
}

export interface OutboxDrainer {
  /** Runs a round now (coalesced with one in progress); a writer calls it right after a commit to cut latency. */
  kick(): void;
  stop(): Promise<void>;
}

/** Drains every `intervalMs` for as long as the process runs (the bridge runs one). */
export function startOutboxDrainer(
  opts: DrainOptions & { intervalMs?: number; onError?: (e: unknown) => void },
): OutboxDrainer {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const round = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const r = await drainOutbox(opts);
          if (r.published > 0) again = true; // more may be waiting beyond the page
        } catch (error) {
          opts.onError?.(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(round, opts.intervalMs ?? 1000);
  timer.unref();
  round();
  return {
    kick: round,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
