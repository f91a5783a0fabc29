/**
 * The live feed: one WebSocket to /api/v1/stream (docs/api-v1.md, "Streaming"). It authenticates
 * with the access token, subscribes, remembers the last cursor, and on a reconnect asks for
 * everything after it, so no event is lost; a `reset` (cursor too old) tells pages to reload.
 */

export type StreamName = 'orders' | 'positions' | 'pnl' | 'strategies';

export interface StreamEvent {
  stream: string;
  event: string;
  seq?: number;
  cursor?: string;
  at?: string;
  data: Record<string, unknown>;
}

export type StreamState = 'connecting' | 'live' | 'offline';

export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  /** The server could not replay from our cursor: reload state from the API. */
  onReset(): void;
  onState(state: StreamState): void;
}

export interface StreamOptions {
  streams: StreamName[];
  token: () => string | undefined;
  /** Renews the session after the server refused the token (close code 4401). */
  renew: () => Promise<boolean>;
  /** Where the WebSocket lives; defaults to this origin's /api/v1/stream. */
  url?: string;
}

const MAX_BACKOFF_MS = 15_000;

/** Opens the stream and keeps it open until `close()`. */
export function openStream(options: StreamOptions, handlers: StreamHandlers): { close(): void } {
  let socket: WebSocket | undefined;
  let cursor: string | undefined;
  let closed = false;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const target =
    options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`;

  const connect = () => {
    const token = options.token();
    if (closed || !token) return;
    handlers.onState('connecting');
    const ws = new WebSocket(target);
    // Servers may send text as binary frames; both decode the same.
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ action: 'auth', token }));
    ws.onmessage = (message) => {
      let parsed: Record<string, unknown>;
      try {
        const text =
          typeof message.data === 'string'
            ? message.data
            : new TextDecoder().decode(message.data as ArrayBuffer);
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      switch (parsed.type) {
        case 'authenticated':
          ws.send(
            JSON.stringify({ action: 'subscribe', streams: options.streams, ...(cursor ? { cursor } : {}) }),
          );
          break;
        case 'subscribed':
          // Where this subscription starts: a reconnect resumes from here at the latest.
          if (typeof parsed.cursor === 'string') cursor ??= parsed.cursor;
          attempts = 0;
          handlers.onState('live');
          break;
        case 'reset':
          cursor = typeof parsed.cursor === 'string' ? parsed.cursor : undefined;
          handlers.onReset();
          break;
        case 'event': {
          if (typeof parsed.cursor === 'string') cursor = parsed.cursor;
          handlers.onEvent(parsed as unknown as StreamEvent);
          break;
        }
        default:
          break;
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = undefined;
      if (closed) return;
      handlers.onState('offline');
      // No tenant to stream (the platform operator): retrying cannot help.
      if (event.code === 4403) return;
      if (event.code === 4401) {
        void options.renew().then((renewed) => {
          if (renewed) connect();
        });
        return;
      }
      // Back off on repeated failures, so a down server is not hammered.
      const wait = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts);
      attempts += 1;
      retry = setTimeout(connect, wait);
    };
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
      socket = undefined;
    },
  };
}
