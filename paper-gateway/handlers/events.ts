/**
 * Engine events → messages: order statuses, executions and commissions to the order's
 * connections (each at its own version), then position and P&L pushes.
 */
import type { Connection } from '../connection.ts';
import * as enc from '../encoder.ts';
import type { Field } from '../framing.ts';
import type { EngineEvent, ExecutionRecord, OrderRecord } from '../matching.ts';
import type { GatewayContext } from '../context.ts';
import { pushPnl, pushPosition } from './account.ts';

function recipients(gw: GatewayContext, order: OrderRecord): Connection[] {
  if (order.manual) return [...gw.connections].filter((c) => c.clientId === 0 && c.autoBind && !c.closed);
  return gw.connectionsOf(order.clientId);
}

/** Sends what the engine reports to whoever must hear it. */
export function dispatch(gw: GatewayContext, events: readonly EngineEvent[]): void {
  const commissions: ExecutionRecord[] = [];
  const touched = new Set<string>();
  for (const event of events) {
    if (gw.connectivityLost) continue;
    const targets = recipients(gw, event.order);
    if (event.kind === 'error') {
      for (const c of targets) c.send(enc.errorMessage(event.order.orderId, event.code, event.message, c.v));
    } else if (event.kind === 'execution') {
      for (const c of targets) c.send(enc.execDetails(-1, event.execution, c.v));
      commissions.push(event.execution);
      touched.add(event.order.symbol);
    } else {
      sendStatus(gw, targets, event.order, event.openOrder);
    }
  }
  // IB reports the commission once the fill's status has gone out.
  for (const e of commissions) {
    const order = gw.engine.get(e.orderKey);
    if (!order) continue;
    for (const c of recipients(gw, order)) c.send(enc.commissionReport(e));
  }
  for (const symbol of touched) pushPosition(gw, symbol);
  if (touched.size > 0) pushPnl(gw);
}

function sendStatus(
  gw: GatewayContext,
  targets: Connection[],
  order: OrderRecord,
  withOpenOrder: boolean,
): void {
  const fault = gw.faults.disturbed.get(order.key);
  if (fault?.mode === 'omit') return;
  // Encoded now, so that a delayed status still shows the order as it was.
  const batches = targets.map((c) => {
    const messages: Field[][] = [];
    if (withOpenOrder) messages.push(enc.openOrder(order, order.status, c.v));
    messages.push(enc.orderStatus(order, c.v));
    // IB repeats the final orderStatus of a fill.
    if (order.status === 'Filled') messages.push(enc.orderStatus(order, c.v));
    return { c, messages };
  });
  const send = (): void => {
    for (const { c, messages } of batches) for (const m of messages) c.send(m);
  };
  if (fault?.mode === 'delay') {
    const timer = setTimeout(() => {
      gw.pendingTimers.delete(timer);
      send();
    }, fault.ms);
    gw.pendingTimers.add(timer);
    return;
  }
  send();
}

/** A connection-level notice (id -1) to every started connection. */
export function broadcast(gw: GatewayContext, code: number, message: string): void {
  for (const c of gw.connections) if (c.clientId !== null) c.send(enc.errorMessage(-1, code, message, c.v));
}
