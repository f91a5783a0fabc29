import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from './api/http.ts';
import type { StreamEvent } from './api/stream.ts';
import { useLive } from './live.tsx';

export interface Resource<T> {
  data: T | undefined;
  /** The last failure, from the problem's `detail`. */
  error: string | undefined;
  loaded: boolean;
  reload(): void;
}

export interface ResourceOptions {
  /** Stream events after which the data is stale (a `reset` always is). Never polled. */
  reloadOn?: (event: StreamEvent) => boolean;
}

/**
 * What one API read answers, loaded when `key` changes and again when the stream says it changed.
 * `load` is a typed-client call wrapped in `ok()`, e.g.
 * `useResource(() => ok(oms.GET('/api/v1/strategies')), 'strategies')`.
 */
export function useResource<T>(
  load: () => Promise<T>,
  key: string,
  options: ResourceOptions = {},
): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const latest = useRef(load);
  latest.current = load;
  const inFlight = useRef(false);
  const again = useRef(false);
  const generation = useRef(0);

  const reload = useCallback(() => {
    // Events come in bursts (a fill, then its commission): one load at a time, one more after it.
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const mine = generation.current;
    const run = async () => {
      do {
        again.current = false;
        try {
          const value = await latest.current();
          if (mine !== generation.current) return;
          setData(value);
          setError(undefined);
        } catch (e) {
          if (mine !== generation.current) return;
          setError(describeError(e));
        } finally {
          if (mine === generation.current) setLoaded(true);
        }
      } while (again.current && mine === generation.current);
    };
    void run().finally(() => {
      if (mine === generation.current) inFlight.current = false;
    });
  }, []);

  useEffect(() => {
    // A new key makes whatever is still loading for the old one irrelevant.
    generation.current += 1;
    inFlight.current = false;
    reload();
  }, [key, reload]);

  useLive((event) => {
    if (event === 'reset' || options.reloadOn?.(event)) reload();
  });

  return { data, error, loaded, reload };
}
