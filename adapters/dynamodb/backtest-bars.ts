import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Dec, formatDecimal } from '../../core/money.ts';
import { strategyKeys } from '../../core/store/keys.ts';
import type { Bar } from '../../core/strategies/fills.ts';
import type { BacktestBarStore } from '../../core/strategies/ports.ts';
import { guardDynamo } from './errors.ts';

/** Uploaded bars wait at most this long for their worker. */
const RETENTION_SECONDS = 24 * 3600;
/** Bytes of gzipped JSON per item: under DynamoDB's 400 KB item limit with the keys. */
const CHUNK_BYTES = 350 * 1024;

type Row = [string, string, string, string, string, string, string];

/**
 * A backtest's uploaded bars beside it in the tenant's partition: gzipped JSON rows split into
 * items of at most 350 KB (100,000 bars take a few), expiring a day later.
 */
export class DynamoBacktestBars implements BacktestBarStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  private readonly now: () => number;

  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async put(tenantId: string, backtestId: string, bars: Bar[]): Promise<void> {
    const rows: Row[] = bars.map((b) => [
      b.symbol,
      b.time,
      formatDecimal(b.open),
      formatDecimal(b.high),
      formatDecimal(b.low),
      formatDecimal(b.close),
      formatDecimal(b.volume),
    ]);
    const packed = gzipSync(JSON.stringify(rows));
    const expiresAt = Math.floor(this.now() / 1000) + RETENTION_SECONDS;
    const chunks: Buffer[] = [];
    for (let at = 0; at < packed.length; at += CHUNK_BYTES)
      chunks.push(packed.subarray(at, at + CHUNK_BYTES));
    await Promise.all(
      chunks.map((data, i) =>
        guardDynamo('storing backtest bars', () =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...strategyKeys.backtestBars(tenantId, backtestId, i),
                entity: 'backtest-bars',
                data,
                expiresAt,
              },
            }),
          ),
        ),
      ),
    );
  }

  async get(tenantId: string, backtestId: string): Promise<Bar[]> {
    const { pk, sk } = strategyKeys.backtestBars(tenantId, backtestId, 0);
    const prefix = sk.slice(0, -4);
    const parts: Uint8Array[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guardDynamo('reading backtest bars', () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) parts.push(item.data as Uint8Array);
      start = page.LastEvaluatedKey;
    } while (start);
    if (parts.length === 0) return [];
    const rows = JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as Row[];
    return rows.map(([symbol, time, open, high, low, close, volume]) => ({
      symbol,
      time,
      open: new Dec(open),
      high: new Dec(high),
      low: new Dec(low),
      close: new Dec(close),
      volume: new Dec(volume),
    }));
  }
}
