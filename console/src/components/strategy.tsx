import type { Strategy } from '../api/types.ts';

/** A strategy's status in words, with its failure's code when it failed. */
export function StrategyStatus({ strategy }: { strategy: Strategy }) {
  return (
    <span className={`strategy-status strategy-${strategy.status}`}>
      {strategy.status}
      {strategy.failure ? ` (${strategy.failure.code})` : ''}
    </span>
  );
}

/** Symbols typed as "AAPL, MSFT" or one per line. */
export function symbolsOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
}
