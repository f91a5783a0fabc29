/**
 * Trailing stops and good-till-date expiry, as IB works them: a TRAIL order's stop follows the
 * last price by the trailing amount (or percent) in the order's favour only, and triggers as a
 * market order when the last price crosses it; a GTD order is cancelled when its time comes.
 */
import type { OrderRecord } from './order-types.ts';

/** The stop a trailing order would have at `last`: last − trail for a sell, last + trail for a buy. */
function trailedStop(order: OrderRecord, last: number, tick: number): number {
  const trail =
    order.trailingPercent !== undefined ? (last * order.trailingPercent) / 100 : (order.auxPrice ?? 0);
  const raw = order.action === 'SELL' ? last - trail : last + trail;
  // Rounded away from the market to the tick grid, as IB keeps stops on valid prices.
  const ticks = order.action === 'SELL' ? Math.floor(raw / tick + 1e-9) : Math.ceil(raw / tick - 1e-9);
  return Number((ticks * tick).toFixed(10));
}

/**
 * Moves an untriggered trailing stop with the last price (never against the order) and says
 * whether the last price has crossed it. The first call sets the initial stop when none was given.
 */
export function trailAndTouch(order: OrderRecord, last: number, tick: number): boolean {
  const candidate = trailedStop(order, last, tick);
  if (order.trailStopPrice === undefined) order.trailStopPrice = candidate;
  else if (order.action === 'SELL') order.trailStopPrice = Math.max(order.trailStopPrice, candidate);
  else order.trailStopPrice = Math.min(order.trailStopPrice, candidate);
  return order.action === 'SELL' ? last <= order.trailStopPrice : last >= order.trailStopPrice;
}

/** Whether a GTD order's time has come on the gateway's clock. */
export function gtdExpired(order: OrderRecord, now: number): boolean {
  return order.tif === 'GTD' && order.goodTillDate !== undefined && now >= order.goodTillDate;
}

/**
 * IB's goodTillDate forms: `yyyyMMdd HH:mm:ss` with a trailing `UTC` (or no zone: UTC here) and
 * `yyyyMMdd-HH:mm:ss` (UTC). Returns epoch ms, or undefined when unreadable.
 */
export function parseGoodTillDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})[- ](\d{2}):(\d{2}):(\d{2})(?:\s+(UTC|GMT|Etc\/UTC))?$/i.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}
