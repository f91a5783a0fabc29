import type { Account, Connection } from './model.ts';

/** The currency an account is recorded with until its summary says otherwise. */
export const DEFAULT_ACCOUNT_CURRENCY = 'USD';

/** What to write after a login reported its managed accounts. */
export interface AccountClaimPlan {
  /** Accounts to give to the connection's owner (a conditional write: only while nobody owns them). */
  claims: Account[];
  /** Accounts of a shared connection to register unassigned (only when not recorded yet). */
  registrations: Account[];
  /** Accounts another tenant (or another connection) holds: never moved, reported for the log. */
  conflicts: string[];
  /** The account to make the owner's default, when the owner has none. */
  defaultAccount: string | undefined;
  /** The reported accounts, without duplicates, in the order IB gave them. */
  accounts: string[];
}

/**
 * Decides who owns each account a login reported. A tenant's own connection claims every account
 * nobody owns yet, and its first becomes the tenant's default if it has none; a shared (advisor)
 * connection only registers its accounts, for the operator to assign. An account already owned by
 * another tenant never moves: that would let one tenant's login take over another's account.
 */
export function planAccountClaims(
  connection: Pick<Connection, 'connectionId' | 'ownerTenantId'>,
  reported: readonly string[],
  existing: ReadonlyMap<string, Account>,
  ownerHasDefault: boolean,
): AccountClaimPlan {
  const accounts = [...new Set(reported.map((a) => a.trim()).filter((a) => a.length > 0))];
  const plan: AccountClaimPlan = {
    claims: [],
    registrations: [],
    conflicts: [],
    defaultAccount: undefined,
    accounts,
  };
  const owner = connection.ownerTenantId;
  const fresh = (accountId: string, tenantId: string | null): Account => ({
    accountId,
    connectionId: connection.connectionId,
    tenantId,
    currency: DEFAULT_ACCOUNT_CURRENCY,
  });
  for (const accountId of accounts) {
    const known = existing.get(accountId);
    if (owner === null) {
      if (!known) plan.registrations.push(fresh(accountId, null));
      else if (known.connectionId !== connection.connectionId) plan.conflicts.push(accountId);
      continue;
    }
    if (!known || known.tenantId === null) plan.claims.push(fresh(accountId, owner));
    else if (known.tenantId !== owner) plan.conflicts.push(accountId);
  }
  if (owner !== null && !ownerHasDefault) {
    const owned = accounts.filter((a) => !plan.conflicts.includes(a));
    plan.defaultAccount = owned[0];
  }
  return plan;
}
