/**
 * Route resolution: which of our orders an IB order id or an orderRef names. Routes are cached
 * once seen; a lookup runs once per key, and messages arriving meanwhile wait behind the first,
 * in arrival order, so an order's messages keep their order.
 */
import { parseOrderId } from '../core/ids.ts';
import { sleep } from './keyed.ts';
import type { Logger } from './log.ts';
import type { ExecutionStore, OrderRoute } from './ports.ts';

const LOOKUP_ATTEMPTS = 6;

type RouteLookup = Pick<ExecutionStore, 'routeOfOrderRef' | 'routeOfBrokerOrder'>;

export class RouteBook {
  readonly #store: RouteLookup;
  readonly #clientId: number;
  readonly #log: Logger;
  readonly #byRef = new Map<string, OrderRoute>();
  readonly #byBrokerId = new Map<number, OrderRoute>();
  readonly #resolving = new Map<string, Array<(route: OrderRoute | undefined) => void>>();

  constructor(store: RouteLookup, clientId: number, log: Logger) {
    this.#store = store;
    this.#clientId = clientId;
    this.#log = log;
  }

  /** Remembers a route (a claim, a lookup, or one routed before a restart). */
  remember(route: OrderRoute): void {
    this.#byRef.set(route.orderId, route);
    if (route.clientId === this.#clientId) this.#byBrokerId.set(route.brokerOrderId, route);
  }

  /** Lookups in flight (messages waiting for them are not in any mailbox yet). */
  get pending(): number {
    return this.#resolving.size;
  }

  /** The cached route of our order id, if seen. */
  cached(orderId: string): OrderRoute | undefined {
    return this.#byRef.get(orderId);
  }

  /** The route of an IB order id of our client id. */
  byBrokerId(brokerOrderId: number, then: (route: OrderRoute | undefined) => void): void {
    const cached = this.#byBrokerId.get(brokerOrderId);
    if (cached) return then(cached);
    this.#resolve(
      `ib:${brokerOrderId}`,
      () => this.#store.routeOfBrokerOrder(this.#clientId, brokerOrderId),
      then,
    );
  }

  /** The route of an orderRef; without one of ours, only an order id of our own client id can be ours. */
  byRef(
    ref: string,
    brokerOrderId: number | undefined,
    clientId: number | undefined,
    then: (route: OrderRoute | undefined) => void,
  ): void {
    if (parseOrderId(ref)) {
      const cached = this.#byRef.get(ref);
      if (cached) return then(cached);
      this.#resolve(`ref:${ref}`, () => this.#store.routeOfOrderRef(ref), then);
      return;
    }
    if (brokerOrderId && clientId === this.#clientId) return this.byBrokerId(brokerOrderId, then);
    then(undefined);
  }

  #resolve(
    key: string,
    lookup: () => Promise<OrderRoute | undefined>,
    then: (route: OrderRoute | undefined) => void,
  ): void {
    const waiting = this.#resolving.get(key);
    if (waiting) {
      waiting.push(then);
      return;
    }
    const list = [then];
    this.#resolving.set(key, list);
    const attempt = async (): Promise<OrderRoute | undefined> => {
      for (let i = 1; ; i++) {
        try {
          return await lookup();
        } catch (error) {
          if (i >= LOOKUP_ATTEMPTS) throw error;
          await sleep(100 * 2 ** i);
        }
      }
    };
    attempt()
      .then((route) => {
        if (route) this.remember(route);
        return route;
      })
      .catch((error: unknown) => {
        this.#log.error('could not look up a broker order', { key, error: String(error) });
        return undefined;
      })
      .then((route) => {
        this.#resolving.delete(key);
        for (const fn of list) fn(route);
      });
  }
}
