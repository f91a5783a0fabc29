import { authorize, type Caller } from '../access/caller.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { zodIssues } from '../validation.ts';
import {
  AccountNotFoundError,
  AccountNotOnConnectionError,
  AccountOwnedError,
  ConnectionInUseError,
  ConnectionNotFoundError,
  UnknownAccountError,
} from './errors.ts';
import {
  accountIdSchema,
  connectionView,
  createConnectionSchema,
  DEFAULT_CLIENT_ID,
  gatewayOf,
  isConnectionId,
  newConnectionId,
  type Account,
  type Connection,
  type ConnectionViewer,
} from './model.ts';
import type { ConnectionStore } from './ports.ts';

export interface ConnectionDeps {
  store: ConnectionStore;
  /** How many of these tenants' working orders go through the connection (a delete waits for none). */
  workingOrdersOn: (tenantIds: string[], connectionId: string) => Promise<number>;
  now?: () => Date;
  newId?: () => string;
}

const isOperator = (caller: Caller) => caller.kind === 'operator';

function viewer(caller: Caller): ConnectionViewer {
  return {
    tenantId: isOperator(caller) ? undefined : caller.tenantId,
    isAdmin: caller.roles.includes('admin'),
    isOperator: isOperator(caller),
  };
}

/** Tenant callers need `scope`; the operator stands outside tenants and may act on any connection. */
function authorizeConnections(caller: Caller, scope: 'connections:read' | 'connections:write'): void {
  if (!isOperator(caller)) authorize(caller, scope);
}

/**
 * POST /connections: a tenant admin creates the tenant's own connection; the operator creates a
 * shared (advisor) connection whose accounts it assigns one by one. The runtime side starts its
 * bridge when it sees `connection.created`.
 */
export async function createConnection(
  deps: ConnectionDeps,
  caller: Caller,
  body: unknown,
): Promise<Record<string, unknown>> {
  authorizeConnections(caller, 'connections:write');
  const parsed = createConnectionSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('Invalid connection', zodIssues(parsed.error, 'body'));
  const input = parsed.data;
  const at = (deps.now?.() ?? new Date()).toISOString();
  const connection: Connection = {
    connectionId: (deps.newId ?? newConnectionId)(),
    ownerTenantId: isOperator(caller) ? null : caller.tenantId,
    name: input.name,
    broker: 'ib',
    live: input.live,
    gateway: gatewayOf(input.gateway),
    clientId: input.clientId ?? DEFAULT_CLIENT_ID,
    status: 'connecting',
    accounts: [],
    createdAt: at,
    updatedAt: at,
  };
  // A fresh random id never exists; one retry covers the impossible collision.
  if (!(await deps.store.create(connection))) {
    connection.connectionId = (deps.newId ?? newConnectionId)();
    if (!(await deps.store.create(connection)))
      throw new ValidationError('Could not allocate a connection id; try again');
  }
  return connectionView(connection, viewer(caller));
}

/** The connections a caller may see: its own, and shared ones that carry one of its accounts. */
async function visibleConnections(deps: ConnectionDeps, caller: Caller): Promise<Connection[]> {
  if (isOperator(caller)) return deps.store.listAll();
  const [owned, accounts] = await Promise.all([
    deps.store.listOwned(caller.tenantId),
    deps.store.listAccounts(caller.tenantId),
  ]);
  const ownedIds = new Set(owned.map((c) => c.connectionId));
  const sharedIds = [...new Set(accounts.map((a) => a.connectionId))].filter((id) => !ownedIds.has(id));
  const shared = await Promise.all(sharedIds.map((id) => deps.store.get(id)));
  return [...owned, ...shared.filter((c): c is Connection => c !== undefined && c.ownerTenantId === null)];
}

/** GET /connections */
export async function listConnections(
  deps: ConnectionDeps,
  caller: Caller,
): Promise<{ items: Array<Record<string, unknown>> }> {
  authorizeConnections(caller, 'connections:read');
  const items = await visibleConnections(deps, caller);
  return { items: items.map((c) => connectionView(c, viewer(caller))) };
}

/** A connection the caller may see, or 404 (also for another tenant's). */
async function visibleConnection(deps: ConnectionDeps, caller: Caller, id: string): Promise<Connection> {
  const connection = isConnectionId(id) ? await deps.store.get(id) : undefined;
  if (!connection) throw new ConnectionNotFoundError(id);
  if (isOperator(caller) || connection.ownerTenantId === caller.tenantId) return connection;
  if (connection.ownerTenantId === null) {
    const accounts = await deps.store.listAccounts(caller.tenantId);
    if (accounts.some((a) => a.connectionId === id)) return connection;
  }
  throw new ConnectionNotFoundError(id);
}

/** GET /connections/{id} */
export async function getConnection(
  deps: ConnectionDeps,
  caller: Caller,
  id: string,
): Promise<Record<string, unknown>> {
  authorizeConnections(caller, 'connections:read');
  return connectionView(await visibleConnection(deps, caller, id), viewer(caller));
}

/**
 * DELETE /connections/{id}: the owner's admin (the operator for a shared one) removes it once no
 * working order goes through it; its accounts are released and its bridge stopped.
 */
export async function deleteConnection(deps: ConnectionDeps, caller: Caller, id: string): Promise<void> {
  authorizeConnections(caller, 'connections:write');
  const connection = await visibleConnection(deps, caller, id);
  if (!isOperator(caller) && connection.ownerTenantId !== caller.tenantId)
    throw new ForbiddenError('A shared connection is removed by the platform operator');
  const tenants =
    connection.ownerTenantId !== null
      ? [connection.ownerTenantId]
      : await Promise.all(connection.accounts.map((a) => deps.store.getAccount(a))).then((accounts) => [
          ...new Set(
            accounts
              .filter((a): a is Account => a?.connectionId === id && a.tenantId !== null)
              .map((a) => a.tenantId as string),
          ),
        ]);
  const working = await deps.workingOrdersOn(tenants, id);
  if (working > 0) throw new ConnectionInUseError(id, working);
  await deps.store.remove(connection, (deps.now?.() ?? new Date()).toISOString());
}

/** An account as GET /accounts shows it. */
function accountView(a: Account, defaultAccount: string | undefined) {
  return {
    id: a.accountId,
    connectionId: a.connectionId,
    default: a.accountId === defaultAccount,
    currency: a.currency,
  };
}

/** GET /accounts: the IB accounts the caller's tenant owns. */
export async function listAccounts(deps: Pick<ConnectionDeps, 'store'>, caller: Caller) {
  authorize(caller, 'connections:read');
  const [accounts, defaultAccount] = await Promise.all([
    deps.store.listAccounts(caller.tenantId),
    deps.store.getDefaultAccount(caller.tenantId),
  ]);
  return {
    items: accounts
      .sort((a, b) => a.accountId.localeCompare(b.accountId))
      .map((a) => accountView(a, defaultAccount)),
  };
}

/** PATCH /accounts/{id} `{ default: true }`: the account orders without `account` go to. */
export async function updateAccount(
  deps: Pick<ConnectionDeps, 'store'>,
  caller: Caller,
  id: string,
  input: { default: true },
) {
  authorize(caller, 'connections:write');
  const account = accountIdSchema.safeParse(id).success ? await deps.store.getAccount(id) : undefined;
  if (!account || account.tenantId !== caller.tenantId) throw new UnknownAccountError(id);
  if (input.default) await deps.store.setDefaultAccount(caller.tenantId, account.accountId);
  return accountView(account, account.accountId);
}

/** Operator: POST /tenants/{tenantId}/accounts `{ connectionId, account }`. */
export async function assignAccount(
  deps: Pick<ConnectionDeps, 'store'>,
  caller: Caller,
  tenantId: string,
  input: { connectionId: string; account: string },
) {
  if (!isOperator(caller)) throw new ForbiddenError('Only a platform operator may assign accounts');
  const connection = isConnectionId(input.connectionId)
    ? await deps.store.get(input.connectionId)
    : undefined;
  if (!connection || connection.ownerTenantId !== null) throw new ConnectionNotFoundError(input.connectionId);
  const account = await deps.store.getAccount(input.account);
  if (!account || account.connectionId !== connection.connectionId)
    throw new AccountNotOnConnectionError(input.account, connection.connectionId);
  if (account.tenantId !== null && account.tenantId !== tenantId) throw new AccountOwnedError(input.account);
  if (
    account.tenantId === null &&
    !(await deps.store.assignAccount(input.account, connection.connectionId, tenantId))
  )
    throw new AccountOwnedError(input.account);
  const defaultAccount = await deps.store.getDefaultAccount(tenantId);
  return { tenantId, ...accountView({ ...account, tenantId }, defaultAccount) };
}

/** Where an order goes: the account it trades in and the connection whose bridge places it. */
export interface OrderRoute {
  account?: string;
  connectionId: string;
}

/**
 * The account and connection of a new order. A named account must be one the tenant owns, and
 * so must the default; anything else is ACCOUNT_NOT_FOUND, with the same answer whether or not
 * the account exists for someone else. A tenant that owns no account yet trades on the house
 * connection (the single login of a deployment from before connections), unless there is none.
 */
export async function resolveOrderRoute(
  store: Pick<ConnectionStore, 'getAccount' | 'getDefaultAccount'>,
  tenantId: string,
  requested: string | undefined,
  houseConnectionId: string | undefined,
): Promise<OrderRoute> {
  const accountId = requested ?? (await store.getDefaultAccount(tenantId));
  if (accountId === undefined) {
    if (houseConnectionId) return { connectionId: houseConnectionId };
    throw new AccountNotFoundError(undefined);
  }
  const account = await store.getAccount(accountId);
  if (!account || account.tenantId !== tenantId) throw new AccountNotFoundError(requested ?? accountId);
  return { account: account.accountId, connectionId: account.connectionId };
}
