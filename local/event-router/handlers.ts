/**
 * Lambda targets of bus rules, run in-process: the stream's fan-out. One tenant's events reach a
 * handler in the order they were published (one invocation at a time per tenant), which keeps the
 * tenant's stream sequence in publication order locally; AWS gives no such promise (docs/stream.md
 * says what that means). Other tenants' events, and quotes (per symbol), run beside them: a busy
 * tenant never holds up another's events.
 */
import { stream } from '../../core/topology.ts';
import { functionName, lambdaContext, loadHandler } from '../lambda.ts';
import type { EventEnvelope, EventRouterOptions, RouterRule } from './router.ts';

/** The stream's fan-out rule, as the router runs it. */
export const streamRule: RouterRule = {
  name: stream.fanOut.rule,
  description: stream.fanOut.description,
  pattern: stream.fanOut.pattern,
  target: { handler: stream.fanOut.handler },
};

/** A `deliver` that invokes handler targets in-process and hands every other target to `others`. */
export function handlerDeliverer(others: EventRouterOptions['deliver']): EventRouterOptions['deliver'] {
  const chains = new Map<string, Promise<unknown>>();
  return (target, event: EventEnvelope) => {
    if (!('handler' in target)) return others(target, event);
    const key = `${target.handler} ${orderedWithin(event)}`;
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const handler = await loadHandler(target.handler);
        await handler(event, lambdaContext(functionName(target.handler)));
      });
    chains.set(key, run);
    void run
      .catch(() => undefined)
      .then(() => {
        if (chains.get(key) === run) chains.delete(key);
      });
    return run;
  };
}

/** What an event is ordered within: its tenant, else (a quote) its symbol. */
function orderedWithin(event: EventEnvelope): string {
  const { tenantId, symbol } = event.detail;
  if (typeof tenantId === 'string') return `tenant:${tenantId}`;
  return typeof symbol === 'string' ? `symbol:${symbol}` : '';
}
