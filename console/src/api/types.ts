/**
 * The API's shapes as the console reads them (docs/api-v1.md). When the typed client lands
 * (client/index.ts, generated from the OpenAPI document), these become aliases of its types.
 */

export type Role = 'admin' | 'trader' | 'viewer';
export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';

export const ORDER_STATUSES = [
  'pending_new',
  'submitted',
  'partially_filled',
  'filled',
  'pending_cancel',
  'cancelled',
  'pending_replace',
  'rejected',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

export interface Order {
  id: string;
  clientOrderId?: string | null;
  symbol: string;
  side: Side;
  quantity: string;
  type: OrderType;
  limitPrice?: string | null;
  stopPrice?: string | null;
  timeInForce: TimeInForce;
  status: OrderStatus;
  filledQuantity: string;
  remainingQuantity: string;
  averageFillPrice?: string | null;
  rejectReason?: string | null;
  account?: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface OrderEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  reason?: string;
  data: Record<string, unknown>;
}

export interface Position {
  account: string;
  symbol: string;
  quantity: string;
  averageCost: string;
  marketPrice: string | null;
  marketValue: string | null;
  unrealizedPnl: string | null;
  realizedPnl: string;
  commissions?: string;
}

export interface PnlToday {
  date: string;
  realizedPnl: string;
  unrealizedPnl: string;
  totalPnl: string;
  commissions: string;
  fills: number;
  bySymbol: Array<{ symbol: string; realizedPnl: string; unrealizedPnl: string; totalPnl?: string }>;
}

export interface Quote {
  symbol: string;
  bid: string | null;
  ask: string | null;
  last: string | null;
  at: string;
  stale: boolean;
}

export interface KillSwitch {
  engaged: boolean;
  reason?: string;
  changedBy?: string;
  changedAt?: string;
}

export type RiskLimits = Record<string, unknown>;

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  hint?: string;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
  key?: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description?: string;
  enabled?: boolean;
  status?: string;
  createdAt: string;
  secret?: string;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode?: number | null;
  outcome: string;
  error?: string | null;
}

export interface Delivery {
  id: string;
  eventType?: string;
  eventId?: string;
  status: string;
  createdAt?: string;
  attempts: DeliveryAttempt[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
}
