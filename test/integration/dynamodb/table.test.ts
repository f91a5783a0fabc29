/**
 * The stores' table toolkit against DynamoDB Local: plain objects in and out, single writes whose
 * condition failure the caller sees as `held` → false, the pager's sealed cursors, batches over
 * DynamoDB's 25-item limit, and transaction items that name their guard.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { held, outboxNotice, Table, TableStore } from '../../../adapters/dynamodb/table.ts';
import { DependencyError, ValidationError } from '../../../core/errors.ts';
import { workKeys } from '../../../core/store/keys.ts';
import { env } from '../../../core/topology.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
let table: Table;
beforeAll(async () => {
  resources = await useTestResources();
  table = new Table(resources.dynamo, resources.tableName);
});
afterAll(() => resources.dynamo.destroy());

const under = (pk: string, prefix: string) => ({
  key: 'pk = :pk AND begins_with(sk, :p)',
  values: { ':pk': pk, ':p': prefix },
});

describe('Table', () => {
  it('puts and gets plain objects, nested values and numbers included', async () => {
    const pk = testTenant();
    await table.put({ pk, sk: 'A', n: 1.5, list: [{ x: 'y' }], gone: undefined }, 'writing');
    expect(await table.get({ pk, sk: 'A' }, 'reading')).toEqual({ pk, sk: 'A', n: 1.5, list: [{ x: 'y' }] });
    expect(await table.get({ pk, sk: 'missing' }, 'reading')).toBeUndefined();
  });

  it('held: true when a conditional write happened, false when its condition failed', async () => {
    const pk = testTenant();
    const once = () => table.put({ pk, sk: 'A' }, 'writing once', { condition: 'attribute_not_exists(pk)' });
    expect(await held(once())).toBe(true);
    expect(await held(once())).toBe(false);
    const updated = await table.update(
      { pk, sk: 'A' },
      'ADD n :one',
      'counting',
      { condition: 'attribute_exists(pk)', values: { ':one': 1 } },
      'ALL_NEW',
    );
    expect(updated).toEqual({ pk, sk: 'A', n: 1 });
    expect(await held(table.delete({ pk, sk: 'B' }, 'deleting', { condition: 'attribute_exists(pk)' }))).toBe(
      false,
    );
  });

  it('an SDK failure becomes a DependencyError naming what was being done', async () => {
    const broken = new Table(resources.dynamo, 'no-such-table');
    const failure = broken.get({ pk: 'x', sk: 'y' }, 'reading a thing');
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    await expect(failure).rejects.toMatchObject({
      message: 'DynamoDB failed while reading a thing',
      cause: { name: 'ResourceNotFoundException' },
    });
  });

  it('putMany writes more than one batch; queryAll and count read them all', async () => {
    const pk = testTenant();
    const items = Array.from({ length: 60 }, (_, i) => ({ pk, sk: `I#${String(i).padStart(3, '0')}`, i }));
    await table.putMany(items, 'writing many');
    const all = await table.queryAll({ ...under(pk, 'I#'), consistent: true, limit: 7 }, 'reading all');
    expect(all.map((i) => i.i)).toEqual(items.map((i) => i.i));
    expect(await table.count({ ...under(pk, 'I#'), consistent: true }, 'counting')).toBe(60);
    expect(
      await table.getMany(
        [
          { pk, sk: 'I#000' },
          { pk, sk: 'I#059' },
        ],
        'reading two',
      ),
    ).toHaveLength(2);
  });

  it('pages with sealed cursors bound to the partition and the listing', async () => {
    const pk = testTenant();
    await table.putMany(
      Array.from({ length: 5 }, (_, i) => ({ pk, sk: `P#${i}`, i })),
      'writing a listing',
    );
    const cursor = { pk, skPrefix: 'P#' };
    const seen: unknown[] = [];
    let next: string | undefined;
    do {
      const page = await table.page(
        { ...under(pk, 'P#'), consistent: true },
        { limit: 2, ...(next ? { cursor: next } : {}) },
        'listing',
        cursor,
      );
      seen.push(...page.items.map((i) => i.i));
      next = page.nextCursor;
    } while (next);
    expect(seen).toEqual([0, 1, 2, 3, 4]);

    const first = await table.page(under(pk, 'P#'), { limit: 2 }, 'listing', cursor);
    const other = testTenant();
    // Another partition, or another listing of the same partition, refuses the cursor.
    await expect(
      table.page(under(other, 'P#'), { limit: 2, cursor: first.nextCursor! }, 'listing', {
        pk: other,
        skPrefix: 'P#',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      table.page(under(pk, 'Q#'), { limit: 2, cursor: first.nextCursor! }, 'listing', { pk, skPrefix: 'Q#' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('transaction items name their guard; nothing is written when one fails', async () => {
    const pk = testTenant();
    await table.put({ pk, sk: 'HEAD', seq: 1 }, 'writing the head');
    const failed = await table.transact(
      [
        table.putItem({ pk, sk: 'E#2' }),
        table.updateItem(
          { pk, sk: 'HEAD' },
          'SET seq = :next',
          {
            condition: 'seq = :seen',
            values: { ':next': 3, ':seen': 2 },
          },
          'head',
        ),
      ],
      'moving the head',
    );
    expect(failed).toBe('head');
    expect(await table.get({ pk, sk: 'E#2' }, 'reading')).toBeUndefined();
  });

  it('outboxNotice keeps the event under its entity and on the outbox shard of its id', () => {
    const notice = outboxNotice(
      'thingEvent',
      'th_1',
      { type: 'thing.done', at: '2026-01-01T00:00:00.000Z', tenantId: 't1' },
      (id) => ({
        pk: 'T#t1#THING',
        sk: `EVENT#${id}`,
      }),
    );
    const id = String(notice.sk).slice('EVENT#'.length);
    expect(notice).toMatchObject({
      pk: 'T#t1#THING',
      entity: 'thingEvent',
      gsi3pk: workKeys.outboxPk(workKeys.shardOf(id)),
      detailType: 'thing.done',
      tenantId: 't1',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(String(notice.gsi3sk).startsWith('2026-01-01T00:00:00.000Z#th_1#')).toBe(true);
  });

  it('TableStore.fromEnvironment builds a store on the table the environment names', () => {
    class Things extends TableStore {}
    const saved = { ...process.env };
    Object.assign(process.env, {
      [env.tableName]: resources.tableName,
      [env.ordersQueueUrl]: 'http://127.0.0.1:9/unused',
    });
    try {
      const things = Things.fromEnvironment();
      expect(things).toBeInstanceOf(Things);
      expect(things.table.name).toBe(resources.tableName);
    } finally {
      process.env = saved;
    }
  });
});
