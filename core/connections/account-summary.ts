/**
 * An account's summary: IB's account values (net liquidation, cash, buying power, margin) as the
 * bridge of the account's connection last heard them, with when. The bridge keeps every tag IB
 * sends; the API shows the few a client needs, as decimal strings like every other money field.
 */
import { authorize, type Caller } from '../access/caller.ts';
import { AccountValuesUnavailableError, UnknownAccountError } from './errors.ts';
import { accountIdSchema } from './model.ts';
import type { ConnectionStore } from './ports.ts';

/** One value as IB sent it (accountUpdateMulti: key, value, currency). */
export interface AccountValue {
  value: string;
  currency: string;
}

/** Every value of one account, as last received. */
export interface AccountValues {
  accountId: string;
  values: Record<string, AccountValue>;
  /** When the bridge last received a value of this account (ISO 8601). */
  at: string;
}

/** Where the bridge keeps account values and the API reads them. */
export interface AccountValuesStore {
  get(accountId: string): Promise<AccountValues | undefined>;
  put(values: AccountValues): Promise<void>;
}

export interface AccountSummary {
  account: string;
  currency: string;
  netLiquidation: string | null;
  totalCashValue: string | null;
  buyingPower: string | null;
  initMarginReq: string | null;
  maintMarginReq: string | null;
  availableFunds: string | null;
  at: string;
}

/** The summary's fields and the IB tags they come from. */
const SUMMARY_FIELDS = {
  netLiquidation: 'NetLiquidation',
  totalCashValue: 'TotalCashValue',
  buyingPower: 'BuyingPower',
  initMarginReq: 'InitMarginReq',
  maintMarginReq: 'MaintMarginReq',
  availableFunds: 'AvailableFunds',
} as const;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** IB sends numbers as text ("1000000.00", sometimes "1e6"); anything unreadable is shown as null. */
function decimalOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (DECIMAL.test(text)) return text;
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? String(n) : null;
}

/** Pure: IB's values of one account → the summary the API returns. */
export function accountSummaryOf(values: AccountValues, fallbackCurrency: string): AccountSummary {
  const currency = values.values.NetLiquidation?.currency || fallbackCurrency;
  const pick = (tag: string) => decimalOf(values.values[tag]?.value);
  return {
    account: values.accountId,
    currency,
    netLiquidation: pick(SUMMARY_FIELDS.netLiquidation),
    totalCashValue: pick(SUMMARY_FIELDS.totalCashValue),
    buyingPower: pick(SUMMARY_FIELDS.buyingPower),
    initMarginReq: pick(SUMMARY_FIELDS.initMarginReq),
    maintMarginReq: pick(SUMMARY_FIELDS.maintMarginReq),
    availableFunds: pick(SUMMARY_FIELDS.availableFunds),
    at: values.at,
  };
}

/** GET /accounts/{id}/summary: only for an account of the caller's tenant. */
export async function getAccountSummary(
  deps: { store: Pick<ConnectionStore, 'getAccount'>; values: AccountValuesStore },
  caller: Caller,
  id: string,
): Promise<AccountSummary> {
  authorize(caller, 'positions:read');
  const account = accountIdSchema.safeParse(id).success ? await deps.store.getAccount(id) : undefined;
  if (!account || account.tenantId !== caller.tenantId) throw new UnknownAccountError(id);
  const values = await deps.values.get(account.accountId);
  if (!values) throw new AccountValuesUnavailableError(account.accountId);
  return accountSummaryOf(values, account.currency);
}
