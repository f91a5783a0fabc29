/**
 * Uploaded bars wait for the backtest worker beside the backtest: more than one item can hold
 * round-trip through DynamoDB in several items, each under the 400 KB item limit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBacktestBars } from '../../../adapters/dynamodb/backtest-bars.ts';
import { Dec } from '../../../core/money.ts';
import { tenantPk } from '../../../core/store/keys.ts';
import type { Bar } from '../../../core/strategies/fills.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  resources = await useTestResources();
  doc = DynamoDBDocumentClient.from(resources.dynamo);
});
afterAll(() => {
  resources.dynamo.destroy();
  resources.sqs.destroy();
});

function minuteBars(count: number): Bar[] {
  const start = Date.parse('2025-01-02T14:30:00Z');
  return Array.from({ length: count }, (_, i) => {
    const open = new Dec(100 + (i % 997) / 100);
    return {
      symbol: i % 2 === 0 ? 'AAPL' : 'MSFT',
      time: new Date(start + Math.floor(i / 2) * 60_000).toISOString(),
      open,
      high: open.plus('0.37'),
      low: open.minus('0.21'),
      close: open.plus('0.05'),
      volume: new Dec(1000 + i),
    };
  });
}

describe('DynamoBacktestBars', () => {
  it('stores more bars than one item holds in items under the limit, and gives them back as they were', async () => {
    const store = new DynamoBacktestBars(doc, resources.tableName);
    const tenant = testTenant();
    // 40,000 bars make about 500 KB gzipped; MAX_BARS would only take longer on a loaded machine.
    const bars = minuteBars(40_000);
    await store.put(tenant, '01JF3Q7SB2D4F6H8K0M2P4R6T8', bars);
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: resources.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': tenantPk(tenant) },
      }),
    );
    // More than one item: a single one could not hold them.
    expect(Items.length).toBeGreaterThan(1);
    for (const item of Items) expect((item.data as Uint8Array).length).toBeLessThanOrEqual(350 * 1024);
    const back = await store.get(tenant, '01JF3Q7SB2D4F6H8K0M2P4R6T8');
    expect(back).toHaveLength(bars.length);
    expect(back.map(row)).toEqual(bars.map(row));
  }, 120_000);

  it('gives nothing for a backtest without bars, and never another tenant’s', async () => {
    const store = new DynamoBacktestBars(doc, resources.tableName);
    const tenant = testTenant();
    await store.put(tenant, '01JF3Q7SB2D4F6H8K0M2P4R6T9', minuteBars(10));
    expect(await store.get(testTenant(), '01JF3Q7SB2D4F6H8K0M2P4R6T9')).toEqual([]);
    expect(await store.get(tenant, '01JF3Q7SB2D4F6H8K0M2P4R6TA')).toEqual([]);
    expect(await store.get(tenant, '01JF3Q7SB2D4F6H8K0M2P4R6T9')).toHaveLength(10);
  });
});

const row = (b: Bar) => [
  b.symbol,
  b.time,
  ...[b.open, b.high, b.low, b.close, b.volume].map((d) => d.toFixed()),
];
