/**
 * Schemas of what the API answers, for the reference and the generated client. The handlers
 * build these bodies from core's view functions; test/integration/docs checks every documented
 * success answer of the local stack against its schema, so a drift shows up there.
 */
import { OPTION_RIGHTS, SEC_TYPES } from '../../core/instruments/model.ts';
import * as z from 'zod';
import { ORDER_EVENT_TYPES } from '../../core/orders/events.ts';
import { ORDER_STATUSES } from '../../core/orders/status.ts';
import { GROUP_ROLES, ORDER_TYPES, TIMES_IN_FORCE } from '../../core/orders/order.ts';
import { SCOPES } from '../../core/access/caller.ts';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from '../../core/webhooks/model.ts';

const decimal = z.string().meta({ description: 'A decimal number as a string', example: '187.25' });
const timestamp = z.string().meta({ description: 'ISO-8601 UTC', example: '2026-01-05T14:30:00.000Z' });
const cursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null at the end' });
const role = z.enum(['admin', 'trader', 'viewer']);

/** The qualified contract an order named by `instrument` or `conId` (absent for a plain symbol). */
const OrderInstrument = z
  .object({
    conId: z.number().int(),
    secType: z.enum(SEC_TYPES),
    symbol: z.string().meta({ description: "The underlying's symbol; the base currency for CASH" }),
    localSymbol: z.string(),
    exchange: z.string(),
    primaryExchange: z.string().optional(),
    currency: z.string(),
    multiplier: z.number(),
    minTick: z.number(),
    lastTradeDate: z.string().optional(),
    strike: z.number().optional(),
    right: z.enum(OPTION_RIGHTS).optional(),
    description: z.string(),
    tradingHours: z.string().optional(),
    marketRuleIds: z.array(z.number().int()).optional(),
  })
  .meta({ id: 'OrderInstrument' });

export const OrderView = z
  .object({
    id: z.string().meta({ description: 'Our order id (a ULID)' }),
    clientOrderId: z.string().nullable(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    quantity: decimal,
    type: z.enum(ORDER_TYPES),
    limitPrice: decimal.nullable(),
    stopPrice: decimal.nullable(),
    trailAmount: decimal.optional(),
    trailPercent: decimal.optional(),
    timeInForce: z.enum(TIMES_IN_FORCE),
    expireAt: timestamp.optional(),
    account: z.string().nullable(),
    connectionId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'The broker connection that places it' }),
    instrument: OrderInstrument.optional(),
    outsideRth: z.boolean(),
    status: z.enum(ORDER_STATUSES),
    filledQuantity: decimal,
    remainingQuantity: decimal,
    averageFillPrice: decimal.nullable(),
    rejectReason: z.string().optional(),
    rejectCode: z.string().nullable().optional(),
    brokerOrderId: z.number().int().optional(),
    brokerPermId: z.number().int().optional(),
    pendingChange: z
      .object({ quantity: decimal, limitPrice: decimal.nullable(), stopPrice: decimal.nullable() })
      .optional(),
    orderClass: z
      .enum(['bracket', 'oco', 'oto'])
      .optional()
      .meta({ description: 'The class of the group the order is a leg of (absent for a simple order)' }),
    groupId: z.string().optional().meta({ description: "The group's id: its first leg's order id" }),
    parentId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "A bracket's or OTO's exit: the entry it is attached to" }),
    groupRole: z.enum(GROUP_ROLES).optional(),
    legIds: z.array(z.string()).optional().meta({ description: 'Every leg of the group, in order' }),
    createdAt: timestamp,
    updatedAt: timestamp,
    version: z.number().int(),
  })
  .meta({ id: 'Order' });

/** POST /orders answers the (first) order; a group's answer also lists every leg. */
export const PlacedOrderView = OrderView.extend({
  legs: z
    .array(OrderView)
    .optional()
    .meta({ description: 'A bracket, OCO or OTO group: every leg, the first one first' }),
}).meta({ id: 'PlacedOrder' });

export const OrderPage = z
  .object({ items: z.array(OrderView), nextCursor: cursor })
  .meta({ id: 'OrderPage' });

export const OrderEvents = z
  .object({
    items: z.array(
      z.object({
        seq: z.number().int(),
        type: z.enum(ORDER_EVENT_TYPES),
        at: timestamp,
        actor: z.string(),
        reason: z.string().optional(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'OrderEvents' });

export const CancelAllResult = z
  .object({
    items: z.array(OrderView).meta({ description: 'Orders now pending cancel' }),
    failed: z.array(z.object({ id: z.string(), code: z.string() })),
  })
  .meta({ id: 'CancelAllResult' });

export const Tokens = z
  .object({
    accessToken: z.string(),
    idToken: z.string().optional(),
    refreshToken: z
      .string()
      .optional()
      .meta({ description: 'Absent on refresh when the old one stays valid' }),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token lives' }),
    tokenType: z.literal('Bearer'),
  })
  .meta({ id: 'Tokens' });

export const Tenant = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    createdAt: timestamp,
    createdBy: z.string(),
  })
  .meta({ id: 'Tenant' });

export const CreatedTenant = Tenant.extend({
  admin: z.object({ username: z.string(), role }),
}).meta({ id: 'CreatedTenant' });

export const TenantWithCaller = Tenant.extend({
  caller: z.object({
    principal: z.string(),
    kind: z.enum(['user', 'apiKey', 'operator']),
    roles: z.array(z.string()),
    scopes: z.array(z.string()),
  }),
}).meta({ id: 'TenantWithCaller' });

export const User = z
  .object({
    username: z.string(),
    role,
    status: z.enum(['active', 'disabled']),
    createdAt: timestamp,
    createdBy: z.string(),
    updatedAt: timestamp,
  })
  .meta({ id: 'User' });

export const UserPage = z.object({ items: z.array(User), nextCursor: cursor }).meta({ id: 'UserPage' });

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    hint: z.string().meta({ description: 'The start of the key, to recognise it' }),
    createdAt: timestamp,
    createdBy: z.string(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable(),
    rateLimitPerMinute: z.number().int().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKey = ApiKey.extend({
  key: z.string().meta({ description: 'The secret key, shown this once; send it as `x-api-key`' }),
}).meta({ id: 'CreatedApiKey' });

export const ApiKeyPage = z.object({ items: z.array(ApiKey), nextCursor: cursor }).meta({ id: 'ApiKeyPage' });

export const AuditPage = z
  .object({
    items: z.array(
      z.looseObject({
        id: z.string(),
        type: z.string(),
        at: timestamp,
        actor: z.string(),
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    nextCursor: cursor,
  })
  .meta({ id: 'AuditPage' });

export const RiskLimitsView = z
  .looseObject({
    maxOrderQuantity: decimal,
    maxOrderNotional: decimal,
    maxPositionQuantity: decimal,
    maxGrossExposure: decimal,
    maxOpenOrders: z.number().int(),
    maxOrdersPerSecond: z.number().int(),
    priceCollarPercent: decimal,
    dailyLossLimit: decimal,
    restrictedSymbols: z.array(z.string()),
    allowedSymbols: z.array(z.string()).nullable(),
    referencePrices: z.record(z.string(), decimal),
    marketOrderWithoutPrice: z.enum(['reject', 'allow']),
  })
  .meta({ id: 'RiskLimitsView' });

export const KillSwitchState = z
  .object({
    engaged: z.boolean(),
    reason: z.string().optional(),
    changedBy: z.string().optional(),
    changedAt: timestamp.optional(),
    cancelledOrders: z.number().int().optional().meta({ description: 'Working orders sent a cancel' }),
  })
  .meta({ id: 'KillSwitchState' });

export const WebhookEventType = z
  .enum([...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT])
  .meta({ id: 'WebhookEventType', description: 'Every event type a webhook can carry' });

export const WebhookSubscription = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().optional(),
    status: z.enum(['enabled', 'disabled']),
    consecutiveFailures: z.number().int(),
    disabledReason: z.string().optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookSubscription' });

export const WebhookWithSecret = WebhookSubscription.extend({
  secret: z.string().meta({ description: 'The signing secret (`whsec_…`), shown this once' }),
  previousSecretExpiresAt: timestamp.optional(),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookPage = z
  .object({ items: z.array(WebhookSubscription), nextCursor: cursor.optional() })
  .meta({ id: 'WebhookPage' });

export const WebhookDelivery = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string().meta({ description: 'The `webhook-id` header of every attempt' }),
    eventType: WebhookEventType,
    status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        at: timestamp,
        durationMs: z.number().int().optional(),
        statusCode: z.number().int().optional(),
        outcome: z.enum(['succeeded', 'failed']),
        error: z.string().optional(),
        nextAttemptAt: timestamp.optional(),
        trigger: z.enum(['event', 'redeliver', 'test']),
      }),
    ),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryPage = z
  .object({ items: z.array(WebhookDelivery), nextCursor: cursor.optional() })
  .meta({ id: 'WebhookDeliveryPage' });

export const PositionList = z
  .object({
    items: z.array(
      z.object({
        account: z.string(),
        symbol: z.string(),
        quantity: decimal,
        averageCost: decimal,
        marketPrice: decimal.nullable(),
        marketValue: decimal.nullable(),
        unrealizedPnl: decimal.nullable(),
        realizedPnl: decimal,
        commissions: decimal,
        updatedAt: timestamp,
      }),
    ),
  })
  .meta({ id: 'PositionList' });

export const DayPnl = z
  .object({
    date: z.string().meta({ example: '2026-01-05' }),
    realizedPnl: decimal,
    unrealizedPnl: decimal,
    totalPnl: decimal,
    commissions: decimal,
    fills: z.number().int(),
    bySymbol: z.array(
      z.object({
        symbol: z.string(),
        realizedPnl: decimal,
        unrealizedPnl: decimal,
        totalPnl: decimal,
        commissions: decimal,
        fills: z.number().int(),
        boughtQuantity: decimal,
        soldQuantity: decimal,
        position: decimal,
        marketPrice: decimal.nullable(),
        marked: z.boolean().meta({ description: 'False when an open position had no price to mark it' }),
      }),
    ),
  })
  .meta({ id: 'DayPnl' });

export const FillPage = z
  .object({
    items: z.array(
      z.object({
        id: z.string().meta({ description: "IB's execId" }),
        orderId: z.string(),
        symbol: z.string(),
        instrument: z.object({ secType: z.string(), symbol: z.string() }),
        side: z.enum(['buy', 'sell']),
        quantity: decimal,
        price: decimal,
        commission: decimal.nullable(),
        account: z.string(),
        at: timestamp,
      }),
    ),
    nextCursor: cursor.optional(),
  })
  .meta({ id: 'FillPage' });

export const TradeBlotter = z
  .object({
    items: z.array(
      z.object({
        at: timestamp,
        execId: z.string(),
        orderId: z.string(),
        clientOrderId: z.string(),
        account: z.string(),
        symbol: z.string(),
        side: z.enum(['buy', 'sell']),
        quantity: decimal,
        price: decimal,
        notional: decimal,
        commission: z.string().meta({ description: 'Empty until the commission report came' }),
        realizedPnl: decimal.meta({ description: 'Gross, before commission' }),
        orderType: z.string(),
        limitPrice: z.string(),
        timeInForce: z.string(),
        orderQuantity: z.string(),
        orderStatus: z.string(),
      }),
    ),
  })
  .meta({ id: 'TradeBlotter' });

export const PnlHistory = z
  .object({
    items: z.array(
      z.object({
        date: z.string().meta({ example: '2026-01-05' }),
        realizedPnl: decimal.meta({ description: 'Net of commissions' }),
        unrealizedPnl: decimal.meta({
          description: "Open positions at the day's end, marked to each symbol's last fill price",
        }),
        commissions: decimal,
        fills: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'PnlHistory' });

const upOrDown = z.enum(['up', 'down']);
export const Readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: upOrDown, queue: upOrDown, broker: upOrDown }),
    connections: z.record(z.string(), upOrDown).optional().meta({
      description: 'Each broker connection by id: up when its bridge is connected and heartbeating',
    }),
  })
  .meta({ id: 'Readiness' });

const check = z.object({ ok: z.boolean(), detail: z.string().optional() });
export const ReadinessDetails = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: check, queue: check, broker: check }),
    connections: z.record(z.string(), check).optional(),
  })
  .meta({ id: 'ReadinessDetails' });

const tenantStatus = z.enum(['active', 'suspended']);
const TenantSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: tenantStatus,
  createdAt: z.string(),
});
export const TenantPage = z
  .object({ items: z.array(TenantSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'TenantPage' });
export const TenantStatusChange = TenantSummary.extend({
  cancelledOrders: z.number().int().meta({ description: 'Working orders cancelled by this call' }),
}).meta({ id: 'TenantStatusChange' });

export const Liveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
