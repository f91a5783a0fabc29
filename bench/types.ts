/** One measured figure; `floor` is the baseline measured in the same run that the figure is reported against. */
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  floor?: { metric: string; value: number };
}

/** What one `bench/*.bench.ts` module's default export resolves to. */
export interface BenchSection {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

/** Percentile of an unsorted sample (nearest-rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
