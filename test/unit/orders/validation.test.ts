import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { NewOrderRequest, ModifyOrderRequest, tickSize } from '../../../core/orders/order.ts';
import { Dec, parseDecimal, formatDecimal } from '../../../core/money.ts';

const valid = { symbol: 'AAPL', side: 'buy', quantity: '100', type: 'limit', limitPrice: '187.25' };

function issues(body: unknown): string[] {
  const parsed = NewOrderRequest.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('new order validation', () => {
  it('accepts a plain limit order and fills defaults', () => {
    const parsed = NewOrderRequest.parse(valid);
    expect(parsed.timeInForce).toBe('day');
    expect(parsed.outsideRth).toBe(false);
    expect(parsed.quantity.toFixed()).toBe('100');
    expect(parsed.limitPrice?.toFixed()).toBe('187.25');
  });

  it('accepts numbers for decimals without binary rounding', () => {
    const parsed = NewOrderRequest.parse({ ...valid, quantity: 0.3, limitPrice: 0.1 });
    expect(parsed.quantity.toFixed()).toBe('0.3');
    expect(parsed.limitPrice?.toFixed()).toBe('0.1');
  });

  it.each([
    [
      { ...valid, type: 'limit', limitPrice: undefined },
      'limitPrice: limitPrice is required for limit orders',
    ],
    [{ ...valid, type: 'stop', limitPrice: undefined }, 'stopPrice: stopPrice is required for stop orders'],
    [
      { ...valid, type: 'stop_limit', stopPrice: undefined },
      'stopPrice: stopPrice is required for stop_limit orders',
    ],
    [{ ...valid, type: 'market' }, 'limitPrice: limitPrice is not allowed for market orders'],
    [{ ...valid, stopPrice: '180' }, 'stopPrice: stopPrice is not allowed for limit orders'],
    [{ ...valid, quantity: '0' }, 'quantity: quantity must be greater than 0'],
    [{ ...valid, quantity: '-5' }, 'quantity: quantity must be greater than 0'],
    [{ ...valid, quantity: '1.00001' }, 'quantity: quantity has at most 4 decimal places'],
    [{ ...valid, quantity: '2000000000' }, 'quantity: quantity must be at most 1000000000'],
    [{ ...valid, quantity: 'ten' }, 'quantity: quantity must be a decimal number'],
    [{ ...valid, limitPrice: '187.255' }, 'limitPrice: limitPrice must be a multiple of the tick size 0.01'],
    [
      { ...valid, limitPrice: '0.00005' },
      'limitPrice: limitPrice must be a multiple of the tick size 0.0001',
    ],
    [{ ...valid, limitPrice: '20000000' }, 'limitPrice: limitPrice must be at most 10000000'],
    [{ ...valid, symbol: 'not a symbol' }, 'symbol: symbol must be a ticker such as AAPL or BRK.B'],
    [{ ...valid, side: 'short' }, 'side: Invalid option: expected one of "buy"|"sell"'],
    [{ ...valid, extra: 1 }, ': Unrecognized key: "extra"'],
    [
      { ...valid, clientOrderId: 'has space' },
      'clientOrderId: clientOrderId is 1 to 64 letters, digits or . _ : -',
    ],
  ])('refuses %j', (body, expected) => {
    expect(issues(body)).toContain(expected);
  });

  it('uppercases symbols and accepts share classes', () => {
    expect(NewOrderRequest.parse({ ...valid, symbol: 'brk.b' }).symbol).toBe('BRK.B');
  });

  it('never accepts a body that is not an object', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.anything())),
        (body) => {
          expect(NewOrderRequest.safeParse(body).success).toBe(false);
        },
      ),
    );
  });

  it('requires at least one change in a modification', () => {
    expect(ModifyOrderRequest.safeParse({}).success).toBe(false);
    expect(ModifyOrderRequest.safeParse({ quantity: '5' }).success).toBe(true);
  });
});

describe('decimals', () => {
  it('round-trips any decimal string exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 12 }),
        (units, scale) => {
          const text = new Dec(units.toString()).div(new Dec(10).pow(scale)).toFixed();
          expect(formatDecimal(parseDecimal(text) as Dec)).toBe(text);
        },
      ),
    );
  });

  it('refuses what is not a finite decimal', () => {
    for (const bad of [
      '',
      ' ',
      'NaN',
      'Infinity',
      '1e',
      '--1',
      '0x10',
      '1,5',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      {},
      [],
    ]) {
      expect(parseDecimal(bad)).toBeUndefined();
    }
  });

  it('uses cent ticks from $1 and hundredths of a cent below', () => {
    expect(tickSize(new Dec('1')).toFixed()).toBe('0.01');
    expect(tickSize(new Dec('0.99')).toFixed()).toBe('0.0001');
  });
});
