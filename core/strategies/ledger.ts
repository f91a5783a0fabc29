/** A backtest's cash, positions and round-trip trades, moved only by fills. */
import { Dec, ZERO } from '../money.ts';
import type { Trade } from './stats.ts';

interface OpenTrade {
  side: 'long' | 'short';
  entryAt: string;
  /** Cost of the entry side so far (quantity × price), and its quantity. */
  entryCost: Dec;
  entryQuantity: Dec;
  exitValue: Dec;
  exitQuantity: Dec;
  realized: Dec;
  commission: Dec;
}

export interface Fill {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: Dec;
  price: Dec;
  commission: Dec;
  at: string;
}

export class Ledger {
  cash: Dec;
  readonly positions = new Map<string, Dec>();
  private readonly avgCost = new Map<string, Dec>();
  private readonly open = new Map<string, OpenTrade>();
  readonly trades: Trade[] = [];

  constructor(initialCash: Dec) {
    this.cash = initialCash;
  }

  position(symbol: string): Dec {
    return this.positions.get(symbol) ?? ZERO;
  }

  /** Applies one fill: cash, average cost, realized P&L, and the round trip it opens or closes. */
  apply(fill: Fill): void {
    const signed = fill.side === 'buy' ? fill.quantity : fill.quantity.neg();
    this.cash = this.cash.minus(signed.mul(fill.price)).minus(fill.commission);
    let remaining = signed;
    let commission = fill.commission;
    while (!remaining.isZero()) {
      const pos = this.position(fill.symbol);
      if (pos.isZero() || pos.isPositive() === remaining.isPositive()) {
        this.increase(fill, remaining, commission);
        return;
      }
      // Reducing: close up to the open quantity; a remainder reverses the position.
      const closing = Dec.min(remaining.abs(), pos.abs());
      const share = commission.mul(closing).div(remaining.abs());
      this.reduce(fill, closing, share);
      commission = commission.minus(share);
      remaining = remaining.isPositive() ? remaining.minus(closing) : remaining.plus(closing);
    }
  }

  private increase(fill: Fill, signed: Dec, commission: Dec): void {
    const pos = this.position(fill.symbol);
    const avg = this.avgCost.get(fill.symbol) ?? ZERO;
    const next = pos.plus(signed);
    this.avgCost.set(fill.symbol, pos.abs().mul(avg).plus(signed.abs().mul(fill.price)).div(next.abs()));
    this.positions.set(fill.symbol, next);
    let trade = this.open.get(fill.symbol);
    if (!trade) {
      trade = {
        side: signed.isPositive() ? 'long' : 'short',
        entryAt: fill.at,
        entryCost: ZERO,
        entryQuantity: ZERO,
        exitValue: ZERO,
        exitQuantity: ZERO,
        realized: ZERO,
        commission: ZERO,
      };
      this.open.set(fill.symbol, trade);
    }
    trade.entryCost = trade.entryCost.plus(signed.abs().mul(fill.price));
    trade.entryQuantity = trade.entryQuantity.plus(signed.abs());
    trade.commission = trade.commission.plus(commission);
  }

  private reduce(fill: Fill, quantity: Dec, commission: Dec): void {
    const pos = this.position(fill.symbol);
    const avg = this.avgCost.get(fill.symbol) ?? ZERO;
    const perUnit = pos.isPositive() ? fill.price.minus(avg) : avg.minus(fill.price);
    const trade = this.open.get(fill.symbol) as OpenTrade;
    trade.realized = trade.realized.plus(perUnit.mul(quantity));
    trade.exitValue = trade.exitValue.plus(quantity.mul(fill.price));
    trade.exitQuantity = trade.exitQuantity.plus(quantity);
    trade.commission = trade.commission.plus(commission);
    const next = pos.isPositive() ? pos.minus(quantity) : pos.plus(quantity);
    this.positions.set(fill.symbol, next);
    if (next.isZero()) {
      this.avgCost.delete(fill.symbol);
      this.open.delete(fill.symbol);
      this.trades.push({
        symbol: fill.symbol,
        side: trade.side,
        quantity: trade.entryQuantity,
        entryAt: trade.entryAt,
        entryPrice: trade.entryCost.div(trade.entryQuantity),
        exitAt: fill.at,
        exitPrice: trade.exitValue.div(trade.exitQuantity),
        commission: trade.commission,
        pnl: trade.realized.minus(trade.commission),
      });
    }
  }

  /** Cash plus every position at its symbol's last price. */
  equity(lastPrices: Map<string, Dec>): Dec {
    let value = this.cash;
    for (const [symbol, qty] of this.positions) value = value.plus(qty.mul(lastPrices.get(symbol) ?? ZERO));
    return value;
  }

  /** Whether any position is open. */
  exposed(): boolean {
    for (const qty of this.positions.values()) if (!qty.isZero()) return true;
    return false;
  }
}
