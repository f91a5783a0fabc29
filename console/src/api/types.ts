/**
 * The API's shapes as the console reads them: aliases of the typed client's (client/index.ts),
 * so a change in the API's schemas shows up here as a type error.
 */
import type { Schemas } from '../../../client/index.ts';

/** The API's own types, generated from its OpenAPI document (client/schema.d.ts). */
export type Order = Schemas['Order'];
export type Role = Schemas['User']['role'];
export type Side = Order['side'];
export type OrderType = Order['type'];
export type TimeInForce = Order['timeInForce'];
export type OrderStatus = Order['status'];
export type OrderEvent = Schemas['OrderEvents']['items'][number];
export type Position = Schemas['PositionList']['items'][number];
export type PnlToday = Schemas['DayPnl'];
export type Quote = Schemas['Quote'];
export type OrderPreview = Schemas['OrderPreview'];
export type KillSwitch = Schemas['KillSwitchState'];
/** Edited field by field by name (the risk page's form), so read loosely. */
export type RiskLimits = Record<string, unknown>;
/** A key as listed; `key` is there once, in the answer that created it. */
export type ApiKey = Schemas['ApiKey'] & { key?: string };
/** A subscription as listed; `secret` is there once, in the answer that created it. */
export type Webhook = Schemas['WebhookSubscription'] & { secret?: string };
export type Delivery = Schemas['WebhookDelivery'];
export type Scope = Schemas['ApiKey']['scopes'][number];
export type Tenant = Schemas['TenantPage']['items'][number];
export type ReadinessDetails = Schemas['ReadinessDetails'];
export type Strategy = Schemas['Strategy'];
export type StrategyLog = Schemas['StrategyLogs']['items'][number];
export type StrategyVersion = Schemas['StrategyVersions']['items'][number];
export type Backtest = Schemas['Backtest'];
export type BacktestRequest = Schemas['BacktestRequest'];
export type Connection = Schemas['Connection'];
export type Account = Schemas['Account'];
export type AccountSummary = Schemas['AccountSummary'];
export type Fill = Schemas['FillPage']['items'][number];
export type PnlDay = Schemas['PnlHistory']['items'][number];
/** What sign-in and refresh answer. */
export type IssuedTokens = Schemas['Tokens'];

// Listed as a record so that a status added to the API's schema is a type error here until shown.
const STATUS_ORDER: Record<OrderStatus, number> = {
  pending_new: 0,
  submitted: 1,
  partially_filled: 2,
  filled: 3,
  pending_cancel: 4,
  cancelled: 5,
  pending_replace: 6,
  rejected: 7,
  expired: 8,
};
export const ORDER_STATUSES = (Object.keys(STATUS_ORDER) as OrderStatus[]).sort(
  (a, b) => STATUS_ORDER[a] - STATUS_ORDER[b],
);

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

/** The tokens a signed-in tab keeps (the id token names the user and their groups). */
export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
}
