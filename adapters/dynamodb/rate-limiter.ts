import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RateLimitExceededError } from '../../core/access/errors.ts';
import { authKeys, tenancyKeys, type ItemKey } from '../../core/store/keys.ts';
import { table } from '../../core/topology.ts';
import { dynamoClient, resources } from '../aws.ts';
import { held, Table } from './table.ts';

import type { RateLimit, RateLimiterPort, RateSubject } from '../../core/access/rate-limits.ts';

export type { RateLimit, RateSubject };

/** Hits of one window taken from DynamoDB ahead of use, by one runtime. */
interface Lease {
  left: number;
  /** The size of the last block taken: the next one doubles it, up to the cap. */
  size: number;
  /** The window is full: the counter only grows until the window ends. */
  full: boolean;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
  taking?: Promise<void>;
}

/**
 * Fixed-window counters in DynamoDB. A conditional `ADD` makes the limit hold across concurrent
 * Lambdas without read-then-write; counters expire through the table's TTL.
 *
 * A busy caller's hits are taken in blocks (a lease): the first hit of a window counts one, each
 * later block doubles, up to a fiftieth of the limit, and is spent in memory. So a steady caller
 * costs one write per block instead of one per request, and the limit still holds: a block is
 * only granted while it fits. What a runtime leased and did not use is lost when the window
 * ends, so with many concurrent Lambdas a caller may be refused somewhat below the limit (at most
 * one block per runtime); limits under 100 are never leased, so they count every hit exactly.
 */
export class RateLimiter implements RateLimiterPort {
  readonly table: Table;
  readonly clock: () => number;
  readonly #leases = new Map<string, Lease>();
  #sweptAt = 0;

  constructor(client: DynamoDBClient, tableName: string, clock: () => number = Date.now) {
    this.table = new Table(client, tableName);
    this.clock = clock;
  }

  static fromEnvironment(): RateLimiter {
    return new RateLimiter(dynamoClient(), resources().tableName);
  }

  private window(limit: RateLimit) {
    const nowSeconds = this.clock() / 1000;
    const start = Math.floor(nowSeconds / limit.windowSeconds) * limit.windowSeconds;
    const resetSeconds = Math.max(1, Math.ceil(start + limit.windowSeconds - nowSeconds));
    return { start, resetSeconds };
  }

  private key(subject: RateSubject, start: number): ItemKey {
    return 'platform' in subject
      ? authKeys.platformRate(subject.bucket, start)
      : tenancyKeys.tenantRate(subject.tenantId, subject.bucket, start);
  }

  /** Counts one hit; throws RateLimitExceededError, without counting, once the window is full. */
  async hit(subject: RateSubject, limit: RateLimit): Promise<void> {
    const { start, resetSeconds } = this.window(limit);
    const key = this.key(subject, start);
    const id = `${key.pk}\u0000${key.sk}\u0000${limit.limit}`;
    this.#sweep();
    for (;;) {
      let lease = this.#leases.get(id);
      if (!lease) {
        lease = { left: 0, size: 0, full: false, endsAt: (start + limit.windowSeconds) * 1000 };
        this.#leases.set(id, lease);
      }
      if (lease.left > 0) {
        lease.left -= 1;
        return;
      }
      if (lease.full)
        throw new RateLimitExceededError(limit.policy, limit.limit, limit.windowSeconds, resetSeconds);
      // One block at a time per counter: concurrent requests wait for it rather than each taking one.
      if (lease.taking) {
        await lease.taking;
        continue;
      }
      const taking = this.#take(key, limit, start, lease);
      lease.taking = taking.finally(() => (lease.taking = undefined)).catch(() => undefined);
      await taking;
    }
  }

  /** Adds a block of hits to the counter if it fits (else a single hit); marks the lease full if not even that. */
  async #take(key: ItemKey, limit: RateLimit, start: number, lease: Lease): Promise<void> {
    const cap = limit.limit >= 100 ? Math.floor(limit.limit / 50) : 1;
    const sizes = [...new Set([Math.min(cap, Math.max(1, lease.size * 2)), 1])];
    for (const size of sizes) {
      const taken = await held(
        this.table.update(key, 'ADD #count :n SET #ttl = if_not_exists(#ttl, :ttl)', 'counting a request', {
          condition: 'attribute_not_exists(#count) OR #count <= :most',
          names: { '#count': 'hits', '#ttl': table.ttlAttribute },
          values: { ':n': size, ':most': limit.limit - size, ':ttl': start + limit.windowSeconds * 2 },
        }),
      );
      if (taken) {
        lease.left += size;
        lease.size = size;
        return;
      }
    }
    lease.full = true;
  }

  /** Forgets the leases of windows that have ended. */
  #sweep(): void {
    const now = this.clock();
    if (now - this.#sweptAt < 10_000) return;
    this.#sweptAt = now;
    for (const [id, lease] of this.#leases) if (lease.endsAt <= now) this.#leases.delete(id);
  }

  /** Throws RateLimitExceededError if the window is already full, without counting. */
  async check(subject: RateSubject, limit: RateLimit): Promise<void> {
    const { start, resetSeconds } = this.window(limit);
    const item = await this.table.get(this.key(subject, start), 'reading a request count');
    const hits = Number(item?.hits ?? 0);
    if (hits >= limit.limit)
      throw new RateLimitExceededError(limit.policy, limit.limit, limit.windowSeconds, resetSeconds);
  }
}

/** A limit from the environment, or its default. */
export function limitFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
