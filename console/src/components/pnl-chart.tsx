import type { PnlDay } from '../api/types.ts';
import { addDecimals } from '../decimal.ts';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 28, left: 72 };

/** A day's P&L: realized (net of commissions) plus unrealized at the day's end. */
export function dayTotal(day: PnlDay): string {
  return addDecimals(day.realizedPnl, day.unrealizedPnl);
}

/**
 * Each day's total P&L as a bar above (gain) or below (loss) zero. Drawn here as SVG: the console
 * carries no charting library, and the table beside it says the same in words for screen readers.
 */
export function PnlChart({ days, labelledBy }: { days: readonly PnlDay[]; labelledBy: string }) {
  // Heights only: the figures themselves are shown exactly in the table.
  const totals = days.map((day) => Number(dayTotal(day)));
  const top = Math.max(0, ...totals);
  const bottom = Math.min(0, ...totals);
  const span = top - bottom || 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (value: number) => PAD.top + ((top - value) / span) * plotHeight;
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const zero = y(0);
  const first = days[0];
  const last = days[days.length - 1];
  return (
    <svg
      className="pnl-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={labelledBy}
      data-testid="pnl-chart"
    >
      <line x1={PAD.left} x2={WIDTH - PAD.right} y1={zero} y2={zero} className="axis" />
      {top > 0 && (
        <text x={PAD.left - 6} y={y(top) + 4} textAnchor="end" className="tick">
          {top.toFixed(2)}
        </text>
      )}
      <text x={PAD.left - 6} y={zero + 4} textAnchor="end" className="tick">
        0
      </text>
      {bottom < 0 && (
        <text x={PAD.left - 6} y={y(bottom) + 4} textAnchor="end" className="tick">
          {bottom.toFixed(2)}
        </text>
      )}
      {days.map((day, i) => {
        const total = totals[i]!;
        const x = PAD.left + slot * i + (slot - barWidth) / 2;
        return (
          <rect
            key={day.date}
            x={x}
            y={Math.min(y(total), zero)}
            width={barWidth}
            height={Math.max(1, Math.abs(y(total) - zero))}
            className={total < 0 ? 'bar loss' : 'bar gain'}
            data-date={day.date}
          />
        );
      })}
      {first && (
        <text x={PAD.left + slot / 2} y={HEIGHT - 8} textAnchor="middle" className="tick">
          {first.date}
        </text>
      )}
      {last && last !== first && (
        <text x={PAD.left + slot * (days.length - 0.5)} y={HEIGHT - 8} textAnchor="middle" className="tick">
          {last.date}
        </text>
      )}
    </svg>
  );
}
