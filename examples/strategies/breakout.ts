/**
 * Breakout with a protective stop: when a bar closes above the highest high of the previous
 * `lookback` bars, buy `quantity` at market and place a sell stop `stopPct` percent below that
 * close. Exits on the stop, or when a bar closes below the lowest low of the lookback (then the
 * stop is cancelled). Brackets will replace the manual stop once the OMS has them.
 */
import type { Strategy } from '../../strategies/api.ts';

interface State extends Record<string, unknown> {
  highs: number[];
  lows: number[];
  stopId: string | null;
}
interface Params {
  lookback: number;
  quantity: number;
  stopPct: number;
}

function roundTick(price: number): number {
  return Math.round(price * 100) / 100;
}

const strategy: Strategy<State, Params> = {
  onStart(ctx) {
    ctx.state.highs = [];
    ctx.state.lows = [];
    ctx.state.stopId = null;
  },
  onBar(ctx, bar) {
    const lookback = ctx.params.lookback ?? 10;
    const quantity = ctx.params.quantity ?? 10;
    const stopPct = ctx.params.stopPct ?? 2;
    const { highs, lows } = ctx.state;
    const position = ctx.position(bar.symbol);
    const working = ctx.orders().filter((o) => o.symbol === bar.symbol);
    if (highs.length >= lookback) {
      const high = Math.max(...highs);
      const low = Math.min(...lows);
      if (position === 0 && working.length === 0 && bar.close > high) {
        ctx.placeOrder({ symbol: bar.symbol, side: 'buy', quantity, type: 'market' });
        ctx.state.stopId = ctx.placeOrder({
          symbol: bar.symbol,
          side: 'sell',
          quantity,
          type: 'stop',
          stopPrice: roundTick(bar.close * (1 - stopPct / 100)),
          timeInForce: 'gtc',
        });
        ctx.log(`breakout above ${high} at ${bar.close}`);
      } else if (position > 0 && bar.close < low) {
        if (ctx.state.stopId) ctx.cancelOrder(ctx.state.stopId);
        ctx.state.stopId = null;
        ctx.placeOrder({ symbol: bar.symbol, side: 'sell', quantity: position, type: 'market' });
        ctx.log(`breakdown below ${low} at ${bar.close}, exiting`);
      }
    }
    highs.push(bar.high);
    lows.push(bar.low);
    if (highs.length > lookback) {
      highs.shift();
      lows.shift();
    }
  },
  onFill(ctx, fill) {
    if (fill.clientOrderId !== null && fill.clientOrderId === ctx.state.stopId) ctx.state.stopId = null;
  },
};

export default strategy;
