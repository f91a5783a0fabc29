import { describe, expect, it } from '@jest/globals';
import { accountSummaryOf } from '../../../core/connections/account-summary.ts';

const AT = '2026-01-05T14:30:00.000Z';

describe('accountSummaryOf', () => {
  it('maps IB tags to the summary fields, as decimal strings', () => {
    const summary = accountSummaryOf(
      {
        accountId: 'DU1234567',
        at: AT,
        values: {
          NetLiquidation: { value: '1000123.45', currency: 'EUR' },
          TotalCashValue: { value: '980000.00', currency: 'EUR' },
          BuyingPower: { value: '1e6', currency: 'EUR' },
          InitMarginReq: { value: '5030.86', currency: 'EUR' },
          MaintMarginReq: { value: '-0.5', currency: 'EUR' },
          AvailableFunds: { value: 'n/a', currency: 'EUR' },
          AccountType: { value: 'INDIVIDUAL', currency: '' },
        },
      },
      'USD',
    );
    expect(summary).toEqual({
      account: 'DU1234567',
      currency: 'EUR',
      netLiquidation: '1000123.45',
      totalCashValue: '980000.00',
      buyingPower: '1000000',
      initMarginReq: '5030.86',
      maintMarginReq: '-0.5',
      availableFunds: null,
      at: AT,
    });
  });

  it("falls back to the account's currency and shows missing tags as null", () => {
    expect(accountSummaryOf({ accountId: 'DU1', at: AT, values: {} }, 'USD')).toEqual({
      account: 'DU1',
      currency: 'USD',
      netLiquidation: null,
      totalCashValue: null,
      buyingPower: null,
      initMarginReq: null,
      maintMarginReq: null,
      availableFunds: null,
      at: AT,
    });
  });
});
