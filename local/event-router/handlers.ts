/**
 * Lambda targets of bus rules, run in-process: the stream's fan-out. Events reach one handler in
 * the order they were published (one invocation at a time), which keeps the stream's sequence in
 * publication order locally; AWS gives no such promise (docs/stream.md says what that means).
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
    const previous = chains.get(target.handler) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const handler = await loadHandler(target.handler);
        await handler(event, lambdaContext(functionName(target.handler)));
      });
    chains.set(target.handler, run);
    return run;
  };
}
