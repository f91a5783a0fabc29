import { useState } from 'react';
import { ok, oms } from '../api/http.ts';
import type { AccountSummary } from '../api/types.ts';
import { DateTime, Num, ProblemMessage } from '../components/common.tsx';
import { useResource } from '../resource.ts';

const FIGURES: Array<{ key: keyof AccountSummary; label: string }> = [
  { key: 'netLiquidation', label: 'Net liquidation' },
  { key: 'totalCashValue', label: 'Total cash' },
  { key: 'buyingPower', label: 'Buying power' },
  { key: 'availableFunds', label: 'Available funds' },
  { key: 'initMarginReq', label: 'Initial margin' },
  { key: 'maintMarginReq', label: 'Maintenance margin' },
];

/** A fill changes cash and margin: the summary is stale after one. */
const afterFill = (event: { stream: string; event: string }) =>
  event.stream === 'orders' && /filled$/.test(event.event);

/**
 * The tenant's IB accounts and one account's values as IB last reported them to its bridge:
 * net liquidation, cash, buying power and margin. Reloaded when a fill changes them.
 */
export function Account() {
  const accounts = useResource(() => ok(oms.GET('/api/v1/accounts')), 'accounts');
  const items = accounts.data?.items ?? [];
  const [chosen, setChosen] = useState<string>();
  const account = items.find((a) => a.id === chosen) ?? items.find((a) => a.default) ?? items[0];
  return (
    <main className="page" id="main" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <ProblemMessage error={accounts.error} />
      {accounts.loaded && items.length === 0 && !accounts.error && (
        <p className="muted">
          This tenant owns no IB account yet: its connection reports them once it logs in.
        </p>
      )}
      {items.length > 1 && (
        <label className="account-choice">
          IB account
          <select value={account?.id} onChange={(e) => setChosen(e.target.value)}>
            {items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id}
                {a.default ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {account && <Summary key={account.id} accountId={account.id} connectionId={account.connectionId} />}
    </main>
  );
}

function Summary({ accountId, connectionId }: { accountId: string; connectionId: string }) {
  const summary = useResource(
    () => ok(oms.GET('/api/v1/accounts/{id}/summary', { params: { path: { id: accountId } } })),
    `summary-${accountId}`,
    { reloadOn: afterFill },
  );
  const values = summary.data;
  return (
    <section className="panel" aria-labelledby="summary-title">
      <div className="panel-head">
        <h2 id="summary-title">
          Account <span data-testid="summary-account">{accountId}</span>
        </h2>
        <button type="button" className="secondary" onClick={() => summary.reload()}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Through connection <code>{connectionId}</code>
        {values ? (
          <>
            ; values in {values.currency} as of <DateTime at={values.at} />
          </>
        ) : null}
      </p>
      <ProblemMessage error={summary.error} />
      {values && (
        <dl className="figures wrap">
          {FIGURES.map(({ key, label }) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd data-testid={`summary-${key}`}>
                <Num value={values[key]} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
