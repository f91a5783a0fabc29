/**
 * The matching engine: working orders against the seeded quotes. It knows nothing of sockets;
 * it returns events (status changes, executions, errors) that the server turns into messages.
 *
 * Liquidity: each quote offers its displayed size once. Orders take it in time priority until
 * the next price step refreshes it, which is what produces partial fills for large orders.
 */
import { Decimal } from 'decimal.js';
import type { Quote } from './prices.ts';
import { commissionFor, usdPerUnit } from './instruments/commissions.ts';
import { executionVenue, multiplied } from './instruments/terms.ts';
import { gtdExpired, trailAndTouch } from './trailing.ts';
import { awaitsParent, cancelledWithParent, fillEffects } from './groups.ts';
import { newOrderRecord } from './order-record.ts';
import {
  DONE_STATUSES,
  type EngineEvent,
  type EngineHost,
  type ExecutionRecord,
  type NewOrder,
  type OrderRecord,
  type OrderStatus,
} from './order-types.ts';

export * from './order-types.ts';

/** Working orders and their matching. */
export class MatchingEngine {
  readonly #host: EngineHost;
  readonly #orders = new Map<string, OrderRecord>();
  /** Orders not yet completed, per symbol: a price step looks at its own symbol's orders only. */
  readonly #live = new Map<string, Set<OrderRecord>>();
  readonly #executions: ExecutionRecord[] = [];
  /** Liquidity left at the current quote, per symbol and side, reset on every price step. */
  readonly #liquidity = new Map<string, { version: number; buy: number; sell: number }>();

  constructor(host: EngineHost) {
    this.#host = host;
  }

  /** Every order ever accepted. */
  orders(): OrderRecord[] {
    return [...this.#orders.values()];
  }

  /** Every execution so far. */
  executions(): ExecutionRecord[] {
    return [...this.#executions];
  }

  /** The order with this key, if any. */
  get(key: string): OrderRecord | undefined {
    return this.#orders.get(key);
  }

  /** Whether the order can still trade. */
  isWorking(order: OrderRecord): boolean {
    return !DONE_STATUSES.has(order.status);
  }

  /** Restores orders and executions saved earlier. */
  restore(orders: readonly OrderRecord[], executions: readonly ExecutionRecord[]): void {
    for (const o of orders) this.#track({ ...o });
    this.#executions.push(...executions.map((e) => ({ ...e })));
  }

  /** Counts working orders on one contract, side and account. */
  workingCount(account: string, symbol: string, action: 'BUY' | 'SELL'): number {
    let n = 0;
    for (const o of this.#orders.values()) {
      if (o.account === account && o.symbol === symbol && o.action === action && this.isWorking(o)) n++;
    }
    return n;
  }

  /** Records an order refused after its id was taken: it exists, Inactive, and never trades. */
  reject(input: NewOrder, reason: string): OrderRecord {
    const order = newOrderRecord(input, this.#host);
    order.status = 'Inactive';
    this.#complete(order, `Rejected: ${reason}`);
    this.#orders.set(order.key, order);
    return { ...order };
  }

  /** Accepts a validated order: PendingSubmit, PreSubmitted, then Submitted when live, then matching. */
  submit(input: NewOrder): { order: OrderRecord; events: EngineEvent[] } {
    const order = newOrderRecord(input, this.#host);
    this.#track(order);
    const events: EngineEvent[] = [{ kind: 'status', order: { ...order }, openOrder: false }];
    if (input.staged) {
      // Held untransmitted, as TWS holds it: Inactive, never trading, until transmitted.
      order.staged = true;
      order.status = 'Inactive';
      events.push({ kind: 'status', order: { ...order }, openOrder: true });
      return { order, events };
    }
    order.status = 'PreSubmitted';
    events.push({ kind: 'status', order: { ...order }, openOrder: true });
    events.push(...this.#activate(order));
    events.push(...this.#match(order, true));
    return { order, events };
  }

  /** Transmits a staged order: from here on it works like any other. */
  transmit(key: string): EngineEvent[] {
    const order = this.#orders.get(key);
    if (!order?.staged) return [];
    order.staged = false;
    order.status = 'PreSubmitted';
    return [
      { kind: 'status', order: { ...order }, openOrder: true },
      ...this.#activate(order),
      ...this.#match(order, true),
    ];
  }

  /** Applies a modification (re-placement of a working order id). */
  modify(
    key: string,
    changes: Pick<
      NewOrder,
      | 'totalQuantity'
      | 'orderType'
      | 'lmtPrice'
      | 'auxPrice'
      | 'tif'
      | 'outsideRth'
      | 'orderRef'
      | 'trailingPercent'
      | 'goodTillDate'
    >,
  ): EngineEvent[] {
    const order = this.#orders.get(key);
    if (!order || !this.isWorking(order)) return [];
    order.totalQuantity = changes.totalQuantity;
    order.orderType = changes.orderType;
    order.lmtPrice = changes.lmtPrice;
    order.auxPrice = changes.auxPrice;
    order.tif = changes.tif;
    order.outsideRth = changes.outsideRth;
    order.trailingPercent = changes.trailingPercent;
    order.goodTillDate = changes.goodTillDate;
    if (changes.orderRef !== '') order.orderRef = changes.orderRef;
    if (order.orderType === 'MKT' || order.orderType === 'LMT') order.triggered = true;
    const events: EngineEvent[] = [];
    if (order.filled >= order.totalQuantity) {
      // Reducing the size to what has already traded completes the order.
      order.status = 'Filled';
      this.#complete(order, 'Filled');
      events.push({ kind: 'status', order: { ...order }, openOrder: true });
      return events;
    }
    events.push(...this.#activate(order, true));
    events.push(...this.#match(order, false));
    return events;
  }

  /** Moves an order to PendingCancel; the caller then finishes the cancel or fills it first. */
  beginCancel(key: string): EngineEvent[] {
    const order = this.#orders.get(key);
    if (!order || !this.isWorking(order)) return [];
    order.status = 'PendingCancel';
    return [{ kind: 'status', order: { ...order }, openOrder: false }];
  }

  /** Cancels a working order; `reason` goes into error 202, or no 202 when undefined. */
  finishCancel(key: string, reason: string | undefined): EngineEvent[] {
    const order = this.#orders.get(key);
    if (!order || !this.isWorking(order)) return [];
    order.status = 'Cancelled';
    this.#complete(order, reason === undefined ? 'Cancelled' : `Cancelled: ${reason}`);
    const events: EngineEvent[] = [];
    if (reason !== undefined) {
      events.push({
        kind: 'error',
        order: { ...order },
        code: 202,
        message: `Order Canceled - reason:${reason}`,
      });
    }
    events.push({ kind: 'status', order: { ...order }, openOrder: true });
    const working = this.orders().filter((o) => this.isWorking(o));
    for (const child of cancelledWithParent(key, working)) events.push(...this.finishCancel(child, reason));
    return events;
  }

  /** Fills the whole remainder of an order at the market (or its limit), whatever the book shows. */
  forceFill(key: string): EngineEvent[] {
    const order = this.#orders.get(key);
    if (!order || !this.isWorking(order)) return [];
    const quote = this.#host.prices.quote(order.symbol);
    let price = order.action === 'BUY' ? quote.ask : quote.bid;
    if (order.lmtPrice !== undefined && (order.orderType === 'LMT' || order.orderType === 'STP LMT')) {
      price = order.action === 'BUY' ? Math.min(price, order.lmtPrice) : Math.max(price, order.lmtPrice);
    }
    return this.#fill(order, order.totalQuantity - order.filled, price);
  }

  /** Re-evaluates every working order of a symbol after its quote changed. */
  onQuote(symbol: string): EngineEvent[] {
    const events: EngineEvent[] = [];
    const live = this.#live.get(symbol);
    for (const order of live ? [...live] : []) {
      // Not deleted here: a staged leg is Inactive until its group is transmitted.
      if (!this.isWorking(order)) continue;
      // IB cancels a GTD order at its time without a 202, as it expires a DAY order at the close.
      if (gtdExpired(order, this.#host.now())) {
        events.push(...this.finishCancel(order.key, undefined));
        continue;
      }
      events.push(...this.#activate(order));
      events.push(...this.#match(order, false));
    }
    return events;
  }

  /** Regular trading hours opened or closed: held orders may go live. */
  onSessionChange(): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const symbol of new Set(
      this.orders()
        .filter((o) => this.isWorking(o))
        .map((o) => o.symbol),
    )) {
      events.push(...this.onQuote(symbol));
    }
    return events;
  }

  /** End of the trading day: DAY orders expire. */
  expireDayOrders(): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const order of this.#orders.values()) {
      if (order.tif === 'DAY' && this.isWorking(order))
        events.push(...this.finishCancel(order.key, undefined));
    }
    return events;
  }

  #track(order: OrderRecord): void {
    this.#orders.set(order.key, order);
    if (order.completedAt !== null) return;
    const live = this.#live.get(order.symbol) ?? new Set<OrderRecord>();
    live.add(order);
    this.#live.set(order.symbol, live);
  }

  #complete(order: OrderRecord, status: string): void {
    this.#live.get(order.symbol)?.delete(order);
    order.completedAt = this.#host.now();
    order.completedStatus = status;
  }

  #eligible(order: OrderRecord): boolean {
    if (this.#host.isRth()) return true;
    // Weekends, holidays and nights: nothing trades.
    if (this.#host.isExtendedHours && !this.#host.isExtendedHours()) return false;
    // Outside regular hours IB only works limit-priced orders that ask for it.
    return order.outsideRth && (order.orderType === 'LMT' || order.orderType === 'STP LMT');
  }

  /** Triggers stops and moves PreSubmitted orders that can trade to Submitted. */
  #activate(order: OrderRecord, repeatStatus = false): EngineEvent[] {
    if (order.status === 'PendingCancel') return [];
    if (awaitsParent(order, order.parentKey ? this.#orders.get(order.parentKey) : undefined)) return [];
    const quote = this.#host.prices.quote(order.symbol);
    if (!order.triggered && order.orderType === 'TRAIL' && this.#eligible(order)) {
      if (trailAndTouch(order, quote.last, this.#host.prices.spec(order.symbol).tick)) order.triggered = true;
    } else if (!order.triggered && order.auxPrice !== undefined && this.#eligible(order)) {
      const touched = order.action === 'BUY' ? quote.last >= order.auxPrice : quote.last <= order.auxPrice;
      if (touched) order.triggered = true;
    }
    const target: OrderStatus = order.triggered && this.#eligible(order) ? 'Submitted' : 'PreSubmitted';
    order.whyHeld = '';
    if (target !== order.status || repeatStatus) {
      order.status = target;
      return [{ kind: 'status', order: { ...order }, openOrder: true }];
    }
    return [];
  }

  #available(symbol: string, side: 'BUY' | 'SELL', quote: Quote): number {
    let pool = this.#liquidity.get(symbol);
    if (!pool || pool.version !== quote.version) {
      pool = { version: quote.version, buy: quote.askSize, sell: quote.bidSize };
      this.#liquidity.set(symbol, pool);
    }
    return side === 'BUY' ? pool.buy : pool.sell;
  }

  #take(symbol: string, side: 'BUY' | 'SELL', shares: number): void {
    const pool = this.#liquidity.get(symbol);
    if (!pool) return;
    if (side === 'BUY') pool.buy -= shares;
    else pool.sell -= shares;
  }

  /** Matches one order against its quote; `atPlacement` applies IOC/FOK's one-shot rule. */
  #match(order: OrderRecord, atPlacement: boolean): EngineEvent[] {
    const events: EngineEvent[] = [];
    const oneShot = order.tif === 'IOC' || order.tif === 'FOK';
    if (order.status === 'Submitted' || order.status === 'PendingCancel') {
      const quote = this.#host.prices.quote(order.symbol);
      const price = order.action === 'BUY' ? quote.ask : quote.bid;
      const limited = order.orderType === 'LMT' || order.orderType === 'STP LMT';
      const marketable =
        !limited ||
        (order.lmtPrice !== undefined &&
          (order.action === 'BUY' ? price <= order.lmtPrice : price >= order.lmtPrice));
      const available = this.#available(order.symbol, order.action, quote);
      const remaining = order.totalQuantity - order.filled;
      if (marketable && available > 0 && price > 0) {
        if (order.tif === 'FOK') {
          if (available >= remaining) events.push(...this.#fill(order, remaining, price));
        } else {
          events.push(...this.#fill(order, Math.min(remaining, available), price));
        }
      }
    }
    if (oneShot && atPlacement && this.isWorking(order)) {
      const why =
        order.tif === 'FOK' ? 'FOK order could not be filled in full at once' : 'IOC order remainder';
      events.push(...this.finishCancel(order.key, why));
    }
    return events;
  }

  #fill(order: OrderRecord, shares: number, price: number): EngineEvent[] {
    if (shares <= 0) return [];
    this.#take(order.symbol, order.action, shares);
    const cumQty = order.filled + shares;
    const filledValue = new Decimal(order.filledValue).plus(new Decimal(shares).times(price));
    const commissionBefore = new Decimal(order.commission);
    const { derivative } = this.#host.prices.spec(order.symbol);
    const rate = usdPerUnit(this.#host.prices, order.currency);
    const commissionAfter = commissionFor(derivative, cumQty, filledValue, rate);
    const commission = commissionAfter.minus(commissionBefore);
    // The account books contract value (price × multiplier) and pays cash in USD.
    const realized = this.#host
      .account(order.account)
      .applyFill(
        order.symbol,
        order.conId,
        order.action,
        shares,
        multiplied(price, derivative),
        commission,
        rate,
      );
    order.filled = cumQty;
    order.filledValue = filledValue.toString();
    order.commission = commissionAfter.toString();
    order.avgFillPrice = filledValue.dividedBy(cumQty).toDecimalPlaces(6).toNumber();
    order.lastFillPrice = price;
    const execution: ExecutionRecord = {
      execId: this.#host.nextExecId(),
      orderId: order.orderId,
      clientId: order.clientId,
      permId: order.permId,
      orderKey: order.key,
      orderRef: order.orderRef,
      account: order.account,
      symbol: order.symbol,
      conId: order.conId,
      primaryExch: order.primaryExch,
      currency: order.currency,
      exchange: executionVenue(order.primaryExch, derivative),
      side: order.action === 'BUY' ? 'BOT' : 'SLD',
      shares,
      price,
      cumQty,
      avgPrice: order.avgFillPrice,
      time: this.#host.now(),
      commission: commission.toString(),
      realizedPnl: realized === null ? null : realized.toString(),
      manual: order.manual,
      ...(derivative ? { derivative } : {}),
    };
    this.#executions.push(execution);
    const events: EngineEvent[] = [{ kind: 'execution', order: { ...order }, execution: { ...execution } }];
    if (cumQty >= order.totalQuantity) {
      order.status = 'Filled';
      this.#complete(order, 'Filled');
    } else if (order.status !== 'PendingCancel') {
      order.status = 'Submitted';
    }
    events.push({ kind: 'status', order: { ...order }, openOrder: true });
    events.push(...this.#groupEffects(order, shares));
    return events;
  }

  /** A fill's effects on attached children and OCA groups (groups.ts). */
  #groupEffects(order: OrderRecord, shares: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    const working = this.orders().filter((o) => this.isWorking(o));
    for (const effect of fillEffects(order, shares, working)) {
      const target = this.#orders.get(effect.key);
      if (!target || !this.isWorking(target)) continue;
      if (effect.kind === 'cancel') events.push(...this.finishCancel(effect.key, effect.reason));
      else if (effect.kind === 'release')
        events.push(...this.#activate(target), ...this.#match(target, false));
      else {
        target.totalQuantity = effect.totalQuantity;
        events.push({ kind: 'status', order: { ...target }, openOrder: true });
      }
    }
    return events;
  }
}
