import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RateLimitExceededError } from '../../core/access/errors.ts';
import { DependencyError } from '../../core/errors.ts';
import { authKeys, tenancyKeys, type ItemKey } from '../../core/store/keys.ts';
import { table } from '../../core/topology.ts';
import { awsClients, resources } from '../aws.ts';

/** What a limit counts: inside a tenant (the tenant itself, one API key) or outside any (a source address). */
export type RateSubject = { tenantId: string; bucket: string } | { platform: true; bucket: string };

export interface RateLimit {
  /** Shown in the `RateLimit-Policy` header. */
  policy: string;
  limit: number;
  windowSeconds: number;
}

export interface RateState {
  remaining: number;
  resetSeconds: number;
}

/**
 * Fixed-window counters in DynamoDB. One conditional `ADD` per hit makes the limit hold across
 * concurrent Lambdas without read-then-write; counters expire through the table's TTL.
 */
export class RateLimiter {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: () => number;

  constructor(doc: DynamoDBDocumentClient, tableName: string, clock: () => number = Date.now) {
    this.doc = doc;
    this.tableName = tableName;
    this.clock = clock;
  }

  static fromEnvironment(): RateLimiter {
    return new RateLimiter(awsClients().doc, resources().tableName);
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
  async hit(subject: RateSubject, limit: RateLimit): Promise<RateState> {
    const { start, resetSeconds } = this.window(limit);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(subject, start),
          UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'hits', '#ttl': table.ttlAttribute },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit.limit,
            ':ttl': start + limit.windowSeconds * 2,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { remaining: Math.max(0, limit.limit - Number(Attributes?.hits ?? 0)), resetSeconds };
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        throw new RateLimitExceededError(limit.policy, limit.limit, limit.windowSeconds, resetSeconds);
      }
      throw new DependencyError('The rate limiter is unavailable', { cause: error });
    }
  }

  /** Throws RateLimitExceededError if the window is already full, without counting. */
  async check(subject: RateSubject, limit: RateLimit): Promise<void> {
    const { start, resetSeconds } = this.window(limit);
    let hits: number;
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: this.key(subject, start), ConsistentRead: true }),
      );
      hits = Number(Item?.hits ?? 0);
    } catch (error) {
      throw new DependencyError('The rate limiter is unavailable', { cause: error });
    }
    if (hits >= limit.limit)
      throw new RateLimitExceededError(limit.policy, limit.limit, limit.windowSeconds, resetSeconds);
  }
}

/** A limit from the environment, or its default. */
export function limitFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
