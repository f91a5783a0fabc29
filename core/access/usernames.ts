/**
 * Usernames are case-insensitive everywhere, as in a Cognito user pool: stored, looked up and
 * compared in lower case, so `DEMO-ADMIN` and `demo-admin` are one user and one lockout counter.
 */
const USERNAME = /^[a-z0-9._@+-]{3,128}$/;

/** The canonical (lower-case) form of a username, or undefined for anything no user can be named. */
export function normalizeUsername(value: string): string | undefined {
  const lower = value.toLowerCase();
  return USERNAME.test(lower) ? lower : undefined;
}
