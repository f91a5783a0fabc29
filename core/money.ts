import { Decimal } from 'decimal.js';

/**
 * Prices, quantities and money are decimals, never binary floats. One configured constructor so
 * every module rounds the same way; JSON carries them as strings.
 */
export const Dec = Decimal.clone({
  precision: 34,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

/** Input accepted for a decimal field: a JSON string or number. */
export type DecimalInput = string | number;

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal from client input; undefined when it isn't a finite decimal number. */
export function parseDecimal(value: unknown): Dec | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // A JSON number's shortest round-trip text is what the client meant (0.1 stays 0.1).
    return new Dec(String(value));
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > 40 || !DECIMAL_TEXT.test(text)) return undefined;
  const parsed = new Dec(text);
  return parsed.isFinite() ? parsed : undefined;
}

/** A decimal as JSON carries it: plain notation, no trailing zeros. */
export function formatDecimal(value: Dec): string {
  return value.toFixed();
}

export const ZERO = new Dec(0);
