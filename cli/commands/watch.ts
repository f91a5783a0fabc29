/**
 * `oms watch`: the live stream (WebSocket `/api/v1/stream`). Authenticates with the session's
 * credentials in the first message, subscribes, prints every event, and after a dropped
 * connection resumes from the last cursor so nothing is missed or repeated.
 */
import { Command } from 'commander';
import WebSocket from 'ws';
import { ok } from '../../client/index.ts';
import type { Context } from '../context.ts';
import { UsageError, WatchTimeoutError } from '../errors.ts';

export interface StreamEvent {
  type: 'event';
  stream: string;
  event: string;
  seq: number;
  cursor: string;
  at: string;
  data: Record<string, unknown>;
}

interface WatchOptions {
  cursor?: string;
  until?: string;
  order?: string;
  timeout?: string;
}

const RECONNECTS = 5;

/** The event's detail, whether `data` is the webhook envelope or the detail itself. */
function detailOf(e: StreamEvent): Record<string, unknown> {
  const d = e.data ?? {};
  return typeof d.type === 'string' && d.data && typeof d.data === 'object'
    ? (d.data as Record<string, unknown>)
    : d;
}

/** One line for a person: time, stream, event type and the essentials of what changed. */
export function describeEvent(e: StreamEvent): string {
  const d = detailOf(e);
  const order = ((d.data as Record<string, unknown> | undefined)?.order ?? {}) as Record<string, unknown>;
  const parts = [e.at, e.stream.padEnd(10), e.event.padEnd(22)];
  if (d.orderId)
    parts.push(
      `${String(d.orderId)} ${order.symbol ?? ''} ${order.status ?? ''} filledQuantity=${order.filledQuantity ?? '?'}`,
    );
  else if (d.symbol)
    parts.push(
      `${String(d.symbol)} qty ${String(d.quantity ?? '')} ${d.account ? `(${String(d.account)})` : ''}`,
    );
  else parts.push(JSON.stringify(d).slice(0, 120));
  return parts.join(' ').trimEnd();
}

function streamUrl(httpUrl: string): string {
  const u = new URL('/api/v1/stream', httpUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export function watchCommand(ctx: Context): Command {
  return new Command('watch')
    .description('print live events: oms watch orders positions pnl quotes:AAPL')
    .argument('[streams...]', 'streams to subscribe to', ['orders', 'positions', 'pnl'])
    .option('--cursor <cursor>', 'resume after this cursor (printed with each event)')
    .option('--until <event>', 'exit 0 once an event of this type arrives (e.g. order.filled)')
    .option('--order <id>', 'only events of this order')
    .option('--timeout <seconds>', 'with --until: give up after this long (exit 11)')
    .action(async (streams: string[], o: WatchOptions) => {
      // A bearer session may have expired: one API call refreshes it through the client.
      await ok(ctx.api().GET('/api/v1/tenants/me'));
      const { url, auth } = ctx.connection();
      if (auth.kind === 'none') throw new UsageError('not logged in: run `oms login` or set OMS_API_KEY');
      const authMessage: Record<string, string> =
        auth.kind === 'apiKey'
          ? { action: 'auth', apiKey: auth.apiKey }
          : { action: 'auth', token: auth.accessToken };
      await watch(ctx, streamUrl(url), authMessage, streams, o);
    });
}

function watch(
  ctx: Context,
  url: string,
  authMessage: Record<string, string>,
  streams: string[],
  o: WatchOptions,
): Promise<void> {
  let cursor = o.cursor;
  let attempts = 0;
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    let socket: WebSocket | undefined;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket?.close(1000);
      if (error) reject(error);
      else resolve();
    };
    const timer = o.timeout
      ? setTimeout(
          () => finish(new WatchTimeoutError(`no ${o.until ?? 'event'} within ${o.timeout} s`)),
          Number(o.timeout) * 1000,
        )
      : undefined;

    const connect = () => {
      const ws = new WebSocket(url);
      socket = ws;
      ws.on('open', () => ws.send(JSON.stringify(authMessage)));
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; [field: string]: unknown };
        if (message.type === 'authenticated') {
          attempts = 0;
          ws.send(JSON.stringify({ action: 'subscribe', streams, ...(cursor ? { cursor } : {}) }));
        } else if (message.type === 'subscribed') {
          ctx.out.error(`watching ${streams.join(', ')} (Ctrl-C stops)`);
        } else if (message.type === 'reset') {
          ctx.out.error('the stream was reset: events were missed; reload the state (e.g. oms orders list)');
          if (ctx.out.json) ctx.out.line(message, () => '');
        } else if (message.type === 'event') {
          const event = message as unknown as StreamEvent;
          cursor = event.cursor;
          if (o.order && detailOf(event).orderId !== o.order) return;
          ctx.out.line(event, describeEvent);
          if (o.until && event.event === o.until) finish();
        } else if (message.type === 'error') {
          ctx.out.error(`stream error: ${JSON.stringify(message)}`);
        }
      });
      ws.on('close', (code, reason) => {
        if (finished) return;
        if (code === 4401 || code === 4403) {
          finish(
            new UsageError(
              `the stream refused the credentials (${code} ${String(reason)}); run \`oms login\``,
            ),
          );
          return;
        }
        if (++attempts > RECONNECTS) {
          finish(new Error(`the stream closed (${code}) and did not come back`));
          return;
        }
        setTimeout(connect, 250 * 2 ** attempts);
      });
      ws.on('error', () => {
        // 'close' follows and decides whether to reconnect.
      });
    };
    connect();
  });
}
