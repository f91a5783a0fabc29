import { Duration } from 'aws-cdk-lib';
import { streamHandlers } from './constructs/stream.ts';
import { accessOf, type Access, type Topology } from './topology.ts';

export type HandlerKind = 'route' | 'authorizer' | 'consumer' | 'schedule' | 'trigger' | 'stream';

export interface HandlerUse {
  readonly kinds: Set<HandlerKind>;
  readonly access: Set<Access>;
  /** Files shipped beside the bundle (see RouteSpec.files). */
  readonly files: Set<string>;
  /** Packages shipped in the bundle's node_modules (see RouteSpec.packages). */
  readonly packages: Set<string>;
  /** Timeouts the topology asks for beyond the kinds' defaults (QueueConsumerSpec.timeoutSeconds). */
  readonly timeoutsSeconds: Set<number>;
}

export const TIMEOUTS: Record<HandlerKind, Duration> = {
  // API Gateway gives up on an integration after 30 s.
  route: Duration.seconds(10),
  authorizer: Duration.seconds(5),
  consumer: Duration.seconds(30),
  schedule: Duration.seconds(60),
  // Cognito waits at most 5 s for a trigger.
  trigger: Duration.seconds(5),
  // The fan-out posts to every subscribed socket of a tenant.
  stream: Duration.seconds(30),
};

/** The longest timeout any of a handler's uses needs. */
export function timeoutOf(use: HandlerUse): Duration {
  return [
    ...[...use.kinds].map((k) => TIMEOUTS[k]),
    ...[...use.timeoutsSeconds].map((s) => Duration.seconds(s)),
  ].reduce((a, b) => (a.toSeconds() >= b.toSeconds() ? a : b));
}

/** Every distinct handler file in the topology, with what it is used as and the union of its grants. */
export function collectHandlers(topology: Topology): Map<string, HandlerUse> {
  const uses = new Map<string, HandlerUse>();
  const add = (
    handler: string,
    kind: HandlerKind,
    spec: {
      readonly access?: readonly Access[] | undefined;
      readonly files?: readonly string[] | undefined;
      readonly packages?: readonly string[] | undefined;
      readonly timeoutSeconds?: number | undefined;
    },
  ) => {
    const use = uses.get(handler) ?? {
      kinds: new Set<HandlerKind>(),
      access: new Set<Access>(),
      files: new Set<string>(),
      packages: new Set<string>(),
      timeoutsSeconds: new Set<number>(),
    };
    use.kinds.add(kind);
    for (const a of accessOf(spec)) use.access.add(a);
    for (const f of spec.files ?? []) use.files.add(f);
    for (const p of spec.packages ?? []) use.packages.add(p);
    if (spec.timeoutSeconds !== undefined) use.timeoutsSeconds.add(spec.timeoutSeconds);
    uses.set(handler, use);
  };
  for (const route of topology.routes) add(route.handler, 'route', route);
  // The authorizer reads API keys and their tenants; it never writes orders or sends messages.
  if (topology.authorizer) add(topology.authorizer, 'authorizer', { access: ['table:read', 'table:write'] });
  // The pre-token trigger only reshapes the token Cognito hands it.
  const preToken = topology.identityTriggers?.preTokenGeneration;
  if (preToken) add(preToken, 'trigger', { access: [] });
  for (const consumer of topology.queueConsumers) add(consumer.handler, 'consumer', consumer);
  for (const schedule of topology.schedules) add(schedule.handler, 'schedule', schedule);
  if (topology.stream) for (const s of streamHandlers(topology.stream)) add(s.handler, 'stream', s);
  return uses;
}

/**
 * Which stack holds the functions of each handler folder (`functions/<folder>/...`), with their
 * routes, queue consumers and schedules. A route costs about 8 resources, so the groups keep
 * each stack far below CloudFormation's 500 (test/unit/cdk/stack.test.ts fails above 400).
 * A new folder joins a group here; until then it lands in `DEFAULT_GROUP`.
 */
export const FUNCTION_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Access: ['auth', 'tenants', 'users', 'api-keys', 'audit'],
  Trading: ['orders', 'risk', 'positions', 'pnl', 'marketdata'],
  Platform: ['health', 'docs', 'webhooks'],
  // The WebSocket API is built in this stack too (OmsApp), beside the functions it integrates.
  Stream: ['stream'],
};

/** Group of handler folders not listed in `FUNCTION_GROUPS`. */
export const DEFAULT_GROUP = 'Extensions';

/** The function group a handler file belongs to. */
export function groupOf(handler: string): string {
  const folder = handler
    .replace(/^functions\//, '')
    .split('/')
    .slice(0, -1)
    .join('/');
  for (const [group, folders] of Object.entries(FUNCTION_GROUPS)) if (folders.includes(folder)) return group;
  return DEFAULT_GROUP;
}
