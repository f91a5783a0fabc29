/**
 * Login, refresh and logout. Logins are throttled so the throttle cannot be turned against a
 * user: per source address; per (source, username) with delays that grow with each failure in a
 * row; and per username a ceiling of failures from everywhere, past which sources that never
 * signed in as that user are refused while a source that has succeeded before is only slowed,
 * never locked out. Usernames are compared in lower case. Successes, refresh-token replays and
 * logouts go to the tenant's security audit log.
 */
import type { TenancyStorePort } from '../tenancy/service.ts';
import type { IdentityProvider } from '../tenancy/ports.ts';
import { CredentialRejectedError, RateLimitExceededError, RefreshTokenReplayedError } from './errors.ts';
import type { RateLimit, RateLimiterPort } from './rate-limits.ts';
import { normalizeUsername } from './usernames.ts';

/** What one source has done signing in as one username. */
export interface LoginAttempts {
  /** Failures in a row since the last success. */
  failures: number;
  /** When the last of them happened (ms since the epoch). */
  lastFailureAt: number | null;
  /** This source has signed in as this user before. */
  succeededBefore: boolean;
}

/** Port: the per (username, source) record (adapters/dynamodb/login-attempts.ts). */
export interface LoginAttemptsPort {
  get(username: string, sourceIp: string): Promise<LoginAttempts>;
  recordFailure(username: string, sourceIp: string, now: Date): Promise<void>;
  recordSuccess(username: string, sourceIp: string, now: Date): Promise<void>;
}

export interface LoginDeps {
  identity: Pick<IdentityProvider, 'login' | 'refresh' | 'logout'>;
  limiter: RateLimiterPort;
  attempts: LoginAttemptsPort;
  tenants: Pick<TenancyStorePort, 'forTenant'>;
  clock?: () => number;
}

export interface LoginLimits {
  perIp: RateLimit;
  /** The per-username ceiling of failures from all sources. */
  perUser: RateLimit;
}

/** Failures in a row one source may make as one user before each next try must wait. */
export const FREE_FAILURES = 5;
const MAX_DELAY_SECONDS = 900;

/** Seconds a source must wait after `failures` failures in a row (`free` of them cost nothing). */
export function loginDelaySeconds(failures: number, free = FREE_FAILURES): number {
  if (failures < free || failures === 0) return 0;
  return Math.min(2 ** (failures - free), MAX_DELAY_SECONDS);
}

function invalidCredentials() {
  return new CredentialRejectedError('INVALID_CREDENTIALS', 'Incorrect username or password');
}

/** Refuses the attempt while the source's delay runs; at the ceiling, unknown sources outright. */
async function admit(deps: LoginDeps, limits: LoginLimits, username: string, sourceIp: string) {
  const now = (deps.clock ?? Date.now)();
  const userBucket = { platform: true as const, bucket: `login-user:${username}` };
  const [attempts, ceiling] = await Promise.all([
    deps.attempts.get(username, sourceIp),
    deps.limiter.check(userBucket, limits.perUser).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof RateLimitExceededError) return error;
        throw error;
      },
    ),
  ]);
  if (ceiling && !attempts.succeededBefore) throw ceiling;
  // Past the ceiling a known source keeps signing in, but every failure in a row costs a delay.
  const delay = loginDelaySeconds(attempts.failures, ceiling ? 1 : FREE_FAILURES);
  const waited = attempts.lastFailureAt === null ? Infinity : (now - attempts.lastFailureAt) / 1000;
  if (delay > waited) {
    throw new RateLimitExceededError(
      'login-source',
      FREE_FAILURES,
      delay,
      Math.max(1, Math.ceil(delay - waited)),
    );
  }
  return userBucket;
}

/** Username and password for tokens; `tenant`, when given, must be the user's. */
export async function login(
  deps: LoginDeps,
  limits: LoginLimits,
  input: { username: string; password: string; tenant?: string | undefined; sourceIp: string },
) {
  await deps.limiter.hit({ platform: true, bucket: `login-ip:${input.sourceIp}` }, limits.perIp);
  // A name no user can have is refused before it reaches any key or counter.
  const username = normalizeUsername(input.username);
  if (!username) throw invalidCredentials();
  const sourceIp = input.sourceIp.replaceAll('#', '');
  const userBucket = await admit(deps, limits, username, sourceIp);
  try {
    const { tokens, identity } = await deps.identity.login(username, input.password);
    if (input.tenant !== undefined && identity.tenantId !== input.tenant) throw invalidCredentials();
    await deps.attempts.recordSuccess(username, sourceIp, new Date((deps.clock ?? Date.now)()));
    if (identity.tenantId) {
      await deps.tenants.forTenant(identity.tenantId).audit({
        type: 'auth.login_succeeded',
        actor: `user:${identity.username}`,
        sourceIp: input.sourceIp,
        data: {},
      });
    }
    return tokens;
  } catch (error) {
    if (error instanceof CredentialRejectedError) {
      await deps.attempts.recordFailure(username, sourceIp, new Date((deps.clock ?? Date.now)()));
      // The failure that fills the window is still a failure: the caller hears about the credentials.
      await deps.limiter.hit(userBucket, limits.perUser).catch((e: unknown) => {
        if (!(e instanceof RateLimitExceededError)) throw e;
      });
    }
    throw error;
  }
}

/** Records a replayed refresh token in its tenant's audit log. */
async function auditReplay(deps: LoginDeps, error: RefreshTokenReplayedError, sourceIp: string) {
  if (!error.tenantId) return;
  await deps.tenants.forTenant(error.tenantId).audit({
    type: 'auth.refresh_replayed',
    actor: `user:${error.username}`,
    sourceIp,
    data: { revoked: 'token family' },
  });
}

/** A refresh token for new tokens, limited per source address. */
export async function refresh(
  deps: LoginDeps,
  perIp: RateLimit,
  input: { refreshToken: string; sourceIp: string },
) {
  await deps.limiter.hit({ platform: true, bucket: `refresh-ip:${input.sourceIp}` }, perIp);
  let result: Awaited<ReturnType<LoginDeps['identity']['refresh']>>;
  try {
    result = await deps.identity.refresh(input.refreshToken);
  } catch (error) {
    if (error instanceof RefreshTokenReplayedError) await auditReplay(deps, error, input.sourceIp);
    throw error;
  }
  const { tokens, identity } = result;
  if (identity.tenantId) {
    await deps.tenants.forTenant(identity.tenantId).audit({
      type: 'auth.refreshed',
      actor: `user:${identity.username}`,
      sourceIp: input.sourceIp,
      data: {},
    });
  }
  return tokens;
}

/** Ends the session a refresh token belongs to (its whole family), limited per source address. */
export async function logout(
  deps: LoginDeps,
  perIp: RateLimit,
  input: { refreshToken: string; sourceIp: string },
): Promise<void> {
  await deps.limiter.hit({ platform: true, bucket: `refresh-ip:${input.sourceIp}` }, perIp);
  const identity = await deps.identity.logout(input.refreshToken);
  if (identity?.tenantId) {
    await deps.tenants.forTenant(identity.tenantId).audit({
      type: 'auth.logged_out',
      actor: `user:${identity.username}`,
      sourceIp: input.sourceIp,
      data: {},
    });
  }
}
