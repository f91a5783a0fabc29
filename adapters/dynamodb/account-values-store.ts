/** IB's account values, one item per account beside the account's ownership item. */
import type { AccountValues, AccountValuesStore } from '../../core/connections/account-summary.ts';
import { accountKeys } from '../../core/store/keys.ts';
import { held, TableStore } from './table.ts';

export class DynamoAccountValuesStore extends TableStore implements AccountValuesStore {
  async get(accountId: string): Promise<AccountValues | undefined> {
    const item = await this.table.get(accountKeys.values(accountId), 'reading account values', false);
    if (!item) return undefined;
    return {
      accountId: String(item.accountId),
      values: item.values as AccountValues['values'],
      at: String(item.at),
    };
  }

  /** Replaces the account's values; an older snapshot never overwrites a newer one. */
  async put(values: AccountValues): Promise<void> {
    await held(
      this.table.put(
        { ...accountKeys.values(values.accountId), entity: 'accountValues', ...values },
        'writing account values',
        {
          condition: 'attribute_not_exists(#at) OR #at <= :at',
          names: { '#at': 'at' },
          values: { ':at': values.at },
        },
      ),
    );
  }
}
