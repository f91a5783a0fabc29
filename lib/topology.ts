import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type * as TopologyModule from '../core/topology.ts';
import type { HandlerAccess } from '../core/topology.ts';

/** The repository root: handler paths in the topology, the lock file and the bridge's build context are relative to it. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What the CDK app reads from `core/topology.ts`. `authorizer` is optional here because the
 * access work adds it to the topology; until then, a topology with `caller` routes is refused.
 */
export type Topology = Pick<
  typeof TopologyModule,
  'table' | 'queues' | 'eventBus' | 'rules' | 'routes' | 'queueConsumers' | 'schedules' | 'env' | 'dlqName'
> & {
  /** Handler module of the Lambda authorizer used by every `caller` route. */
  readonly authorizer?: string | undefined;
  /** The live stream's WebSocket API and fan-out (lib/constructs/stream.ts); absent, none is built. */
  readonly stream?: TopologyModule.StreamSpec | undefined;
  /** Cognito trigger handlers. */
  readonly identityTriggers?: { readonly preTokenGeneration?: string } | undefined;
};

export type QueueKey = keyof Topology['queues'];

/** Grants a handler may ask for in the topology; absent means read and write on the table. */
export type Access = HandlerAccess;

const DEFAULT_ACCESS: readonly Access[] = ['table:read', 'table:write'];

/** Reads the optional `access` list off a route, consumer or schedule spec. */
export function accessOf(spec: { readonly access?: readonly Access[] | undefined }): readonly Access[] {
  return spec.access ?? DEFAULT_ACCESS;
}

/** `oms-events-to-webhooks` → `OmsEventsToWebhooks`, for construct ids. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A handler file's construct id: `functions/orders/create.ts` → `OrdersCreate`. */
export function handlerId(handler: string): string {
  return pascal(handler.replace(/^functions\//, '').replace(/\.[cm]?[jt]s$/, ''));
}

/** A queue key's construct id: `orders` → `Orders`. */
export const queueId = pascal;
