/**
 * Asks the broker a question through the connection's bridge and waits, bounded, for the answer.
 * The request id is random and never leaves the asking Lambda, and the reply is stored under the
 * asking tenant: nobody else can name, let alone read, the answer.
 */
import { randomUUID } from 'node:crypto';
import { BrokerRequestFailedError, BrokerTimeoutError } from './errors.ts';
import type { BrokerRequestPayload } from './model.ts';
import type { BrokerReplyStore, BrokerRequestChannel } from './ports.ts';

export interface BrokerAskDeps {
  channel: BrokerRequestChannel;
  replies: BrokerReplyStore;
  waitMs: number;
  /** How often the reply item is looked for. */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  newRequestId?: () => string;
}

/** Who asks, and through which connection (the one the tenant's orders go to). */
export interface BrokerAskRoute {
  tenantId: string;
  connectionId: string;
  account?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The broker's result for the request, or BrokerTimeoutError / BrokerRequestFailedError. */
export async function askBroker(
  deps: BrokerAskDeps,
  route: BrokerAskRoute,
  payload: BrokerRequestPayload,
): Promise<unknown> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const pollMs = deps.pollMs ?? 50;
  const requestId = (deps.newRequestId ?? randomUUID)();
  const deadline = now() + deps.waitMs;
  await deps.channel.send({
    type: 'broker_request',
    requestId,
    tenantId: route.tenantId,
    connectionId: route.connectionId,
    ...(route.account ? { account: route.account } : {}),
    expiresAt: new Date(deadline).toISOString(),
    payload,
  });
  while (now() < deadline) {
    await sleep(Math.min(pollMs, Math.max(1, deadline - now())));
    const reply = await deps.replies.get(route.tenantId, requestId);
    if (!reply) continue;
    if (reply.ok) return reply.result;
    throw new BrokerRequestFailedError(payload.kind, reply.message, reply.ibCode);
  }
  throw new BrokerTimeoutError(payload.kind, deps.waitMs);
}
