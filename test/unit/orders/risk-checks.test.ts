import { describe, expect, it } from '@jest/globals';
import { checkOrder, RISK_CODES, type OrderIntent } from '../../../core/risk/checks.ts';
import { defaultRiskLimits, type RiskLimits } from '../../../core/risk/limits.ts';
import { Dec } from '../../../core/money.ts';

const off: RiskLimits = {
  ...defaultRiskLimits(),
  maxOrderQuantity: null,
  maxOrderNotional: null,
  maxPositionQuantity: null,
  maxGrossExposure: null,
  maxOpenOrders: null,
  maxOrdersPerSecond: null,
  priceCollarPercent: null,
  dailyLossLimit: null,
};
const limit = (quantity: string, price: string, side: 'buy' | 'sell' = 'buy'): OrderIntent => ({
  symbol: 'AAPL',
  side,
  type: 'limit',
  quantity: new Dec(quantity),
  limitPrice: new Dec(price),
});
const market = (quantity: string): OrderIntent => ({
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  quantity: new Dec(quantity),
});
const running = { engaged: false };

function code(result: ReturnType<typeof checkOrder>): string | undefined {
  return 'denial' in result ? result.denial.code : undefined;
}

describe('pre-trade checks that need no counters', () => {
  it('max order quantity: at the limit passes, above fails', () => {
    const limits = { ...off, maxOrderQuantity: new Dec(100) };
    expect(code(checkOrder(limit('100', '10'), limits, running, undefined))).toBeUndefined();
    expect(code(checkOrder(limit('100.0001', '10'), limits, running, undefined))).toBe(
      RISK_CODES.maxOrderQuantity,
    );
  });

  it('max order notional: at the limit passes, a cent above fails', () => {
    const limits = { ...off, maxOrderNotional: new Dec(1000) };
    expect(code(checkOrder(limit('10', '100'), limits, running, undefined))).toBeUndefined();
    expect(code(checkOrder(limit('10', '100.01'), limits, running, undefined))).toBe(
      RISK_CODES.maxOrderNotional,
    );
  });

  it('market orders are sized with the reference price', () => {
    const limits = { ...off, maxOrderNotional: new Dec(1000) };
    expect(checkOrder(market('10'), limits, running, new Dec('99.5'))).toEqual({
      unitPrice: new Dec('99.5'),
    });
    expect(code(checkOrder(market('10'), limits, running, new Dec('100.01')))).toBe(
      RISK_CODES.maxOrderNotional,
    );
  });

  it('a market order with no price is rejected unless configured to pass', () => {
    expect(code(checkOrder(market('1'), off, running, undefined))).toBe(RISK_CODES.noReferencePrice);
    expect(
      code(checkOrder(market('1'), { ...off, marketOrderWithoutPrice: 'allow' }, running, undefined)),
    ).toBeUndefined();
  });

  it('price collar: exactly at the band passes, beyond it fails, both directions', () => {
    const limits = { ...off, priceCollarPercent: new Dec(5) };
    const ref = new Dec(100);
    expect(code(checkOrder(limit('1', '105'), limits, running, ref))).toBeUndefined();
    expect(code(checkOrder(limit('1', '95'), limits, running, ref))).toBeUndefined();
    expect(code(checkOrder(limit('1', '105.01'), limits, running, ref))).toBe(RISK_CODES.priceCollar);
    expect(code(checkOrder(limit('1', '94.99', 'sell'), limits, running, ref))).toBe(RISK_CODES.priceCollar);
    expect(code(checkOrder(limit('1', '500'), limits, running, undefined))).toBeUndefined();
  });

  it('stop prices are collared too', () => {
    const limits = { ...off, priceCollarPercent: new Dec(5) };
    const stop: OrderIntent = {
      symbol: 'AAPL',
      side: 'sell',
      type: 'stop',
      quantity: new Dec(1),
      stopPrice: new Dec(90),
    };
    expect(code(checkOrder(stop, limits, running, new Dec(100)))).toBe(RISK_CODES.priceCollar);
  });

  it('restricted and allowed symbols', () => {
    expect(
      code(checkOrder(limit('1', '1'), { ...off, restrictedSymbols: ['AAPL'] }, running, undefined)),
    ).toBe(RISK_CODES.restrictedSymbol);
    expect(code(checkOrder(limit('1', '1'), { ...off, allowedSymbols: ['MSFT'] }, running, undefined))).toBe(
      RISK_CODES.symbolNotAllowed,
    );
    expect(
      code(checkOrder(limit('1', '1'), { ...off, allowedSymbols: ['AAPL'] }, running, undefined)),
    ).toBeUndefined();
  });

  it('the kill switch stops everything and says why', () => {
    const result = checkOrder(limit('1', '1'), off, { engaged: true, reason: 'desk halt' }, undefined);
    expect(result).toEqual({
      denial: { code: RISK_CODES.killSwitch, reason: 'Trading is halted by the kill switch: desk halt' },
    });
  });
});
