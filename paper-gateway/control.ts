/**
 * The in-process control interface: fault injection, prices, the simulated clock and sessions,
 * and inspection. The HTTP control server (control-http.ts) exposes the same operations.
 */
import { ControlError } from './errors.ts';
import { contractMark, pushPnl } from './handlers/account.ts';
import { broadcast, dispatch } from './handlers/events.ts';
import { broadcastTicks } from './handlers/market.ts';
import { validateNewOrder, type NewOrder } from './matching.ts';
import type { Quote, QuoteUpdate } from './prices.ts';
import type {
  ManualOrderInput,
  PaperGatewayControl,
  PlacementCounts,
  RestartOptions,
  TradingHoursMode,
} from './server-types.ts';
import type { GatewayContext } from './context.ts';

function clockState(gw: GatewayContext): {
  now: number;
  iso: string;
  session: ReturnType<GatewayContext['session']>;
} {
  const now = gw.clock.now();
  return { now, iso: new Date(now).toISOString(), session: gw.session() };
}

/** Builds the control interface of a gateway. */
export function makeControl(gw: GatewayContext): PaperGatewayControl {
  return {
    dropConnections: (clientId?: number): number => {
      let n = 0;
      for (const c of [...gw.connections]) {
        if (clientId !== undefined && c.clientId !== clientId) continue;
        c.closed = true;
        c.socket.destroy();
        gw.connections.delete(c);
        n++;
      }
      return n;
    },
    connectivityLost: (): void => {
      gw.connectivityLost = true;
      broadcast(gw, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    },
    connectivityRestored: (dataLost = false): void => {
      gw.connectivityLost = false;
      if (dataLost) {
        for (const c of gw.connections) c.marketData.clear();
        broadcast(gw, 1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.');
      } else {
        broadcast(
          gw,
          1102,
          'Connectivity between IB and Trader Workstation has been restored - data maintained.',
        );
      }
    },
    restart: async (options: RestartOptions = {}): Promise<void> => {
      const port = gw.port;
      await gw.stopListening();
      if (options.endSession) dispatch(gw, gw.engine.expireDayOrders());
      if (options.nextValidId !== undefined)
        for (const ids of gw.clientIds.values()) ids.next = options.nextValidId;
      gw.flushState();
      if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
      if (!gw.closing) await gw.bind(port);
    },
    omitOrderStatus: (count = 1): void => {
      gw.faults.omitOrderStatus(count);
    },
    delayOrderStatus: (count: number, ms: number): void => {
      gw.faults.delayOrderStatus(count, ms);
    },
    rejectNextOrder: (code = 201, reason = 'Rejected by the paper gateway fault injection.'): void => {
      gw.faults.rejectNextOrder(code, reason);
    },
    fillWhilePendingCancel: (count = 1): void => {
      gw.faults.fillWhilePendingCancel(count);
    },
    enterManualOrder: (input: ManualOrderInput): { permId: number; status: string } => {
      if (!gw.prices.has(input.symbol)) throw new ControlError(`unknown symbol ${input.symbol}`);
      const order: NewOrder = {
        orderId: 0,
        clientId: 0,
        account: gw.account,
        symbol: gw.prices.spec(input.symbol).symbol,
        action: input.action,
        totalQuantity: input.quantity,
        orderType: input.orderType ?? (input.lmtPrice === undefined ? 'MKT' : 'LMT'),
        lmtPrice: input.lmtPrice,
        auxPrice: input.auxPrice,
        tif: input.tif ?? 'DAY',
        outsideRth: input.outsideRth ?? false,
        orderRef: input.orderRef ?? '',
        manual: true,
      };
      const reason = validateNewOrder(order, gw.prices);
      if (reason) throw new ControlError(reason);
      const { order: record, events } = gw.engine.submit(order);
      dispatch(gw, events);
      gw.scheduleSave();
      return { permId: record.permId, status: gw.engine.get(record.key)?.status ?? record.status };
    },
    setPrice: (symbol: string, update: QuoteUpdate): Quote => {
      const quote = gw.prices.set(symbol, update);
      gw.history.record(quote.symbol, gw.clock.now(), quote.last, quote.lastSize);
      broadcastTicks(gw, quote);
      dispatch(gw, gw.engine.onQuote(quote.symbol));
      pushPnl(gw);
      gw.scheduleSave();
      return gw.prices.quote(quote.symbol);
    },
    step: (symbol?: string, count = 1): Quote[] => {
      const symbols = symbol === undefined ? gw.prices.symbols() : [gw.prices.spec(symbol).symbol];
      const quotes: Quote[] = [];
      for (let i = 0; i < count; i++) {
        for (const s of symbols) {
          const quote = gw.prices.step(s);
          gw.history.record(quote.symbol, gw.clock.now(), quote.last, quote.lastSize);
          broadcastTicks(gw, quote);
          dispatch(gw, gw.engine.onQuote(s));
          if (i === count - 1) quotes.push(gw.prices.quote(s));
        }
      }
      pushPnl(gw);
      gw.scheduleSave();
      return quotes;
    },
    quote: (symbol: string): Quote => {
      return gw.prices.quote(symbol);
    },
    setTradingHours: (rth: boolean): void => {
      gw.rthOverride = rth;
      dispatch(gw, gw.engine.onSessionChange());
    },
    setTradingHoursMode: (mode: TradingHoursMode): void => {
      if (mode !== 'always' && mode !== 'exchange')
        throw new ControlError(`unknown trading hours mode ${String(mode)}`);
      gw.tradingHoursMode = mode;
      gw.rthOverride = null;
      dispatch(gw, gw.engine.onSessionChange());
    },
    clock: () => clockState(gw),
    setClock: (epochMs: number) => {
      gw.clock.set(epochMs);
      dispatch(gw, gw.engine.onSessionChange());
      return clockState(gw);
    },
    advanceClock: (ms: number) => {
      gw.clock.advance(ms);
      dispatch(gw, gw.engine.onSessionChange());
      return clockState(gw);
    },
    endSession: (): void => {
      dispatch(gw, gw.engine.expireDayOrders());
      gw.scheduleSave();
    },
    placements: () => gw.placements.map((p) => ({ ...p })),
    placementsByOrderRef: (): PlacementCounts => {
      const counts: PlacementCounts = {};
      for (const p of gw.placements) {
        const entry = (counts[p.orderRef] ??= { placed: 0, modified: 0 });
        if (p.modification) entry.modified += 1;
        else entry.placed += 1;
      }
      return counts;
    },
    orders: () => gw.engine.orders().map((o) => ({ ...o })),
    executions: () => gw.engine.executions(),
    positions: () => gw.mainAccount.positionViews(),
    accountSummary: () => gw.mainAccount.summary((s) => contractMark(gw, s)),
    pacingViolations: () => Object.fromEntries(gw.pacingViolations),
    messageCount: (clientId?: number) =>
      clientId === undefined ? gw.messages : (gw.messagesByClient.get(clientId) ?? 0),
    clients: () =>
      [...gw.connections].filter((c) => c.clientId !== null && !c.closed).map((c) => c.clientId as number),
  };
}
