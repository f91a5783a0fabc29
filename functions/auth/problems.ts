import {
  CredentialRejectedError,
  RateLimitExceededError,
  UsernameTakenError,
} from '../../core/access/errors.ts';
import { TenantSuspendedError } from '../../core/tenancy/errors.ts';
import { registerProblem } from '../shared/problems.ts';

// Every 401 tells the client how to authenticate (RFC 9110 requires WWW-Authenticate on 401).
registerProblem(CredentialRejectedError, {
  status: 401,
  title: 'Authentication required',
  headers: () => ({ 'www-authenticate': 'Bearer realm="oms", charset="UTF-8"' }),
});

// RateLimit headers per draft-ietf-httpapi-ratelimit-headers: the policy and what is left of it.
registerProblem(RateLimitExceededError, {
  status: 429,
  title: 'Too many requests',
  headers: (error) => {
    const e = error as RateLimitExceededError;
    return {
      'retry-after': String(e.retryAfterSeconds),
      'ratelimit-policy': `"${e.policy}";q=${e.limit};w=${e.windowSeconds}`,
      ratelimit: `"${e.policy}";r=0;t=${e.retryAfterSeconds}`,
    };
  },
});

registerProblem(UsernameTakenError, { status: 409, title: 'Conflict with the current state' });

registerProblem(TenantSuspendedError, { status: 403, title: 'Not allowed' });
