/**
 * What a connection's bridge tells its connection record on every heartbeat: status, the last
 * error, pacing and market-data-line usage (GET /api/v1/connections/{id} shows them).
 */
import type { ConnectionRuntimePatch } from './ports.ts';

/** IB's limit of API messages per second per connection, reported beside what was used. */
export const IB_MESSAGES_PER_SECOND = 50;

export interface RuntimeView {
  /** Connected to the broker and reconciled. */
  ready: boolean;
  state: 'disconnected' | 'connecting' | 'connected' | 'broker_lost';
  lastLoss: { reason: string; at: string } | undefined;
  messagesLastMinute: number;
  linesInUse: number;
  lineLimit: number;
  now: string;
}

/** The record's runtime fields for what the bridge sees now. */
export function runtimePatch(view: RuntimeView): ConnectionRuntimePatch {
  const status: ConnectionRuntimePatch['status'] =
    view.ready && view.state === 'connected'
      ? 'connected'
      : view.state === 'connecting' || view.state === 'connected'
        ? 'connecting'
        : 'disconnected';
  return {
    status,
    heartbeatAt: view.now,
    ...(view.lastLoss
      ? { lastError: { code: 'BROKER_CONNECTION_LOST', message: view.lastLoss.reason, at: view.lastLoss.at } }
      : {}),
    pacing: { limitPerSecond: IB_MESSAGES_PER_SECOND, usedLastMinute: view.messagesLastMinute },
    marketDataLines: { inUse: view.linesInUse, limit: view.lineLimit },
  };
}
