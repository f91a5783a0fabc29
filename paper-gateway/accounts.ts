/**
 * The paper account: cash, positions with IB-style average cost (commissions included in the
 * cost basis), realized P&L and commissions. All money is decimal.
 */
import { Decimal } from 'decimal.js';

/** Commission schedule (IB "fixed" pricing for US stocks): per share, with a minimum and a cap. */
export const COMMISSION = {
  perShare: new Decimal('0.005'),
  minimum: new Decimal('1.00'),
  /** Cap as a fraction of trade value. */
  maxRate: new Decimal('0.01'),
  currency: 'USD',
} as const;

/** Commission owed for an order after `quantity` shares worth `value` in total have traded. */
export function cumulativeCommission(quantity: Decimal.Value, value: Decimal.Value): Decimal {
  const q = new Decimal(quantity);
  if (q.isZero()) return new Decimal(0);
  const perShare = Decimal.max(COMMISSION.perShare.times(q), COMMISSION.minimum);
  return Decimal.min(perShare, COMMISSION.maxRate.times(value)).toDecimalPlaces(4);
}

/** One position of the account. */
export interface PositionState {
  symbol: string;
  conId: number;
  /** Signed share count (negative when short). */
  quantity: Decimal;
  /** Average cost per share including commissions, as IB reports it. */
  avgCost: Decimal;
  realizedPnl: Decimal;
}

/** A position as plain data (inspection and persistence). */
export interface PositionView {
  account: string;
  symbol: string;
  conId: number;
  quantity: number;
  avgCost: number;
  realizedPnl: number;
}

/** Starting cash of a new paper account. */
export const STARTING_CASH = new Decimal(1_000_000);

/** Cash, positions and P&L of one account. */
export class Account {
  readonly id: string;
  cash: Decimal = STARTING_CASH;
  commissions: Decimal = new Decimal(0);
  readonly #positions = new Map<string, PositionState>();

  constructor(id: string) {
    this.id = id;
  }

  /** The position in a symbol (zero when never traded). */
  position(symbol: string): PositionState | undefined {
    return this.#positions.get(symbol);
  }

  /** Every position ever opened, including ones closed back to zero. */
  positions(): PositionState[] {
    return [...this.#positions.values()];
  }

  /** Applies one execution; returns the realized P&L it produced, or null when it only opened or added. */
  applyFill(
    symbol: string,
    conId: number,
    side: 'BUY' | 'SELL',
    shares: Decimal.Value,
    price: Decimal.Value,
    commission: Decimal.Value,
    /** USD per unit of the contract's currency: the cash account is in USD. */
    cashRate: Decimal.Value = 1,
  ): Decimal | null {
    const qty = new Decimal(shares);
    const px = new Decimal(price);
    const fee = new Decimal(commission);
    const signed = side === 'BUY' ? qty : qty.negated();
    const value = qty.times(px).times(cashRate);
    this.cash = side === 'BUY' ? this.cash.minus(value).minus(fee) : this.cash.plus(value).minus(fee);
    this.commissions = this.commissions.plus(fee);

    let pos = this.#positions.get(symbol);
    if (!pos) {
      pos = { symbol, conId, quantity: new Decimal(0), avgCost: new Decimal(0), realizedPnl: new Decimal(0) };
      this.#positions.set(symbol, pos);
    }
    const before = pos.quantity;
    const opening = before.isZero() || before.isPositive() === signed.isPositive();
    if (opening) {
      // Long cost basis adds the fee; short basis is proceeds net of the fee.
      const basis = pos.avgCost
        .times(before.abs())
        .plus(side === 'BUY' ? qty.times(px).plus(fee) : qty.times(px).minus(fee));
      pos.quantity = before.plus(signed);
      pos.avgCost = basis.dividedBy(pos.quantity.abs());
      return null;
    }
    const closing = Decimal.min(qty, before.abs());
    const closingFee = fee.times(closing).dividedBy(qty);
    const perShare = before.isPositive() ? px.minus(pos.avgCost) : pos.avgCost.minus(px);
    const realized = perShare.times(closing).minus(closingFee);
    pos.realizedPnl = pos.realizedPnl.plus(realized);
    pos.quantity = before.plus(signed);
    if (pos.quantity.isZero()) {
      pos.avgCost = new Decimal(0);
    } else if (pos.quantity.isPositive() !== before.isPositive()) {
      // The fill went through zero: the rest opens a new position at this price.
      const opened = qty.minus(closing);
      const openingFee = fee.minus(closingFee);
      const basis = side === 'BUY' ? opened.times(px).plus(openingFee) : opened.times(px).minus(openingFee);
      pos.avgCost = basis.dividedBy(opened);
    }
    return realized;
  }

  /** Total realized P&L over all positions. */
  realizedPnl(): Decimal {
    return this.positions().reduce((sum, p) => sum.plus(p.realizedPnl), new Decimal(0));
  }

  /** Account summary values (tag → value) marked at the given prices. */
  summary(mark: (symbol: string) => number): Record<string, string> {
    let gross = new Decimal(0);
    let net = new Decimal(0);
    let unrealized = new Decimal(0);
    for (const p of this.positions()) {
      if (p.quantity.isZero()) continue;
      const px = new Decimal(mark(p.symbol));
      const value = p.quantity.times(px);
      net = net.plus(value);
      gross = gross.plus(value.abs());
      unrealized = unrealized.plus(px.minus(p.avgCost).times(p.quantity));
    }
    const netLiq = this.cash.plus(net);
    const margin = gross.times('0.25');
    const available = netLiq.minus(margin);
    const money = (d: Decimal): string => d.toFixed(2);
    return {
      AccountType: 'INDIVIDUAL',
      NetLiquidation: money(netLiq),
      TotalCashValue: money(this.cash),
      SettledCash: money(this.cash),
      AccruedCash: '0.00',
      BuyingPower: money(Decimal.max(available.times(4), 0)),
      EquityWithLoanValue: money(netLiq),
      PreviousDayEquityWithLoanValue: money(STARTING_CASH),
      GrossPositionValue: money(gross),
      RegTEquity: money(netLiq),
      RegTMargin: money(gross.times('0.5')),
      SMA: money(Decimal.max(available, 0)),
      InitMarginReq: money(margin),
      MaintMarginReq: money(margin),
      AvailableFunds: money(available),
      ExcessLiquidity: money(available),
      Cushion: netLiq.isZero() ? '0' : available.dividedBy(netLiq).toFixed(6),
      FullInitMarginReq: money(margin),
      FullMaintMarginReq: money(margin),
      FullAvailableFunds: money(available),
      FullExcessLiquidity: money(available),
      LookAheadInitMarginReq: money(margin),
      LookAheadMaintMarginReq: money(margin),
      LookAheadAvailableFunds: money(available),
      LookAheadExcessLiquidity: money(available),
      HighestSeverity: '0',
      DayTradesRemaining: '-1',
      Leverage: netLiq.isZero() ? '0' : gross.dividedBy(netLiq).toFixed(2),
      // Ledger values (the $LEDGER tags).
      CashBalance: money(this.cash),
      NetLiquidationByCurrency: money(netLiq),
      StockMarketValue: money(net),
      RealizedPnL: money(this.realizedPnl()),
      UnrealizedPnL: money(unrealized),
    };
  }

  /** Plain-data positions. */
  positionViews(): PositionView[] {
    return this.positions().map((p) => ({
      account: this.id,
      symbol: p.symbol,
      conId: p.conId,
      quantity: p.quantity.toNumber(),
      avgCost: p.avgCost.toNumber(),
      realizedPnl: p.realizedPnl.toNumber(),
    }));
  }

  /** Serializable state. */
  toJSON(): {
    id: string;
    cash: string;
    commissions: string;
    positions: Array<Record<string, string | number>>;
  } {
    return {
      id: this.id,
      cash: this.cash.toString(),
      commissions: this.commissions.toString(),
      positions: this.positions().map((p) => ({
        symbol: p.symbol,
        conId: p.conId,
        quantity: p.quantity.toString(),
        avgCost: p.avgCost.toString(),
        realizedPnl: p.realizedPnl.toString(),
      })),
    };
  }

  /** Rebuilds an account from toJSON() output. */
  static fromJSON(data: ReturnType<Account['toJSON']>): Account {
    const account = new Account(data.id);
    account.cash = new Decimal(data.cash);
    account.commissions = new Decimal(data.commissions);
    for (const p of data.positions) {
      account.#positions.set(String(p.symbol), {
        symbol: String(p.symbol),
        conId: Number(p.conId),
        quantity: new Decimal(p.quantity ?? 0),
        avgCost: new Decimal(p.avgCost ?? 0),
        realizedPnl: new Decimal(p.realizedPnl ?? 0),
      });
    }
    return account;
  }
}

/** Tags reported for "All" and for the $LEDGER groups of reqAccountSummary. */
export const SUMMARY_TAGS = [
  'AccountType',
  'NetLiquidation',
  'TotalCashValue',
  'SettledCash',
  'AccruedCash',
  'BuyingPower',
  'EquityWithLoanValue',
  'PreviousDayEquityWithLoanValue',
  'GrossPositionValue',
  'RegTEquity',
  'RegTMargin',
  'SMA',
  'InitMarginReq',
  'MaintMarginReq',
  'AvailableFunds',
  'ExcessLiquidity',
  'Cushion',
  'FullInitMarginReq',
  'FullMaintMarginReq',
  'FullAvailableFunds',
  'FullExcessLiquidity',
  'LookAheadInitMarginReq',
  'LookAheadMaintMarginReq',
  'LookAheadAvailableFunds',
  'LookAheadExcessLiquidity',
  'HighestSeverity',
  'DayTradesRemaining',
  'Leverage',
] as const;
export const LEDGER_TAGS = [
  'CashBalance',
  'NetLiquidationByCurrency',
  'StockMarketValue',
  'RealizedPnL',
  'UnrealizedPnL',
] as const;
