import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { openStream, type StreamEvent, type StreamState } from './api/stream.ts';
import { sessions } from './api/session.ts';

/**
 * In AWS the stream is its own WebSocket API, named in /config.json (lib/constructs/console.ts);
 * locally there is no such file and the stream shares the console's origin.
 */
async function streamUrl(): Promise<string | undefined> {
  try {
    const res = await fetch('/config.json');
    if (!res.ok) return undefined;
    const config = (await res.json()) as { streamUrl?: unknown };
    return typeof config.streamUrl === 'string' ? config.streamUrl : undefined;
  } catch {
    return undefined;
  }
}

type Listener = (event: StreamEvent | 'reset') => void;

interface Live {
  state: StreamState;
  listen(listener: Listener): () => void;
}

const LiveContext = createContext<Live>({ state: 'offline', listen: () => () => undefined });

/** One stream for the whole signed-in console; pages listen to it instead of polling. */
export function LiveProvider({ children, enabled }: { children: ReactNode; enabled: boolean }) {
  const [state, setState] = useState<StreamState>(enabled ? 'connecting' : 'offline');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (!enabled) return;
    const emit = (event: StreamEvent | 'reset') => {
      for (const listener of listeners.current) listener(event);
    };
    let stream: { close(): void } | undefined;
    let cancelled = false;
    void streamUrl().then((url) => {
      if (cancelled) return;
      stream = openStream(
        {
          streams: ['orders', 'positions', 'pnl', 'strategies'],
          token: () => sessions.session?.tokens.accessToken,
          renew: () => sessions.renew(),
          ...(url ? { url } : {}),
        },
        { onEvent: emit, onReset: () => emit('reset'), onState: setState },
      );
    });
    return () => {
      cancelled = true;
      stream?.close();
    };
  }, [enabled]);

  const listen = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<Live>(() => ({ state, listen }), [state, listen]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Calls `onEvent` for each stream event (and 'reset'), with the latest callback. */
export function useLive(onEvent: Listener): StreamState {
  const live = useContext(LiveContext);
  const callback = useRef(onEvent);
  callback.current = onEvent;
  useEffect(() => live.listen((event) => callback.current(event)), [live.listen]);
  return live.state;
}

/** The stream's connection state, for the status indicator. */
export function useLiveState(): StreamState {
  return useContext(LiveContext).state;
}
