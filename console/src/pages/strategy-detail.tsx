import { useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { StreamEvent } from '../api/stream.ts';
import type { Strategy } from '../api/types.ts';
import { DateTime, Notice, ProblemMessage } from '../components/common.tsx';
import { SourceEditor, useUpload } from '../components/source-editor.tsx';
import { StrategyStatus } from '../components/strategy.tsx';
import { useResource } from '../resource.ts';
import { BacktestPanel } from './backtest.tsx';

/** Whether a stream event concerns this strategy: its own events, or an order it placed. */
function concerns(event: StreamEvent, strategyId: string): boolean {
  const detail = event.data;
  if (event.stream === 'strategies') return detail.strategyId === strategyId;
  const order = (detail.data as { order?: { source?: { strategyId?: string } } } | undefined)?.order;
  return event.stream === 'orders' && order?.source?.strategyId === strategyId;
}

/** One strategy: start and stop, a new version, its versions, its logs and its backtests. */
export function StrategyDetail({
  strategy,
  canWrite,
  onChange,
}: {
  strategy: Strategy;
  canWrite: boolean;
  onChange: () => void;
}) {
  const path = { id: strategy.id };
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const versions = useResource(
    () => ok(oms.GET('/api/v1/strategies/{id}/versions', { params: { path } })),
    `versions:${strategy.id}:${strategy.version}`,
  );
  const logs = useResource(
    () => ok(oms.GET('/api/v1/strategies/{id}/logs', { params: { path, query: { limit: 50 } } })),
    `logs:${strategy.id}`,
    { reloadOn: (event) => concerns(event, strategy.id) },
  );

  const run = async (action: 'start' | 'stop') => {
    setError(undefined);
    setNotice(undefined);
    try {
      const changed =
        action === 'start'
          ? await ok(oms.POST('/api/v1/strategies/{id}/start', { params: { path } }))
          : await ok(oms.POST('/api/v1/strategies/{id}/stop', { params: { path } }));
      setNotice(`Strategy ${changed.name} is ${changed.status}.`);
      onChange();
      logs.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const titleId = `strategy-${strategy.id}-title`;
  return (
    <section className="panel strategy" aria-labelledby={titleId}>
      <div className="panel-head">
        <h2 id={titleId}>
          {strategy.name} v{strategy.version}: <StrategyStatus strategy={strategy} />
        </h2>
        {canWrite && (
          <div className="buttons">
            {strategy.status === 'running' ? (
              <button type="button" className="danger" onClick={() => void run('stop')}>
                Stop strategy
              </button>
            ) : (
              <button type="button" onClick={() => void run('start')}>
                Start strategy
              </button>
            )}
          </div>
        )}
      </div>
      {strategy.failure && (
        <p className="problem">
          Failed at <DateTime at={strategy.failure.at} />: {strategy.failure.detail} ({strategy.failure.code})
        </p>
      )}
      <ProblemMessage error={error} />
      <Notice>{notice}</Notice>
      <div className="columns">
        <section aria-labelledby={`${titleId}-logs`}>
          <div className="panel-head">
            <h3 id={`${titleId}-logs`}>Logs</h3>
            <button type="button" className="secondary" onClick={() => logs.reload()}>
              Refresh logs
            </button>
          </div>
          <ProblemMessage error={logs.error} />
          <ol className="logs" aria-label={`Logs of ${strategy.name}, newest first`}>
            {(logs.data?.items ?? []).map((line, i) => (
              <li key={`${line.at}:${i}`} className={`log-${line.level}`}>
                <DateTime at={line.at} /> <strong>{line.level}</strong> {line.message}
              </li>
            ))}
          </ol>
          {logs.loaded && (logs.data?.items.length ?? 0) === 0 && <p className="muted">No log lines yet.</p>}
        </section>
        <section aria-labelledby={`${titleId}-versions`}>
          <h3 id={`${titleId}-versions`}>Versions</h3>
          <ProblemMessage error={versions.error} />
          <ul>
            {(versions.data?.items ?? []).map((v) => (
              <li key={v.version}>
                Version {v.version}, uploaded <DateTime at={v.createdAt} />
              </li>
            ))}
          </ul>
        </section>
      </div>
      {canWrite && <NewVersion strategy={strategy} onUploaded={onChange} />}
      <BacktestPanel strategy={strategy} canRun={canWrite} />
    </section>
  );
}

function NewVersion({ strategy, onUploaded }: { strategy: Strategy; onUploaded: () => void }) {
  const [source, setSource] = useState('');
  const upload = useUpload();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void upload.run(async () => {
      const changed = await ok(
        oms.PUT('/api/v1/strategies/{id}', { params: { path: { id: strategy.id } }, body: { source } }),
      );
      setSource('');
      onUploaded();
      return `Version ${changed.version} uploaded.`;
    });
  };

  return (
    <details className="new-version">
      <summary>Upload a new version</summary>
      <form onSubmit={submit}>
        <SourceEditor label="New source" value={source} onChange={setSource} issues={upload.issues} />
        <ProblemMessage error={upload.error} />
        <Notice>{upload.notice}</Notice>
        <div>
          <button type="submit">Upload version</button>
        </div>
      </form>
    </details>
  );
}
