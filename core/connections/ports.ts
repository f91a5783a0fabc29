import type { Account, Connection, RuntimePatch } from './model.ts';

/**
 * Connections and accounts in the table. The runtime side (provisioner, bridges) uses the first
 * four methods; the API uses the rest. Connection and account items are platform-level (a bridge
 * knows only its connection id, an order names only an account), and every tenant-facing method
 * checks ownership before answering.
 */
export interface ConnectionStore {
  get(connectionId: string): Promise<Connection | undefined>;
  /** Every connection of the platform, for the provisioner at start-up. */
  listAll(): Promise<Connection[]>;
  /** Status, heartbeat, pacing, lines as the bridge sees them; `connection.updated` when the status changes. */
  reportRuntime(connectionId: string, patch: RuntimePatch): Promise<void>;
  /**
   * The accounts the login reported. Core decides who owns each (see planAccountClaims); an
   * account owned by another tenant is never moved. Returns the conflicts, for the bridge's log.
   */
  reportManagedAccounts(connectionId: string, accounts: string[]): Promise<{ conflicts: string[] }>;

  /** Stores a new connection and its `connection.created` event; false when the id exists. */
  create(connection: Connection): Promise<boolean>;
  /** The tenant's own connections, oldest first. */
  listOwned(tenantId: string): Promise<Connection[]>;
  /** The operator's shared connections. */
  listShared(): Promise<Connection[]>;
  /** Removes the connection, its unowned/owned account items and the defaults pointing at them; emits `connection.deleted`. */
  remove(connection: Connection, at: string): Promise<void>;

  getAccount(accountId: string): Promise<Account | undefined>;
  /** The tenant's accounts, by id. */
  listAccounts(tenantId: string): Promise<Account[]>;
  /** The tenant's default account id, if it has one. */
  getDefaultAccount(tenantId: string): Promise<string | undefined>;
  setDefaultAccount(tenantId: string, accountId: string): Promise<void>;
  /** Gives an unassigned account of `connectionId` to a tenant; false when it is owned already (or not there). */
  assignAccount(accountId: string, connectionId: string, tenantId: string): Promise<boolean>;
}
