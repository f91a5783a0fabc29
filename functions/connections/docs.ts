/** What the API reference says about connections and accounts (merged into functions/docs/catalog.ts and examples.ts). */
import * as z from 'zod';
import { CONNECTION_STATUSES, createConnectionSchema } from '../../core/connections/model.ts';
import { body as updateAccountBody } from '../accounts/update.ts';
import { body as assignAccountBody } from '../accounts/assign.ts';

const ok = (description: string, schema?: z.ZodType, status = 200) => ({
  status,
  description,
  ...(schema ? { schema } : {}),
});

export const Connection = z
  .object({
    id: z.string().meta({ description: 'c and 12 lowercase base32 characters', example: 'c7k2m9x4p1q8z' }),
    name: z.string(),
    broker: z.literal('ib'),
    live: z.boolean(),
    shared: z
      .boolean()
      .meta({ description: 'An operator’s advisor login whose accounts are assigned one by one' }),
    tenantId: z.string().nullable().optional().meta({
      description: 'The owning tenant (null for a shared login); shown to the platform operator only',
    }),
    gateway: z
      .object({
        kind: z.enum(['paper', 'external', 'managed']),
        host: z.string().optional(),
        port: z.number().int().optional(),
      })
      .meta({ description: 'Host and port only to the owner and the operator' }),
    clientId: z.number().int(),
    status: z.enum(CONNECTION_STATUSES),
    accounts: z.array(z.string()).meta({ description: 'As the login last reported them (managedAccounts)' }),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).optional(),
    heartbeatAt: z.string().optional(),
    pacing: z.object({ limitPerSecond: z.number(), usedLastMinute: z.number() }),
    marketDataLines: z.object({ inUse: z.number().int(), limit: z.number().int() }),
    paperGateway: z
      .object({ host: z.string(), port: z.number().int(), controlUrl: z.string(), controlToken: z.string() })
      .optional()
      .meta({ description: 'Local paper gateways only, shown to the owning tenant’s admins' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Connection' });
const ConnectionList = z.object({ items: z.array(Connection) }).meta({ id: 'ConnectionList' });
export const Account = z
  .object({ id: z.string(), connectionId: z.string(), default: z.boolean(), currency: z.string() })
  .meta({ id: 'Account' });
const AccountList = z.object({ items: z.array(Account) }).meta({ id: 'AccountList' });
const money = (description: string) =>
  z
    .string()
    .nullable()
    .meta({ description: `${description}, a decimal string (null if IB did not send it)` });
const AccountSummary = z
  .object({
    account: z.string(),
    currency: z.string().meta({ description: 'The base currency IB reports the values in' }),
    netLiquidation: money('NetLiquidation'),
    totalCashValue: money('TotalCashValue'),
    buyingPower: money('BuyingPower'),
    initMarginReq: money('InitMarginReq'),
    maintMarginReq: money('MaintMarginReq'),
    availableFunds: money('AvailableFunds'),
    at: z.string().meta({ description: 'When the bridge last received a value of the account' }),
  })
  .meta({ id: 'AccountSummary' });
const AssignedAccount = Account.extend({ tenantId: z.string() }).meta({ id: 'AssignedAccount' });

export const connectionDocs = {
  'POST /api/v1/connections': {
    operationId: 'createConnection',
    summary: 'Connect an IB Gateway / TWS login (tenant admin; the operator for a shared advisor login)',
    tag: 'connections',
    description:
      'Starts a bridge for the login. `"paper"` (local stack only) starts a paper gateway with its own account; `{ host, port }` names a gateway you run; `"managed"` runs IB Gateway beside the bridge with credentials from AWS Secrets Manager. Its accounts appear once the login reports them.',
    body: createConnectionSchema,
    success: ok('The connection, connecting', Connection, 201),
  },
  'GET /api/v1/connections': {
    operationId: 'listConnections',
    summary: 'Your connections, and shared ones that carry one of your accounts (the operator: every one)',
    tag: 'connections',
    success: ok('The connections', ConnectionList),
  },
  'GET /api/v1/connections/{id}': {
    operationId: 'getConnection',
    summary: 'A connection: status, accounts, last error, pacing and market-data lines',
    tag: 'connections',
    success: ok('The connection', Connection),
  },
  'DELETE /api/v1/connections/{id}': {
    operationId: 'deleteConnection',
    summary: 'Remove a connection (409 CONNECTION_IN_USE while it has working orders)',
    tag: 'connections',
    success: ok('Removed; its accounts are released and its bridge stops', undefined, 204),
  },
  'GET /api/v1/accounts': {
    operationId: 'listAccounts',
    summary: 'The IB accounts your tenant owns',
    tag: 'connections',
    success: ok('The accounts', AccountList),
  },
  'PATCH /api/v1/accounts/{id}': {
    operationId: 'updateAccount',
    summary: 'Make an account the default of orders without `account` (admin)',
    tag: 'connections',
    body: updateAccountBody,
    success: ok('The account', Account),
  },
  'GET /api/v1/accounts/{id}/summary': {
    operationId: 'getAccountSummary',
    summary: "IB's account values: net liquidation, cash, buying power, margin",
    tag: 'connections',
    description:
      'As the bridge of the account’s connection last received them from IB (they update after fills and price moves); `at` says when. 404 ACCOUNT_NOT_FOUND unless your tenant owns the account; 404 ACCOUNT_VALUES_UNAVAILABLE until the bridge has reported the values once.',
    success: ok('The account summary', AccountSummary),
  },
  'POST /api/v1/tenants/{id}/accounts': {
    operationId: 'assignAccount',
    summary: 'Give one account of a shared connection to a tenant (platform operator)',
    tag: 'connections',
    description: 'An account belongs to at most one tenant: one already owned is a 409 ACCOUNT_OWNED.',
    body: assignAccountBody,
    success: ok('The account, now the tenant’s', AssignedAccount, 201),
  },
};

export const CONNECTION_ID = 'c7k2m9x4p1q8z';
const AT = '2026-01-05T14:30:00.000Z';
const connection = {
  id: CONNECTION_ID,
  name: 'Desk A paper',
  broker: 'ib',
  live: false,
  shared: false,
  gateway: { kind: 'paper' },
  clientId: 1,
  status: 'connected',
  accounts: ['DU1234567'],
  heartbeatAt: AT,
  pacing: { limitPerSecond: 50, usedLastMinute: 42 },
  marketDataLines: { inUse: 3, limit: 100 },
  createdAt: AT,
  updatedAt: AT,
};
const { heartbeatAt: _heartbeat, ...fresh } = connection;
const account = { id: 'DU1234567', connectionId: CONNECTION_ID, default: true, currency: 'USD' };

export const connectionExamples = {
  'POST /api/v1/connections': {
    body: { name: 'Desk A paper', broker: 'ib', gateway: 'paper' },
    response: { ...fresh, status: 'connecting', accounts: [] },
  },
  'GET /api/v1/connections': { response: { items: [connection] } },
  'GET /api/v1/connections/{id}': { params: { id: CONNECTION_ID }, response: connection },
  'DELETE /api/v1/connections/{id}': { params: { id: CONNECTION_ID } },
  'GET /api/v1/accounts': { response: { items: [account] } },
  'PATCH /api/v1/accounts/{id}': { params: { id: 'DU1234567' }, body: { default: true }, response: account },
  'GET /api/v1/accounts/{id}/summary': {
    params: { id: 'DU1234567' },
    response: {
      account: 'DU1234567',
      currency: 'USD',
      netLiquidation: '1000000.00',
      totalCashValue: '1000000.00',
      buyingPower: '4000000.00',
      initMarginReq: '0.00',
      maintMarginReq: '0.00',
      availableFunds: '1000000.00',
      at: AT,
    },
  },
  'POST /api/v1/tenants/{id}/accounts': {
    params: { id: 'acme' },
    body: { connectionId: 'cfa0advisor01', account: 'DU7654321' },
    response: {
      tenantId: 'acme',
      id: 'DU7654321',
      connectionId: 'cfa0advisor01',
      default: false,
      currency: 'USD',
    },
  },
};
