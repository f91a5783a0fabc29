/**
 * The tenant's fills for reports: a page at a time for GET /fills, or every fill of a range for
 * the blotter and the P&L history (read in pages internally: API Gateway returns whole bodies).
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Dec } from '../../core/money.ts';
import { fillMatches, type FillRecord, type FillsQuery } from '../../core/reports/model.ts';
import { positionKeys } from '../../core/store/keys.ts';
import { decodeCursor, encodeCursor, fromItem } from './codec.ts';
import { itemFill } from './execution-items.ts';

/** A blotter or history reads at most this many fills (a larger range: narrow `from`/`to`). */
export const MAX_REPORT_FILLS = 50_000;

function fillRecord(raw: Record<string, unknown>): FillRecord {
  return { ...itemFill(raw), realizedPnl: new Dec(String(raw.realizedPnl ?? '0')) };
}

export class DynamoFillReads {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async #page(tenantId: string, limit: number, startKey?: Record<string, AttributeValue>) {
    const prefix = positionKeys.fillPrefix(tenantId);
    const page = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': { S: prefix.pk }, ':s': { S: prefix.skPrefix } },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: (page.Items ?? []).map((i) => fillRecord(fromItem(i))), next: page.LastEvaluatedKey };
  }

  /** A page of fills (in execution-id order) that match the filters. */
  async list(tenantId: string, query: FillsQuery): Promise<{ items: FillRecord[]; nextCursor?: string }> {
    const binding = `fills|${tenantId}`;
    const prefix = positionKeys.fillPrefix(tenantId);
    let startKey = query.cursor
      ? await decodeCursor(query.cursor, {
          keys: ['pk', 'sk'],
          partition: { name: 'pk', startsWith: prefix.pk },
          binding,
        })
      : undefined;
    const items: FillRecord[] = [];
    // Filters apply after the read limit, so a filtered page may need a few reads to fill.
    for (let reads = 0; reads < 20 && items.length < query.limit; reads++) {
      const page = await this.#page(tenantId, query.limit - items.length, startKey);
      items.push(...page.items.filter((f) => fillMatches(f, query)));
      startKey = page.next;
      if (!startKey) break;
    }
    const nextCursor = await encodeCursor(startKey, binding);
    return nextCursor ? { items, nextCursor } : { items };
  }

  /** Every fill of the tenant (for the P&L replay), up to MAX_REPORT_FILLS. */
  async all(tenantId: string): Promise<FillRecord[]> {
    const out: FillRecord[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.#page(tenantId, 1000, startKey);
      out.push(...page.items);
      startKey = page.next;
    } while (startKey && out.length < MAX_REPORT_FILLS);
    return out;
  }
}
