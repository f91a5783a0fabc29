import { useState, type FormEvent } from 'react';
import { describeError, ok, oms, svgDataUrl } from '../api/http.ts';
import type { Backtest, BacktestRequest, Strategy } from '../api/types.ts';
import { DateTime, Num, ProblemMessage } from '../components/common.tsx';
import { symbolsOf } from '../components/strategy.tsx';
import { DataTable, type Column } from '../components/table.tsx';

const BAR_SIZES: Array<BacktestRequest['barSize']> = ['1 min', '5 mins', '1 hour', '1 day'];
const SHOWN_TRADES = 50;
const POLL_MS = 1000;

type Trade = Record<string, unknown>;
const field = (trade: Trade, key: string) => {
  const value = trade[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};
const TRADE_COLUMNS: Array<Column<Trade>> = [
  { header: 'Entry', cell: (t) => <DateTime at={field(t, 'entryAt')} /> },
  { header: 'Entry price', cell: (t) => <Num value={field(t, 'entryPrice')} /> },
  { header: 'Exit', cell: (t) => <DateTime at={field(t, 'exitAt')} /> },
  { header: 'Exit price', cell: (t) => <Num value={field(t, 'exitPrice')} /> },
  { header: 'Quantity', cell: (t) => <Num value={field(t, 'quantity')} /> },
  { header: 'Commission', cell: (t) => <Num value={field(t, 'commission')} /> },
  { header: 'P&L', cell: (t) => <Num value={field(t, 'pnl')} signed /> },
];

/** `YYYY-MM-DD`, `days` before today (UTC). */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Runs the strategy's current version over historical bars (the broker connection's, locally the
 * paper gateway's) and shows the statistics, the equity curve the API draws, and the trades.
 */
export function BacktestPanel({ strategy, canRun }: { strategy: Strategy; canRun: boolean }) {
  const [from, setFrom] = useState(daysAgo(182));
  const [to, setTo] = useState(daysAgo(0));
  const [barSize, setBarSize] = useState<BacktestRequest['barSize']>('1 day');
  const [symbols, setSymbols] = useState(strategy.symbols.join(', '));
  const [initialCash, setInitialCash] = useState('100000');
  const [commission, setCommission] = useState('0.005');
  const [result, setResult] = useState<Backtest>();
  const [chart, setChart] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // A backtest is queued and run by a worker: read it until it is done or failed (the worker
  // gives up after its time limit, so this ends).
  const show = async (id: string) => {
    let backtest = await ok(oms.GET('/api/v1/backtests/{id}', { params: { path: { id } } }));
    setResult(backtest);
    while (backtest.status === 'queued' || backtest.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      backtest = await ok(oms.GET('/api/v1/backtests/{id}', { params: { path: { id } } }));
      setResult(backtest);
    }
    setChart(
      backtest.status === 'done' && backtest.equity.length > 0
        ? await svgDataUrl(
            oms.GET('/api/v1/backtests/{id}/equity.svg', { params: { path: { id } }, parseAs: 'text' }),
          )
        : undefined,
    );
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setChart(undefined);
    try {
      const wanted = symbolsOf(symbols);
      const body: BacktestRequest = {
        from: `${from}T00:00:00Z`,
        to: `${to}T00:00:00Z`,
        barSize,
        initialCash: initialCash.trim(),
        commissionPerShare: commission.trim() || '0',
        ...(wanted.length ? { symbols: wanted } : {}),
      };
      const accepted = await ok(
        oms.POST('/api/v1/strategies/{id}/backtests', { params: { path: { id: strategy.id } }, body }),
      );
      await show(accepted.id);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const stats = result?.stats;
  return (
    <section className="backtest" aria-labelledby={`backtest-${strategy.id}`}>
      <h3 id={`backtest-${strategy.id}`}>Backtest</h3>
      {canRun && (
        <form className="grid-form" onSubmit={(e) => void submit(e)}>
          <label>
            From
            <input type="date" name="from" required value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To
            <input type="date" name="to" required value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <label>
            Bar size
            <select
              name="barSize"
              value={barSize}
              onChange={(e) => setBarSize(e.target.value as BacktestRequest['barSize'])}
            >
              {BAR_SIZES.map((size) => (
                <option key={size}>{size}</option>
              ))}
            </select>
          </label>
          <label>
            Backtest symbols
            <input name="backtest-symbols" value={symbols} onChange={(e) => setSymbols(e.target.value)} />
          </label>
          <label>
            Initial cash
            <input
              name="initialCash"
              inputMode="decimal"
              required
              value={initialCash}
              onChange={(e) => setInitialCash(e.target.value)}
            />
          </label>
          <label>
            Commission per share
            <input
              name="commissionPerShare"
              inputMode="decimal"
              value={commission}
              onChange={(e) => setCommission(e.target.value)}
            />
          </label>
          <div className="form-end">
            <button type="submit" disabled={busy}>
              {busy ? 'Running backtest…' : 'Run backtest'}
            </button>
          </div>
        </form>
      )}
      <ProblemMessage error={error} />
      {result && (
        <div className="backtest-result" aria-live="polite">
          <p>
            Backtest <code>{result.id}</code> of version {result.version}: <strong>{result.status}</strong>
            {result.failure ? ` — ${result.failure.detail} (${result.failure.code})` : ''},{' '}
            {result.request.bars} bars.
            {result.status === 'running' && (
              <button
                type="button"
                className="secondary"
                onClick={() => void show(result.id).catch((e: unknown) => setError(describeError(e)))}
              >
                Check again
              </button>
            )}
          </p>
          {stats && (
            <dl className="figures" aria-label="Backtest statistics">
              <div>
                <dt>P&amp;L</dt>
                <dd data-testid="backtest-pnl">
                  <Num value={stats.pnl} signed />
                </dd>
              </div>
              <div>
                <dt>Return</dt>
                <dd>{stats.returnPct.toFixed(2)} %</dd>
              </div>
              <div>
                <dt>Max drawdown</dt>
                <dd>{stats.maxDrawdownPct.toFixed(2)} %</dd>
              </div>
              <div>
                <dt>Sharpe</dt>
                <dd>{stats.sharpe.toFixed(2)}</dd>
              </div>
              <div>
                <dt>Trades</dt>
                <dd data-testid="backtest-trades">{stats.trades}</dd>
              </div>
              <div>
                <dt>Win rate</dt>
                <dd>{(stats.winRate * 100).toFixed(0)} %</dd>
              </div>
            </dl>
          )}
          {chart && (
            <figure className="equity">
              <img
                src={chart}
                alt={`Equity curve of ${strategy.name} from ${result.request.from.slice(0, 10)} to ${result.request.to.slice(0, 10)}, ending at ${result.equity.at(-1)?.value ?? '—'}`}
              />
              <figcaption>Equity, {result.equity.length} points</figcaption>
            </figure>
          )}
          {result.trades.length > 0 && (
            <>
              <h4 id={`trades-${result.id}`}>
                Trades{result.trades.length > SHOWN_TRADES ? ` (first ${SHOWN_TRADES})` : ''}
              </h4>
              <DataTable
                labelledBy={`trades-${result.id}`}
                rows={result.trades.slice(0, SHOWN_TRADES)}
                columns={TRADE_COLUMNS}
                rowKey={(t, i) => `${i}:${field(t, 'entryAt')}`}
                empty="No trades."
              />
            </>
          )}
        </div>
      )}
    </section>
  );
}
