import { useState, type FormEvent } from 'react';
import { ok, oms } from '../api/http.ts';
import type { Fill } from '../api/types.ts';
import { DateTime, Num, ProblemMessage } from '../components/common.tsx';
import { DataTable, type Column } from '../components/table.tsx';
import { useResource } from '../resource.ts';

const PAGE_SIZES = [5, 25, 100] as const;

const columns: ReadonlyArray<Column<Fill>> = [
  { header: 'Time', cell: (f) => <DateTime at={f.at} /> },
  { header: 'Symbol', cell: (f) => f.symbol, testId: (f) => `fill-symbol-${f.id}` },
  { header: 'Side', cell: (f) => <span className={f.side}>{f.side}</span> },
  { header: 'Quantity', cell: (f) => <Num value={f.quantity} /> },
  { header: 'Price', cell: (f) => <Num value={f.price} /> },
  { header: 'Commission', cell: (f) => <Num value={f.commission} /> },
  { header: 'Account', cell: (f) => f.account },
  { header: 'Execution id', cell: (f) => <code>{f.id}</code> },
];

/**
 * The tenant's fills in the API's order, a page at a time (the API's cursor), filtered by symbol;
 * the page shown is read again when the stream reports a fill.
 */
export function Fills() {
  const [symbol, setSymbol] = useState('');
  const [filter, setFilter] = useState('');
  const [pageSize, setPageSize] = useState<number>(25);
  // The cursors of the pages before the current one; the last is the current page's.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const fills = useResource(
    () =>
      ok(
        oms.GET('/api/v1/fills', {
          params: {
            query: { limit: pageSize, ...(cursor ? { cursor } : {}), ...(filter ? { symbol: filter } : {}) },
          },
        }),
      ),
    `fills-${filter}-${pageSize}-${cursor ?? 'first'}`,
    { reloadOn: (event) => event.stream === 'orders' && /filled$/.test(event.event) },
  );
  const next = fills.data?.nextCursor ?? undefined;

  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    setFilter(symbol.trim().toUpperCase());
    setCursors([undefined]);
  };

  return (
    <main className="page" id="main" aria-labelledby="fills-title">
      <h1 id="fills-title">Fills</h1>
      <section className="panel" aria-labelledby="fill-list-title">
        <h2 id="fill-list-title">Executions</h2>
        <form className="row filters-row" onSubmit={applyFilter}>
          <label>
            Symbol
            <input value={symbol} onChange={(e) => setSymbol(e.target.value)} placeholder="all" />
          </label>
          <button type="submit">Filter</button>
        </form>
        <label className="inline">
          Fills per page
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setCursors([undefined]);
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <ProblemMessage error={fills.error} />
        <DataTable
          labelledBy="fill-list-title"
          rows={fills.data?.items ?? []}
          columns={columns}
          rowKey={(f) => f.id}
          rowProps={(f) => ({ 'data-fill-id': f.id })}
          empty="No fills."
          loaded={fills.loaded}
        />
        <nav className="pager" aria-label="Fill pages">
          <button
            type="button"
            className="secondary"
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </button>
          <span data-testid="fills-page">Page {cursors.length}</span>
          <button
            type="button"
            className="secondary"
            disabled={!next}
            onClick={() => setCursors((c) => [...c, next])}
          >
            Next page
          </button>
        </nav>
      </section>
    </main>
  );
}
