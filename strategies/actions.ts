/**
 * What the host does with a callback's requests: orders through the same use cases as POST
 * /orders and POST /orders/{id}/cancel (validation, pre-trade risk, idempotency, audit), with the
 * strategy as the actor and its source on the order.
 */
import { DomainError } from '../core/errors.ts';
import type { Order } from '../core/orders/order.ts';
import { cancelOrder, placeOrder, type OrderDeps } from '../core/orders/service.ts';
import { strategyOrderKey, type Action } from '../core/strategies/callbacks.ts';
import type { Strategy, StrategyLogLine, StrategyTimer } from '../core/strategies/model.ts';

export interface ActionContext {
  orders: OrderDeps;
  strategy: Strategy;
  /** The strategy's working orders, as its snapshot showed them. */
  working: Order[];
  eventId: string;
  eventTime: number;
  at: string;
  timers: StrategyTimer[];
  maxTimers: number;
}

export interface ActionOutcome {
  placed: number;
  timers: StrategyTimer[];
  logs: StrategyLogLine[];
}

/** Runs the actions in order; refusals become log lines, never exceptions. */
export async function performActions(c: ActionContext, actions: Action[]): Promise<ActionOutcome> {
  const actor = { tenantId: c.strategy.tenantId, principal: `strategy:${c.strategy.id}` };
  const source = { strategyId: c.strategy.id, version: c.strategy.version };
  const logs: StrategyLogLine[] = [];
  const log = (level: StrategyLogLine['level'], message: string) => logs.push({ at: c.at, level, message });
  let timers = [...c.timers];
  let placed = 0;
  let n = 0;
  for (const action of actions) {
    try {
      if (action.kind === 'placeOrder') {
        const body: Record<string, unknown> = {
          ...(c.strategy.account ? { account: c.strategy.account } : {}),
          ...action.body,
        };
        const key = strategyOrderKey(c.strategy.id, c.strategy.version, c.eventId, n++);
        const outcome = await placeOrder(c.orders, actor, key, body, { source });
        placed++;
        const view = outcome.body as { id?: string; orderId?: string; code?: string; detail?: string };
        if (outcome.status >= 400)
          log(
            'warn',
            `order ${String(body.clientOrderId)} rejected: ${view.code} ${view.detail ?? ''}`.trim(),
          );
        else log('info', `order ${String(body.clientOrderId)} accepted as ${view.id}`);
      } else if (action.kind === 'cancelOrder') {
        const order = c.working.find((o) => o.id === action.id || o.clientOrderId === action.id);
        if (!order) log('warn', `cancel ${action.id}: no working order of this strategy has that id`);
        else await cancelOrder(c.orders, actor, order.id);
      } else {
        timers = timers.filter((t) => t.name !== action.name);
        if (timers.length >= c.maxTimers)
          log('warn', `timer ${action.name} refused: at most ${c.maxTimers} timers`);
        else timers.push({ name: action.name, at: c.eventTime + action.afterMs });
      }
    } catch (error) {
      // A refused request (invalid body, kill switch, reused key) is the strategy's to read in its logs.
      if (!(error instanceof DomainError)) throw error;
      log('error', `${action.kind} refused: ${error.code} ${error.message}`);
    }
  }
  return { placed, timers, logs };
}
