/**
 * The API's shapes as the console reads them: aliases of the typed client's (client/index.ts),
 * so a change in the API's schemas shows up here as a type error.
 */
import { ORDER_STATUSES, ROLES, SCOPES } from '../../../client/enums.ts';
import type { Schemas } from '../../../client/index.ts';

export { ORDER_STATUSES, ROLES, SCOPES };
export type Role = (typeof ROLES)[number];
export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

/** The API's own types, generated from its OpenAPI document (client/schema.d.ts). */
export type Order = Schemas['Order'];
export type OrderEvent = Schemas['OrderEvents']['items'][number];
export type Position = Schemas['PositionList']['items'][number];
export type PnlToday = Schemas['DayPnl'];
export type Quote = Schemas['Quote'];
export type KillSwitch = Schemas['KillSwitchState'];
export type RiskLimits = Record<string, unknown>;
/** A key as listed; `key` is there once, in the answer that created it. */
export type ApiKey = Schemas['ApiKey'] & { key?: string };
/** A subscription as listed; `secret` is there once, in the answer that created it. */
export type Webhook = Schemas['WebhookSubscription'] & { secret?: string };
export type Delivery = Schemas['WebhookDelivery'];

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
