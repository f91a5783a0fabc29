/**
 * SMA crossover: long `quantity` shares while the fast simple moving average of closes is above
 * the slow one, flat otherwise. Works on bars (backtests) and on quotes (live: the last price of
 * each quote is one sample).
 */
import type { Ctx, Strategy } from '../../strategies/api.ts';

interface State extends Record<string, unknown> {
  closes: Record<string, number[]>;
}
interface Params {
  fast: number;
  slow: number;
  quantity: number;
}

function average(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function sample(ctx: Ctx<State, Params>, symbol: string, price: number): void {
  const fast = ctx.params.fast ?? 5;
  const slow = ctx.params.slow ?? 20;
  const quantity = ctx.params.quantity ?? 10;
  ctx.state.closes ??= {};
  const closes = (ctx.state.closes[symbol] ??= []);
  closes.push(price);
  if (closes.length > slow) closes.shift();
  if (closes.length < slow) return;
  const above = average(closes.slice(-fast)) > average(closes);
  const position = ctx.position(symbol);
  const pending = ctx.orders().some((o) => o.symbol === symbol);
  if (pending) return;
  if (above && position <= 0) {
    ctx.placeOrder({ symbol, side: 'buy', quantity: quantity - position, type: 'market' });
    ctx.log(`${symbol}: fast above slow at ${price}, buying`);
  } else if (!above && position > 0) {
    ctx.placeOrder({ symbol, side: 'sell', quantity: position, type: 'market' });
    ctx.log(`${symbol}: fast below slow at ${price}, selling`);
  }
}

const strategy: Strategy<State, Params> = {
  onStart(ctx) {
    ctx.state.closes ??= {};
  },
  onBar(ctx, bar) {
    sample(ctx, bar.symbol, bar.close);
  },
  onQuote(ctx, quote) {
    const price =
      quote.last ?? (quote.bid !== null && quote.ask !== null ? (quote.bid + quote.ask) / 2 : null);
    if (price !== null) sample(ctx, quote.symbol, price);
  },
};

export default strategy;
