/**
 * What the OMS knows of a tradable instrument. An order names one by `symbol` (a US stock on
 * SMART in USD), by `conId`, or by a partial IB contract (`InstrumentSpec`); the OMS qualifies
 * it once against the broker and keeps the `Instrument` on the order, so the bridge, risk,
 * positions and P&L never guess a multiplier or a currency.
 */
import * as z from 'zod';

export const SEC_TYPES = ['STK', 'OPT', 'FUT', 'CASH'] as const;
export type SecType = (typeof SEC_TYPES)[number];
export const OPTION_RIGHTS = ['C', 'P'] as const;
export type OptionRight = (typeof OPTION_RIGHTS)[number];

/** A partial contract as a client writes it; qualification fills in the rest. */
export const InstrumentSpec = z
  .object({
    conId: z.number().int().positive().optional(),
    secType: z.enum(SEC_TYPES).optional(),
    symbol: z.string().min(1).max(20).optional(),
    exchange: z.string().min(1).max(20).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'currency must be an ISO code such as USD')
      .optional(),
    /** YYYYMMDD (or YYYYMM for a future's contract month). */
    lastTradeDate: z
      .string()
      .regex(/^\d{6}(\d{2})?$/, 'lastTradeDate must be YYYYMM or YYYYMMDD')
      .optional(),
    strike: z.number().positive().optional(),
    right: z.enum(OPTION_RIGHTS).optional(),
    multiplier: z.number().positive().optional(),
  })
  .strict()
  .refine((s) => s.conId !== undefined || (s.secType !== undefined && s.symbol !== undefined), {
    message: 'instrument needs a conId, or a secType and a symbol',
  });
export type InstrumentSpec = z.output<typeof InstrumentSpec>;

/** A qualified instrument: IB's contract details the OMS relies on. */
export interface Instrument {
  conId: number;
  secType: SecType;
  /** The underlying's symbol for derivatives; the base currency for CASH (EUR of EUR.USD). */
  symbol: string;
  /** IB's localSymbol (e.g. `AAPL  261218C00190000`, `ESZ6`, `EUR.USD`). */
  localSymbol: string;
  exchange: string;
  primaryExchange?: string;
  currency: string;
  /** Contract value per unit of price: 1 for stocks and forex, 100 for US equity options. */
  multiplier: number;
  minTick: number;
  lastTradeDate?: string;
  strike?: number;
  right?: OptionRight;
  description: string;
  tradingHours?: string;
  marketRuleIds?: number[];
}

/** The instrument a plain `symbol` order means: a US stock routed SMART in USD. */
export function usStock(symbol: string, conId: number): Instrument {
  return {
    conId,
    secType: 'STK',
    symbol,
    localSymbol: symbol,
    exchange: 'SMART',
    currency: 'USD',
    multiplier: 1,
    minTick: 0.01,
    description: symbol,
  };
}
