/**
 * A connection's session: the handshake (version negotiation exactly as IB does it, one log
 * line per handshake), pacing, decoding at the negotiated version, and startApi. A message that
 * fails to decode is answered with error 320 on its own request id.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { requestIdOf } from './codec/unserved.ts';
import { Connection } from './connection.ts';
import { decodeClientMessage, type ClientMessage } from './decoder.ts';
import * as enc from './encoder.ts';
import { DecodeError, FramingError } from './errors.ts';
import { handleRequest } from './handlers/router.ts';
import type { GatewayContext } from './context.ts';
import { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION, negotiate } from './versions.ts';
import type { VersionRange } from './framing.ts';

const CLIENT_ID_IN_USE =
  'Unable to connect as the client id is already in use. Retry with a unique client id.';
const FARM_NOTICES: ReadonlyArray<[number, string]> = [
  [2104, 'Market data farm connection is OK:usfarm'],
  [2106, 'HMDS data farm connection is OK:ushmds'],
  [2158, 'Sec-def data farm connection is OK:secdefnj'],
];
/** How long a refused client gets to read the announced version before the socket closes. */
const REFUSAL_GRACE_MS = 200;

/** Wires a new socket into the gateway. */
export function acceptConnection(gw: GatewayContext, socket: net.Socket): void {
  socket.setNoDelay(true);
  const conn = new Connection(socket);
  gw.connections.add(conn);
  socket.on('data', (chunk: Buffer) => onData(gw, conn, chunk));
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    conn.closed = true;
    gw.connections.delete(conn);
  });
}

function onData(gw: GatewayContext, conn: Connection, chunk: Buffer): void {
  if (conn.closed) return;
  let events;
  try {
    events = conn.reader.push(chunk);
  } catch (error) {
    // Garbage framing: nothing after it can be trusted on this socket, so only it is closed.
    if (error instanceof FramingError) {
      conn.close();
      return;
    }
    throw error;
  }
  for (const event of events) {
    if (conn.closed) return;
    if (event.kind === 'handshake') handshake(gw, conn, event.range);
    else onMessage(gw, conn, event.fields);
  }
}

function handshake(gw: GatewayContext, conn: Connection, range: VersionRange): void {
  const result = negotiate(range);
  gw.log?.(
    JSON.stringify({
      event: 'paper-gateway.handshake',
      remote: `${conn.socket.remoteAddress ?? '?'}:${conn.socket.remotePort ?? '?'}`,
      offered: `v${range.min}..${range.max}`,
      supported: `v${MIN_SUPPORTED_VERSION}..${MAX_SUPPORTED_VERSION}`,
      ...(result.accepted
        ? { accepted: true, version: result.version }
        : { accepted: false, announced: result.answer }),
    }),
  );
  if (!result.accepted) {
    // IB's refusal: it announces a version of its own, outside the client's range; the client
    // reports "Unsupported Version" and hangs up. The socket closes shortly in any case.
    conn.send(enc.serverHello(result.answer, gw.clock.now()));
    conn.version = -1;
    const timer = setTimeout(() => {
      gw.pendingTimers.delete(timer);
      conn.close();
    }, REFUSAL_GRACE_MS);
    gw.pendingTimers.add(timer);
    return;
  }
  conn.version = result.version;
  conn.send(enc.serverHello(result.version, gw.clock.now()));
}

function onMessage(gw: GatewayContext, conn: Connection, fields: string[]): void {
  if (conn.version <= 0) {
    conn.close();
    return;
  }
  gw.messages += 1;
  conn.messages += 1;
  if (conn.clientId !== null) {
    gw.messagesByClient.set(conn.clientId, (gw.messagesByClient.get(conn.clientId) ?? 0) + 1);
    if (!withinPacing(gw, conn)) return;
  }
  let message: ClientMessage;
  try {
    message = decodeClientMessage(fields, conn.version);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    if (conn.clientId === null) {
      conn.close();
      return;
    }
    const message = `Error reading request. Message id ${fields[0] ?? ''}: ${error.message} (server version ${conn.version})`;
    conn.send(enc.errorMessage(requestIdOf(fields, conn.version), 320, message, conn.v));
    return;
  }
  if (conn.clientId === null && message.type !== 'startApi') {
    conn.close();
    return;
  }
  if (message.type === 'startApi') startApi(gw, conn, message.clientId);
  else handleRequest(gw, conn, message);
}

/** Sliding one-second window per connection; the excess gets error 100 and is dropped. */
function withinPacing(gw: GatewayContext, conn: Connection): boolean {
  const limit = gw.pacingLimit;
  if (limit <= 0 || conn.clientId === null || gw.unpaced.has(conn.clientId)) return true;
  const now = performance.now();
  while (conn.recent.length > 0 && (conn.recent[0] as number) <= now - 1000) conn.recent.shift();
  conn.recent.push(now);
  if (conn.recent.length <= limit) return true;
  gw.pacingViolations.set(conn.clientId, (gw.pacingViolations.get(conn.clientId) ?? 0) + 1);
  const text = `Max rate of messages per second has been exceeded:max=${limit} rec=${conn.recent.length} (1)`;
  conn.send(enc.errorMessage(-1, 100, text, conn.v));
  // Repeated excess (twice the limit inside one second) drops the connection, as IB does.
  if (conn.recent.length > 2 * limit) conn.close();
  return false;
}

function startApi(gw: GatewayContext, conn: Connection, clientId: number): void {
  if (conn.clientId !== null) return;
  if ([...gw.connections].some((c) => c !== conn && c.clientId === clientId && !c.closed)) {
    conn.send(enc.errorMessage(-1, 326, CLIENT_ID_IN_USE, conn.v));
    conn.close();
    return;
  }
  conn.clientId = clientId;
  conn.send(enc.managedAccounts([gw.account]));
  conn.send(enc.nextValidId(gw.ids(clientId).next));
  for (const [code, text] of FARM_NOTICES) conn.send(enc.errorMessage(-1, code, text, conn.v));
  if (gw.connectivityLost) {
    conn.send(
      enc.errorMessage(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.', conn.v),
    );
  }
}
