/**
 * The local stand-in for an API Gateway WebSocket API, on the HTTP gateway's port: the upgrade at
 * the stream path runs the `$connect` handler, each frame the `$default` handler and the close the
 * `$disconnect` handler, with the event shapes API Gateway gives them; handlers answer through a
 * local `@connections` endpoint (POST to send, DELETE to close), as they do in AWS.
 *
 * What API Gateway does by itself and this module does in its place: the unauthenticated-socket
 * deadline, pings to idle sockets, and refusing to buffer without bound for a client that does not
 * read (the socket is closed with 4408 and further posts answer 410 Gone, as for a closed one).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AUTH_DEADLINE_MS, CLOSE } from '../core/stream/model.ts';
import type { StreamSpec } from '../core/topology.ts';
import { functionName, lambdaContext, loadHandler } from './lambda.ts';

export interface StreamGatewayOptions {
  spec: Pick<StreamSpec, 'path' | 'connect' | 'disconnect' | 'message'>;
  /** A socket that has not authenticated by then is closed with 4401. */
  authDeadlineMs?: number;
  /** Idle sockets are pinged this often; one that missed the previous ping is dropped. */
  heartbeatMs?: number;
  /** Bytes the gateway holds for one socket before it treats the client as too slow. */
  maxBufferedBytes?: number;
  /** API Gateway's limit on a client frame. */
  maxFrameBytes?: number;
}

export interface StreamGateway {
  /** Serves `/@connections/{id}`; false when the request is not for it. */
  handleManagement(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Takes the upgrade if it is for the stream path; false otherwise. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open sockets. */
  size(): number;
  close(): Promise<void>;
}

interface Connection {
  id: string;
  ws: WebSocket;
  connectedAt: number;
  sourceIp: string;
  userAgent: string;
  authenticated: boolean;
  alive: boolean;
  /** Close code an error message announced (`close`), used when the handler then deletes the socket. */
  announcedClose?: number;
  deadline?: NodeJS.Timeout;
  /** Frames reach the handler one after another, in the order they arrived. */
  queue: Promise<void>;
}

const MANAGEMENT = /^\/@connections\/([^/?]+)$/;
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Starts the stream side of the local gateway; the HTTP gateway hands it upgrades and `@connections` requests. */
export function startStreamGateway(options: StreamGatewayOptions): StreamGateway {
  const authDeadlineMs = options.authDeadlineMs ?? AUTH_DEADLINE_MS;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 32 * 1024 });
  const connections = new Map<string, Connection>();

  const heartbeat = setInterval(() => {
    for (const c of connections.values()) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  function event(
    c: Pick<Connection, 'id' | 'connectedAt' | 'sourceIp' | 'userAgent'>,
    routeKey: string,
    body?: string,
  ) {
    const now = Date.now();
    const eventType =
      routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE';
    return {
      requestContext: {
        routeKey,
        eventType,
        messageDirection: 'IN',
        connectionId: c.id,
        connectedAt: c.connectedAt,
        requestId: randomUUID(),
        extendedRequestId: randomUUID(),
        requestTimeEpoch: now,
        domainName: 'localhost',
        stage: 'local',
        apiId: 'local',
        identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
        ...(eventType === 'MESSAGE' ? { messageId: randomUUID() } : {}),
      },
      ...(body !== undefined ? { body, isBase64Encoded: false } : {}),
    };
  }

  async function invoke(handler: string, payload: unknown): Promise<{ statusCode?: number } | undefined> {
    const fn = await loadHandler(handler);
    return (await fn(payload, lambdaContext(functionName(handler)))) as { statusCode?: number } | undefined;
  }

  function enqueue(c: Connection, work: () => Promise<unknown>): void {
    c.queue = c.queue.then(work).then(
      () => undefined,
      (error: unknown) => console.error('[gateway] stream handler failed:', error),
    );
  }

  function accept(ws: WebSocket, c: Omit<Connection, 'ws' | 'queue' | 'alive' | 'authenticated'>): void {
    const conn: Connection = { ...c, ws, queue: Promise.resolve(), alive: true, authenticated: false };
    connections.set(conn.id, conn);
    conn.deadline = setTimeout(() => {
      if (conn.authenticated) return;
      const message = {
        type: 'error',
        code: 'UNAUTHENTICATED',
        message: 'No auth message in time',
        close: CLOSE.unauthenticated,
      };
      ws.send(JSON.stringify(message));
      ws.close(CLOSE.unauthenticated, 'authentication timeout');
    }, authDeadlineMs);
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      const body = isBinary
        ? Buffer.from(data as Buffer).toString('utf8')
        : (data as Buffer).toString('utf8');
      enqueue(conn, () => invoke(options.spec.message, event(conn, '$default', body)));
    });
    ws.on('close', () => {
      clearTimeout(conn.deadline);
      connections.delete(conn.id);
      enqueue(conn, () => invoke(options.spec.disconnect, event(conn, '$disconnect')));
    });
    ws.on('error', () => ws.terminate());
  }

  function post(c: Connection, body: Buffer): boolean {
    if (c.ws.readyState !== c.ws.OPEN) return false;
    if (c.ws.bufferedAmount + body.length > maxBuffered) {
      // The client reads slower than events arrive: drop it rather than hold its backlog.
      connections.delete(c.id);
      c.ws.close(CLOSE.slowConsumer, 'slow consumer');
      setTimeout(() => c.ws.terminate(), 1000).unref();
      return false;
    }
    if (body.length < 512 && body[0] === 0x7b) {
      const text = body.toString('utf8');
      if (text.startsWith('{"type":"authenticated"')) c.authenticated = true;
      else if (text.startsWith('{"type":"error"')) {
        const close = (JSON.parse(text) as { close?: unknown }).close;
        if (typeof close === 'number') c.announcedClose = close;
      }
    }
    c.ws.send(body);
    return true;
  }

  return {
    handleManagement(req, res) {
      const match = MANAGEMENT.exec(req.url ?? '');
      if (!match?.[1]) return false;
      const gone = () => {
        res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
        res.end(JSON.stringify({ message: 'Gone' }));
      };
      if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) {
        res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' });
        res.end(JSON.stringify({ message: '@connections is served to this machine only' }));
        return true;
      }
      const c = connections.get(decodeURIComponent(match[1]));
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (!c) return gone();
        if (req.method === 'POST') {
          if (!post(c, Buffer.concat(chunks))) return gone();
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end();
        }
        if (req.method === 'DELETE') {
          connections.delete(c.id);
          c.ws.close(c.announcedClose ?? 1000, c.announcedClose === undefined ? 'closed' : 'refused');
          res.writeHead(204);
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ConnectedAt: new Date(c.connectedAt).toISOString(),
            Identity: { SourceIp: c.sourceIp, UserAgent: c.userAgent },
          }),
        );
      });
      return true;
    },

    handleUpgrade(req, socket, head) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== options.spec.path) return false;
      const c = {
        id: randomBytes(12).toString('base64url'),
        connectedAt: Date.now(),
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: String(req.headers['user-agent'] ?? ''),
      };
      invoke(options.spec.connect, event(c, '$connect'))
        .then((result) => {
          const status = result?.statusCode ?? 200;
          if (status < 200 || status > 299) {
            socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n`);
            return;
          }
          wss.handleUpgrade(req, socket, head, (ws) => accept(ws, c));
        })
        .catch((error: unknown) => {
          console.error('[gateway] $connect failed:', error);
          socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
        });
      return true;
    },

    size: () => connections.size,

    close: async () => {
      clearInterval(heartbeat);
      for (const c of connections.values()) {
        clearTimeout(c.deadline);
        c.ws.terminate();
      }
      const pending = [...connections.values()].map((c) => c.queue);
      connections.clear();
      await Promise.all(pending);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
