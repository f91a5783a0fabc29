import type { LoginAttempts, LoginAttemptsPort } from '../../core/access/login.ts';
import { authKeys } from '../../core/store/keys.ts';
import { table } from '../../core/topology.ts';
import { TableStore } from './table.ts';

// A source is remembered for a user this long after its last sign-in or failure.
const REMEMBER_SECONDS = 90 * 24 * 3600;

/** One item per (username, source) in the single table, expiring through the table's TTL. */
export class LoginAttemptsStore extends TableStore implements LoginAttemptsPort {
  async get(username: string, sourceIp: string): Promise<LoginAttempts> {
    const item = await this.table.get(authKeys.loginAttempts(username, sourceIp), 'reading login attempts');
    return {
      failures: Number(item?.failures ?? 0),
      lastFailureAt: typeof item?.lastFailureAt === 'number' ? item.lastFailureAt : null,
      succeededBefore: typeof item?.succeededAt === 'string',
    };
  }

  async recordFailure(username: string, sourceIp: string, now: Date): Promise<void> {
    await this.update(
      'recording a failed login',
      username,
      sourceIp,
      now,
      'ADD failures :one SET lastFailureAt = :at, #ttl = :ttl',
      {
        ':one': 1,
        ':at': now.getTime(),
      },
    );
  }

  async recordSuccess(username: string, sourceIp: string, now: Date): Promise<void> {
    await this.update(
      'recording a login',
      username,
      sourceIp,
      now,
      'SET failures = :zero, succeededAt = :iso, #ttl = :ttl',
      {
        ':zero': 0,
        ':iso': now.toISOString(),
      },
    );
  }

  private async update(
    what: string,
    username: string,
    sourceIp: string,
    now: Date,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await this.table.update(authKeys.loginAttempts(username, sourceIp), expression, what, {
      names: { '#ttl': table.ttlAttribute },
      values: { ...values, ':ttl': Math.floor(now.getTime() / 1000) + REMEMBER_SECONDS },
    });
  }
}
