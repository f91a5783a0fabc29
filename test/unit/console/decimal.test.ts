import { describe, expect, it } from '@jest/globals';
import { addDecimals } from '../../../console/src/decimal.ts';

describe('the console’s decimal sum (a day’s realized plus unrealized P&L)', () => {
  it('adds exactly, where binary floating point would not', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('-6', '0.44000008')).toBe('-5.55999992');
  });

  it('keeps signs, zero and the wider scale', () => {
    expect(addDecimals('-0.5', '0.25')).toBe('-0.25');
    expect(addDecimals('187.25', '-187.25')).toBe('0.00');
    expect(addDecimals('3', '4')).toBe('7');
    expect(addDecimals('-1.5', '-2.25')).toBe('-3.75');
    expect(addDecimals('0', '-0.01')).toBe('-0.01');
    expect(addDecimals('+2', '0.5')).toBe('2.5');
  });
});
