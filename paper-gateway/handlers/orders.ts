/**
 * Order requests: placeOrder (new and modifications), cancelOrder, reqGlobalCancel, open and
 * completed orders, reqAutoOpenOrders and reqExecutions.
 */
import { performance } from 'node:perf_hooks';
import type { Connection } from '../connection.ts';
import {
  assertSimulated,
  type ExecutionFilterRequest,
  type PlaceOrderRequest,
  type SimulatedOrderType,
  type SimulatedTif,
} from '../decoder.ts';
import * as enc from '../encoder.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import {
  MAX_WORKING_PER_SIDE,
  validateNewOrder,
  type EngineEvent,
  type NewOrder,
  type OrderRecord,
} from '../matching.ts';
import type { Placement } from '../server-types.ts';
import type { GatewayContext } from '../context.ts';
import { dispatch } from './events.ts';
import { previewRecord, whatIfFigures } from './what-if.ts';
import { NO_SECURITY, resolveSymbol } from './contracts.ts';
import { parseGoodTillDate } from '../trailing.ts';

export function placeOrder(gw: GatewayContext, conn: Connection, req: PlaceOrderRequest): void {
  const clientId = conn.clientId ?? 0;
  const key = `${clientId}:${req.orderId}`;
  const existing = gw.engine.get(key);
  const modification = existing !== undefined && gw.engine.isWorking(existing);
  const placement: Placement = {
    receivedAt: performance.timeOrigin + performance.now(),
    clientId,
    orderId: req.orderId,
    orderRef: req.orderRef,
    permId: existing?.permId ?? null,
    symbol: req.contract.symbol,
    action: req.action,
    quantity: req.totalQuantity,
    orderType: req.orderType,
    lmtPrice: req.lmtPrice,
    auxPrice: req.auxPrice,
    tif: req.tif,
    modification,
    outcome: modification ? 'modified' : 'accepted',
  };
  gw.placements.push(placement);
  const refuse = (code: number, message: string): void => {
    placement.outcome = code;
    conn.send(enc.errorMessage(req.orderId, code, message, conn.v));
  };

  if (existing?.staged && req.transmit) {
    // Re-placing a held order with transmit=true sends it, as TWS does.
    dispatch(gw, gw.engine.transmit(key));
    gw.scheduleSave();
    return;
  }
  if (existing && !modification) {
    // Re-placing a finished order's id is a new order with a used id, not a modification.
    refuse(103, 'Duplicate order id');
    return;
  }
  const ids = gw.ids(clientId);
  if (!existing && req.orderId <= ids.max) {
    refuse(103, 'Duplicate order id');
    return;
  }
  if (!existing) {
    ids.max = Math.max(ids.max, req.orderId);
    ids.next = Math.max(ids.next, req.orderId + 1);
  }
  const symbol = resolveSymbol(gw, req.contract);
  if (symbol === undefined) {
    refuse(200, NO_SECURITY);
    return;
  }
  const goodTillDate = req.goodTillDate === '' ? undefined : parseGoodTillDate(req.goodTillDate);
  const input: NewOrder = {
    orderId: req.orderId,
    clientId,
    account: req.account || gw.account,
    symbol,
    action: req.action.toUpperCase() === 'SELL' ? 'SELL' : 'BUY',
    totalQuantity: req.totalQuantity ?? 0,
    orderType: req.orderType.toUpperCase() as SimulatedOrderType,
    lmtPrice: req.lmtPrice,
    auxPrice: req.auxPrice,
    tif: (req.tif === '' ? 'DAY' : req.tif.toUpperCase()) as SimulatedTif,
    outsideRth: req.outsideRth,
    orderRef: req.orderRef,
    ...(req.trailingPercent !== undefined ? { trailingPercent: req.trailingPercent } : {}),
    ...(req.trailStopPrice !== undefined ? { trailStopPrice: req.trailStopPrice } : {}),
    ...(goodTillDate !== undefined ? { goodTillDate } : {}),
    ...(req.parentId !== 0 ? { parentKey: `${clientId}:${req.parentId}` } : {}),
    ...(req.ocaGroup !== '' ? { ocaGroup: req.ocaGroup, ocaType: req.ocaType } : {}),
    ...(req.transmit ? {} : { staged: true }),
  };
  let reason: string | undefined;
  try {
    assertSimulated(req);
    if (req.action.toUpperCase() !== 'BUY' && req.action.toUpperCase() !== 'SELL') {
      throw new UnsupportedFeatureError(
        `the paper gateway does not simulate action ${req.action} (only BUY, SELL)`,
      );
    }
  } catch (error) {
    if (!(error instanceof UnsupportedFeatureError)) throw error;
    reason = error.message;
  }
  reason ??= validateNewOrder(input, gw.prices);
  const parent = input.parentKey ? gw.engine.get(input.parentKey) : undefined;
  if (reason === undefined && input.parentKey && !existing && (!parent || !isLive(gw, parent)))
    reason = `Parent order ${req.parentId} is not a working order.`;
  if (reason === undefined && input.account !== gw.account)
    reason = `Account ${input.account} is not a managed account.`;

  if (existing) {
    // A modification may change size, prices and type, not the contract or the side.
    if (existing.symbol !== symbol || existing.action !== input.action) {
      refuse(105, 'Order being modified does not match original order.');
      return;
    }
    if (reason !== undefined) {
      refuse(201, `Order rejected - reason:${reason}`);
      return;
    }
    dispatch(gw, gw.engine.modify(key, input));
    gw.scheduleSave();
    return;
  }

  if (req.whatIf) {
    if (reason !== undefined) {
      refuse(201, `Order rejected - reason:${reason}`);
      return;
    }
    placement.outcome = 'what-if';
    conn.send(enc.openOrder(previewRecord(gw, input), 'PreSubmitted', conn.v, whatIfFigures(gw, input)));
    return;
  }
  const armed = gw.faults.claimRejection();
  if (reason === undefined && armed) {
    placement.outcome = armed.code;
    rejectOrder(
      gw,
      conn,
      input,
      armed.code,
      armed.code === 201 ? `Order rejected - reason:${armed.reason}` : armed.reason,
    );
    return;
  }
  if (
    reason === undefined &&
    gw.engine.workingCount(input.account, symbol, input.action) >= MAX_WORKING_PER_SIDE
  ) {
    reason = `Cannot have more than ${MAX_WORKING_PER_SIDE} working orders on the same side of one contract in one account.`;
  }
  if (reason !== undefined) {
    placement.outcome = 201;
    rejectOrder(gw, conn, input, 201, `Order rejected - reason:${reason}`);
    return;
  }
  gw.faults.claimStatusFault(key);
  if (!input.staged && parent?.staged) {
    // The last child of a bracket transmits its parent and the siblings held before it.
    dispatch(gw, gw.engine.transmit(parent.key));
    for (const sibling of gw.engine.orders().filter((o) => o.staged && o.parentKey === parent.key))
      dispatch(gw, gw.engine.transmit(sibling.key));
  }
  const { order, events } = gw.engine.submit(input);
  placement.permId = order.permId;
  if (input.outsideRth && (input.orderType === 'MKT' || input.orderType === 'STP')) {
    conn.send(
      enc.errorMessage(
        req.orderId,
        2109,
        "Order Event Warning:Attribute 'Outside Regular Trading Hours' is ignored based on the order type and destination. PlaceOrder is now being processed.",
        conn.v,
      ),
    );
  }
  dispatch(gw, events);
  gw.scheduleSave();
}

function rejectOrder(
  gw: GatewayContext,
  conn: Connection,
  input: NewOrder,
  code: number,
  message: string,
): void {
  const order = gw.engine.reject(input, message);
  conn.send(enc.errorMessage(input.orderId, code, message, conn.v));
  conn.send(enc.orderStatus(order, conn.v));
  gw.scheduleSave();
}

export function cancelOrder(gw: GatewayContext, conn: Connection, orderId: number): void {
  const key = `${conn.clientId ?? 0}:${orderId}`;
  const order = gw.engine.get(key);
  if (!order) {
    conn.send(
      enc.errorMessage(orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`, conn.v),
    );
    return;
  }
  if (!gw.engine.isWorking(order)) {
    conn.send(
      enc.errorMessage(
        orderId,
        10148,
        `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${order.status}.`,
        conn.v,
      ),
    );
    return;
  }
  const events = gw.engine.beginCancel(key);
  if (gw.faults.claimFillOnCancel()) {
    events.push(...gw.engine.forceFill(key));
    dispatch(gw, events);
    conn.send(
      enc.errorMessage(
        orderId,
        10148,
        `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: Filled.`,
        conn.v,
      ),
    );
  } else {
    events.push(...gw.engine.finishCancel(key, ''));
    dispatch(gw, events);
  }
  gw.scheduleSave();
}

export function globalCancel(gw: GatewayContext): void {
  const events: EngineEvent[] = [];
  for (const o of gw.engine.orders()) {
    if (!gw.engine.isWorking(o)) continue;
    events.push(...gw.engine.beginCancel(o.key), ...gw.engine.finishCancel(o.key, ''));
  }
  dispatch(gw, events);
  gw.scheduleSave();
}

export function sendOpenOrders(
  gw: GatewayContext,
  conn: Connection,
  include: (o: OrderRecord) => boolean,
): void {
  for (const o of gw.engine.orders()) {
    if (!gw.engine.isWorking(o) || !include(o)) continue;
    conn.send(enc.openOrder(o, undefined, conn.v));
    conn.send(enc.orderStatus(o, conn.v));
  }
  conn.send(enc.openOrderEnd());
}

export function autoOpenOrders(gw: GatewayContext, conn: Connection, autoBind: boolean): void {
  if (conn.clientId !== 0) {
    conn.send(
      enc.errorMessage(
        -1,
        321,
        "Error validating request.-'bN' : cause - Only client id 0 can bind manual orders (reqAutoOpenOrders).",
        conn.v,
      ),
    );
    return;
  }
  conn.autoBind = autoBind;
  if (!autoBind) return;
  for (const o of gw.engine.orders()) {
    if (!o.manual || !gw.engine.isWorking(o)) continue;
    conn.send(enc.openOrder(o, undefined, conn.v));
    conn.send(enc.orderStatus(o, conn.v));
  }
}

export function sendExecutions(gw: GatewayContext, conn: Connection, f: ExecutionFilterRequest): void {
  const since = parseFilterTime(f.time);
  for (const e of gw.engine.executions()) {
    if (f.clientId && e.clientId !== f.clientId) continue;
    if (f.acctCode && e.account !== f.acctCode) continue;
    if (f.symbol && e.symbol !== f.symbol.toUpperCase()) continue;
    if (f.secType && f.secType.toUpperCase() !== 'STK') continue;
    if (f.exchange && f.exchange.toUpperCase() !== 'SMART' && e.exchange !== f.exchange.toUpperCase())
      continue;
    if (f.side) {
      const side = f.side.toUpperCase();
      if ((side === 'BUY' || side === 'BOT') !== (e.side === 'BOT')) continue;
    }
    if (since !== undefined && e.time < since) continue;
    conn.send(enc.execDetails(f.reqId, e, conn.v));
    conn.send(enc.commissionReport(e));
  }
  conn.send(enc.execDetailsEnd(f.reqId));
}

/** reqCompletedOrders: every finished order (API ones only when asked). */
export function sendCompletedOrders(gw: GatewayContext, conn: Connection, apiOnly: boolean): void {
  for (const o of gw.engine.orders()) {
    if (gw.engine.isWorking(o) || (apiOnly && o.manual)) continue;
    conn.send(enc.completedOrder(o, conn.v));
  }
  conn.send(enc.completedOrdersEnd());
}

/** Parses reqExecutions' time filter (`yyyymmdd-hh:mm:ss` or `yyyymmdd hh:mm:ss`, UTC). */
export function parseFilterTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return undefined;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
}

/** A parent an attached child may join: working, or held untransmitted. */
function isLive(gw: GatewayContext, order: OrderRecord): boolean {
  return order.staged === true || gw.engine.isWorking(order);
}
