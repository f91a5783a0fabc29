/**
 * The rate limiter against DynamoDB Local: leased blocks keep the limit exact for one runtime,
 * never exceed it across runtimes, and cut the writes a steady caller costs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RateLimitExceededError } from '../../../core/access/errors.ts';
import { tenancyKeys } from '../../../core/store/keys.ts';
import { toItem } from '../../../adapters/dynamodb/codec.ts';
import { RateLimiter, type RateLimit } from '../../../adapters/dynamodb/rate-limiter.ts';
import { testTenant, useTestResources, type TestResources } from '../../support/resources.ts';

let resources: TestResources;
beforeAll(async () => {
  resources = await useTestResources();
});
afterAll(() => resources.dynamo.destroy());

// A fixed clock in the middle of a window, so no test straddles two windows.
const NOW = Date.UTC(2026, 10, 24, 12, 0, 30);
const perMinute = (limit: number): RateLimit => ({ policy: 'tenant', limit, windowSeconds: 60 });

/** A limiter as one runtime (one Lambda instance) has it, counting the writes it makes. */
function runtime() {
  const client = resources.dynamo;
  let writes = 0;
  const counted = { send: (command: unknown) => (writes++, client.send(command as never)) };
  const limiter = new RateLimiter(counted as unknown as DynamoDBClient, resources.tableName, () => NOW);
  return { limiter, writes: () => writes };
}

/** Hits until refused; how many were allowed. */
async function allowed(
  limiter: RateLimiter,
  subject: { tenantId: string; bucket: string },
  limit: RateLimit,
) {
  let n = 0;
  for (;;) {
    try {
      await limiter.hit(subject, limit);
      n++;
    } catch (error) {
      if (error instanceof RateLimitExceededError) return n;
      throw error;
    }
  }
}

async function storedHits(tenantId: string): Promise<number> {
  const start = Math.floor(NOW / 60_000) * 60;
  const { Item } = await resources.dynamo.send(
    new GetItemCommand({
      TableName: resources.tableName,
      Key: toItem({ ...tenancyKeys.tenantRate(tenantId, 'tenant', start) }),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.hits?.N ?? 0);
}

describe('rate limiter', () => {
  it('one runtime gets exactly the limit, with far fewer writes than hits', async () => {
    const tenantId = testTenant();
    const { limiter, writes } = runtime();
    expect(await allowed(limiter, { tenantId, bucket: 'tenant' }, perMinute(1000))).toBe(1000);
    expect(await storedHits(tenantId)).toBe(1000);
    // Blocks double from 1 to 20 (a fiftieth of the limit): about 55 writes, not 1001.
    expect(writes()).toBeLessThan(80);
    // Full stays full for the window, without asking DynamoDB again.
    const before = writes();
    await expect(limiter.hit({ tenantId, bucket: 'tenant' }, perMinute(1000))).rejects.toThrow(
      RateLimitExceededError,
    );
    expect(writes()).toBe(before);
  });

  it('concurrent hits in one runtime share one block at a time and still stop at the limit', async () => {
    const tenantId = testTenant();
    const { limiter } = runtime();
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, () => limiter.hit({ tenantId, bucket: 'tenant' }, perMinute(200))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(200);
    expect(await storedHits(tenantId)).toBe(200);
  });

  it('runtimes side by side never exceed the limit together; each strands at most a block', async () => {
    const tenantId = testTenant();
    const runtimes = [runtime(), runtime(), runtime()];
    const limit = perMinute(500); // blocks of at most 10
    const subject = { tenantId, bucket: 'tenant' };
    let total = 0;
    const open = new Set(runtimes.map((_, i) => i));
    while (open.size > 0) {
      for (const i of [...open]) {
        try {
          await (runtimes[i] as ReturnType<typeof runtime>).limiter.hit(subject, limit);
          total++;
        } catch (error) {
          if (!(error instanceof RateLimitExceededError)) throw error;
          open.delete(i);
        }
      }
    }
    expect(total).toBeLessThanOrEqual(500);
    expect(total).toBeGreaterThanOrEqual(500 - 3 * 10);
    expect(await storedHits(tenantId)).toBe(500);
  });

  it('limits under 100 count every hit exactly', async () => {
    const tenantId = testTenant();
    const { limiter, writes } = runtime();
    expect(await allowed(limiter, { tenantId, bucket: 'tenant' }, perMinute(30))).toBe(30);
    expect(writes()).toBe(31);
  });

  it('a changed limit is a new count: leases taken under the old one do not carry over', async () => {
    const tenantId = testTenant();
    const { limiter } = runtime();
    for (let i = 0; i < 40; i++) await limiter.hit({ tenantId, bucket: 'tenant' }, perMinute(100_000));
    // The counter already holds more than 40 (the last block), so a limit of 40 refuses at once.
    await expect(limiter.hit({ tenantId, bucket: 'tenant' }, perMinute(40))).rejects.toThrow(
      RateLimitExceededError,
    );
  });
});
