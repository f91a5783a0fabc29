import { ok, oms } from '../api/http.ts';
import type { ReadinessDetails } from '../api/types.ts';
import { ProblemMessage } from '../components/common.tsx';
import { useResource } from '../resource.ts';

const CHECKS: Array<{ key: keyof ReadinessDetails['checks']; label: string }> = [
  { key: 'database', label: 'Database' },
  { key: 'queue', label: 'Order queue' },
  { key: 'broker', label: 'Broker connection' },
];

/**
 * The platform's readiness as the operator sees it: each dependency with what it reported. The
 * operator belongs to no tenant and has no stream, so it is read on opening and on request.
 */
export function Health() {
  const health = useResource(() => ok(oms.GET('/health/ready/details')), 'health');
  const details = health.data;
  return (
    <main className="page" id="main" aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      <section className="panel" aria-labelledby="readiness-title">
        <div className="panel-head">
          <h2 id="readiness-title">
            Readiness:{' '}
            {details && (
              <span className={details.status === 'ready' ? 'ok' : 'down'} data-testid="readiness">
                {details.status === 'ready' ? 'ready' : 'not ready'}
              </span>
            )}
          </h2>
          <button type="button" className="secondary" onClick={() => health.reload()}>
            Check again
          </button>
        </div>
        <ProblemMessage error={health.error} />
        {details && (
          <dl className="checks">
            {CHECKS.map(({ key, label }) => {
              const check = details.checks[key];
              return (
                <div key={key} data-testid={`check-${key}`}>
                  <dt>{label}</dt>
                  <dd>
                    <span className={check.ok ? 'ok' : 'down'}>{check.ok ? 'up' : 'down'}</span>
                    {check.detail ? <span className="muted"> — {check.detail}</span> : null}
                  </dd>
                </div>
              );
            })}
          </dl>
        )}
      </section>
    </main>
  );
}
