import { useState, type FormEvent } from 'react';
import { ok, oms } from '../api/http.ts';
import { can, type Session } from '../api/session.ts';
import type { Strategy } from '../api/types.ts';
import { DateTime, Notice, ProblemMessage } from '../components/common.tsx';
import { SourceEditor, useUpload } from '../components/source-editor.tsx';
import { StrategyStatus, symbolsOf } from '../components/strategy.tsx';
import { DataTable, type Column } from '../components/table.tsx';
import { useResource } from '../resource.ts';
import { StrategyDetail } from './strategy-detail.tsx';

/**
 * The tenant's strategies: list, upload (compile errors shown at their line), and one strategy's
 * controls, versions, logs and backtests. Every role reads; traders and admins write.
 */
export function Strategies({ session }: { session: Session }) {
  const canWrite = can(session, 'trade');
  const strategies = useResource(() => ok(oms.GET('/api/v1/strategies')), 'strategies', {
    reloadOn: (event) => event.stream === 'strategies',
  });
  const [selected, setSelected] = useState<string>();
  const items = strategies.data?.items ?? [];
  const current = items.find((s) => s.id === selected);

  const columns: Array<Column<Strategy>> = [
    { header: 'Name', cell: (s) => s.name },
    { header: 'Version', cell: (s) => s.version },
    {
      header: 'Status',
      cell: (s) => <StrategyStatus strategy={s} />,
      testId: (s) => `strategy-status-${s.name}`,
    },
    { header: 'Symbols', cell: (s) => s.symbols.join(', ') || <span className="muted">—</span> },
    { header: 'Events', cell: (s) => s.stats.events },
    { header: 'Orders', cell: (s) => s.stats.orders },
    { header: 'Updated', cell: (s) => <DateTime at={s.updatedAt} /> },
    {
      header: 'Details',
      cell: (s) => (
        <button
          type="button"
          className="link"
          aria-expanded={s.id === selected}
          onClick={() => setSelected(s.id === selected ? undefined : s.id)}
        >
          Open <span className="visually-hidden">{s.name}</span>
        </button>
      ),
    },
  ];

  return (
    <main className="page" id="main" aria-labelledby="strategies-title">
      <h1 id="strategies-title">Strategies</h1>
      <section className="panel" aria-labelledby="strategy-list-title">
        <h2 id="strategy-list-title">Strategies of this tenant</h2>
        <ProblemMessage error={strategies.error} />
        <DataTable
          labelledBy="strategy-list-title"
          rows={items}
          columns={columns}
          rowKey={(s) => s.id}
          rowProps={(s) => ({
            'data-strategy-id': s.id,
            className: s.id === selected ? 'selected' : undefined,
          })}
          empty="No strategies yet."
          loaded={strategies.loaded}
        />
      </section>
      {current && (
        <StrategyDetail
          key={current.id}
          strategy={current}
          canWrite={canWrite}
          onChange={strategies.reload}
        />
      )}
      {canWrite && (
        <NewStrategy
          onCreated={(id) => {
            strategies.reload();
            setSelected(id);
          }}
        />
      )}
    </main>
  );
}

function NewStrategy({ onCreated }: { onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [symbols, setSymbols] = useState('AAPL');
  const [params, setParams] = useState('{}');
  const [source, setSource] = useState('');
  const upload = useUpload();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void upload.run(async () => {
      let parsedParams: Record<string, unknown>;
      try {
        parsedParams = JSON.parse(params || '{}') as Record<string, unknown>;
      } catch {
        throw new Error('Params must be a JSON object, e.g. {"fast": 5}.');
      }
      const body = { name: name.trim(), source, params: parsedParams, symbols: symbolsOf(symbols) };
      const created = await ok(oms.POST('/api/v1/strategies', { body }));
      setName('');
      setSource('');
      onCreated(created.id);
      return `Strategy ${created.name} uploaded as version ${created.version}.`;
    });
  };

  return (
    <section className="panel" aria-labelledby="new-strategy-title">
      <h2 id="new-strategy-title">New strategy</h2>
      <form onSubmit={submit}>
        <div className="grid-form">
          <label>
            Strategy name
            <input name="strategy-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Symbols
            <input name="strategy-symbols" value={symbols} onChange={(e) => setSymbols(e.target.value)} />
          </label>
          <label>
            Params (JSON)
            <input name="strategy-params" value={params} onChange={(e) => setParams(e.target.value)} />
          </label>
        </div>
        <SourceEditor
          label="Source (TypeScript or JavaScript)"
          value={source}
          onChange={setSource}
          issues={upload.issues}
        />
        <ProblemMessage error={upload.error} />
        <Notice>{upload.notice}</Notice>
        <div>
          <button type="submit">Upload strategy</button>
        </div>
      </form>
    </section>
  );
}
