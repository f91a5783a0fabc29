import { randomBytes } from 'node:crypto';
import * as z from 'zod';

/** Where a connection's IB Gateway (or TWS) runs. */
export type ConnectionGateway =
  /** Local stack only: the provisioner starts a paper gateway for the connection. */
  | { kind: 'paper' }
  /** A gateway the tenant runs itself, reachable from the bridge. */
  | { kind: 'external'; host: string; port: number }
  /** AWS: an ib-gateway container beside the bridge; credentials in Secrets Manager. */
  | { kind: 'managed'; secretArn?: string };

export const CONNECTION_STATUSES = ['connecting', 'connected', 'disconnected', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** One IB Gateway / TWS login and what its bridge last reported about it. */
export interface Connection {
  connectionId: string;
  /** Null for a shared (advisor/FA) connection the operator created; its accounts are assigned one by one. */
  ownerTenantId: string | null;
  name: string;
  broker: 'ib';
  live: boolean;
  gateway: ConnectionGateway;
  /** The IB API client id the bridge connects with. */
  clientId: number;
  status: ConnectionStatus;
  lastError?: { code: string; message: string; at: string };
  /** As last reported by `managedAccounts`. */
  accounts: string[];
  heartbeatAt?: string;
  pacing?: { limitPerSecond: number; usedLastMinute: number };
  marketDataLines?: { inUse: number; limit: number };
  /** Local paper gateways only: where it listens and the token of its control interface. */
  paperGateway?: { host: string; port: number; controlUrl: string; controlToken: string };
  createdAt: string;
  updatedAt: string;
}

/** What the bridge reports about its connection; only the fields it names change. */
export type RuntimePatch = Partial<
  Pick<Connection, 'status' | 'lastError' | 'heartbeatAt' | 'pacing' | 'marketDataLines' | 'paperGateway'>
>;

/** An IB account and who owns it: at most one tenant, enforced by a conditional write. */
export interface Account {
  accountId: string;
  connectionId: string;
  /** Null until the operator assigns an account of a shared connection. */
  tenantId: string | null;
  currency: string;
}

/** The fixed id of the demo tenant's seeded paper connection. */
export const DEMO_CONNECTION_ID = 'cdemo';

/** The default IB API client id of a connection (one bridge per login, so no clash). */
export const DEFAULT_CLIENT_ID = 1;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const CONNECTION_ID = /^c[a-z0-9]{4,12}$/;

/** A new connection id: `c` and 12 lowercase base32 characters. */
export function newConnectionId(): string {
  const bytes = randomBytes(12);
  let id = 'c';
  for (const byte of bytes) id += ID_ALPHABET[byte % 32];
  return id;
}

/** True for text that can be a connection id (also the seeded `cdemo`). */
export function isConnectionId(value: string): boolean {
  return CONNECTION_ID.test(value);
}

/** IB account codes: letters and digits (DU1234567, U7654321, F1234567 for an advisor master). */
export const accountIdSchema = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9]+$/, 'letters and digits only');

/** The body of POST /api/v1/connections. */
export const createConnectionSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    broker: z.literal('ib').default('ib'),
    gateway: z.union([
      z.literal('paper'),
      z.literal('managed'),
      z
        .object({
          host: z
            .string()
            .min(1)
            .max(253)
            .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or address'),
          port: z.number().int().min(1).max(65535),
        })
        .strict(),
    ]),
    clientId: z.number().int().min(0).max(2_147_483_647).optional(),
    live: z.boolean().default(false),
  })
  .strict()
  .refine((b) => !(b.live && b.gateway === 'paper'), {
    message: 'a paper gateway cannot be live',
    path: ['live'],
  });
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

/** The gateway a create request names, in the record's shape. */
export function gatewayOf(input: CreateConnectionInput['gateway']): ConnectionGateway {
  if (input === 'paper') return { kind: 'paper' };
  if (input === 'managed') return { kind: 'managed' };
  return { kind: 'external', host: input.host, port: input.port };
}

/** Who reads a connection: its owner's admin sees the paper gateway's control token, nobody else. */
export interface ConnectionViewer {
  tenantId: string | undefined;
  isAdmin: boolean;
  isOperator: boolean;
}

/** A connection as the API shows it: never a secret's ARN, the control token only to the owner's admin. */
export function connectionView(c: Connection, viewer: ConnectionViewer): Record<string, unknown> {
  const owner = c.ownerTenantId !== null && viewer.tenantId === c.ownerTenantId;
  const gateway =
    c.gateway.kind === 'external' && (owner || viewer.isOperator)
      ? { kind: 'external', host: c.gateway.host, port: c.gateway.port }
      : { kind: c.gateway.kind };
  return {
    id: c.connectionId,
    name: c.name,
    broker: c.broker,
    live: c.live,
    shared: c.ownerTenantId === null,
    // The operator stands outside tenants: it needs to know whose connection it is looking at.
    ...(viewer.isOperator ? { tenantId: c.ownerTenantId } : {}),
    gateway,
    clientId: c.clientId,
    status: c.status,
    accounts: c.accounts,
    ...(c.lastError ? { lastError: c.lastError } : {}),
    ...(c.heartbeatAt ? { heartbeatAt: c.heartbeatAt } : {}),
    pacing: c.pacing ?? { limitPerSecond: 50, usedLastMinute: 0 },
    marketDataLines: c.marketDataLines ?? { inUse: 0, limit: 100 },
    ...(c.paperGateway && owner && viewer.isAdmin ? { paperGateway: c.paperGateway } : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** How old a bridge's heartbeat may be before its connection counts as down. */
export const CONNECTION_HEARTBEAT_MAX_AGE_MS = 30_000;

/**
 * A connection's health: up when its bridge reports it connected and is still heartbeating. What
 * the public readiness shows (up/down by id); the operator's details add status and last error,
 * never a host or port.
 */
export function connectionHealth(c: Connection, nowMs: number): { ok: boolean; detail: string } {
  const age = c.heartbeatAt === undefined ? undefined : nowMs - Date.parse(c.heartbeatAt);
  if (age === undefined || !(age <= CONNECTION_HEARTBEAT_MAX_AGE_MS))
    return {
      ok: false,
      detail: age === undefined ? 'no bridge has reported' : `bridge silent for ${Math.round(age / 1000)} s`,
    };
  if (c.status !== 'connected')
    return {
      ok: false,
      detail: c.lastError ? `${c.status}: ${c.lastError.code} ${c.lastError.message}` : c.status,
    };
  return { ok: true, detail: `connected, ${c.accounts.length} account(s)` };
}

/** The detail of connection.* events: never credentials, hosts or ports (webhooks may carry events). */
export function connectionEventDetail(c: Connection, at: string): Record<string, unknown> {
  return {
    tenantId: c.ownerTenantId ?? 'platform',
    connectionId: c.connectionId,
    gateway: { kind: c.gateway.kind },
    at,
  };
}
