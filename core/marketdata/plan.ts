/**
 * What the bridge must change at the broker so its market-data lines match what the tenants want.
 * Pure: the bridge feeds in the wanted list and what it holds, and sends what comes out.
 */

/** One symbol some tenant wants streamed, with how many tenants want it. */
export interface WantedSymbol {
  symbol: string;
  refs: number;
  /** When the first tenant asked for it (ISO-8601): under a too-small limit the oldest win. */
  since: string;
}

export interface LinePlan {
  subscribe: string[];
  cancel: string[];
  /** Wanted symbols left without a line because the limit is reached. */
  overLimit: string[];
}

/**
 * Lines to open and close. Held symbols nobody wants are cancelled first; then new ones are
 * opened oldest first while lines remain. `skip` holds symbols the broker refused (unknown
 * contract): they are not requested again until the next connection.
 */
export function planLines(
  wanted: readonly WantedSymbol[],
  held: ReadonlySet<string>,
  options: { lineLimit: number; skip?: ReadonlySet<string> },
): LinePlan {
  const active = wanted.filter((w) => w.refs > 0);
  const wantedSet = new Set(active.map((w) => w.symbol));
  const cancel = [...held].filter((s) => !wantedSet.has(s)).sort();
  let free = options.lineLimit - (held.size - cancel.length);
  const subscribe: string[] = [];
  const overLimit: string[] = [];
  const ordered = [...active].sort(
    (a, b) => a.since.localeCompare(b.since) || a.symbol.localeCompare(b.symbol),
  );
  for (const w of ordered) {
    if (held.has(w.symbol) || options.skip?.has(w.symbol)) continue;
    if (free > 0) {
      subscribe.push(w.symbol);
      free--;
    } else overLimit.push(w.symbol);
  }
  return { subscribe, cancel, overLimit };
}
