import { useState } from 'react';
import { ok, oms } from '../api/http.ts';
import type { PnlDay } from '../api/types.ts';
import { Num, ProblemMessage } from '../components/common.tsx';
import { dayTotal, PnlChart } from '../components/pnl-chart.tsx';
import { DataTable, type Column } from '../components/table.tsx';
import { useResource } from '../resource.ts';

const RANGES = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 0, label: 'Since the first fill' },
] as const;

const columns: ReadonlyArray<Column<PnlDay>> = [
  { header: 'Date', cell: (d) => d.date },
  { header: 'Realized', cell: (d) => <Num value={d.realizedPnl} signed /> },
  { header: 'Unrealized', cell: (d) => <Num value={d.unrealizedPnl} signed /> },
  {
    header: 'Total',
    cell: (d) => <Num value={dayTotal(d)} signed />,
    testId: (d) => `pnl-total-${d.date}`,
  },
  { header: 'Commissions', cell: (d) => <Num value={d.commissions} /> },
  { header: 'Fills', cell: (d) => d.fills, testId: (d) => `pnl-fills-${d.date}` },
];

/** Midnight UTC `days` ago: the API's days are UTC dates. */
function since(days: number): string | undefined {
  if (days === 0) return undefined;
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return start.toISOString();
}

/**
 * P&L per trading day from the fills: a chart of each day's total and the table of its parts.
 * Reloaded when the stream reports a fill or a P&L change.
 */
export function PnlHistory() {
  const [days, setDays] = useState<number>(30);
  const history = useResource(
    () => {
      const from = since(days);
      return ok(oms.GET('/api/v1/pnl/history', { params: { query: from ? { from } : {} } }));
    },
    `pnl-history-${days}`,
    {
      reloadOn: (event) =>
        event.stream === 'pnl' || (event.stream === 'orders' && /filled$/.test(event.event)),
    },
  );
  const items = history.data?.items ?? [];
  return (
    <main className="page" id="main" aria-labelledby="pnl-history-title">
      <h1 id="pnl-history-title">P&amp;L history</h1>
      <label className="account-choice">
        Range
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {RANGES.map((r) => (
            <option key={r.days} value={r.days}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <ProblemMessage error={history.error} />
      <section className="panel" aria-labelledby="pnl-chart-title">
        <h2 id="pnl-chart-title">Total P&amp;L per day</h2>
        {items.length > 0 ? (
          <PnlChart days={items} labelledBy="pnl-chart-title" />
        ) : (
          history.loaded && <p className="muted">No fills in this range.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="pnl-days-title">
        <h2 id="pnl-days-title">Days</h2>
        <DataTable
          labelledBy="pnl-days-title"
          rows={items}
          columns={columns}
          rowKey={(d) => d.date}
          empty="No fills in this range."
          loaded={history.loaded}
        />
      </section>
    </main>
  );
}
