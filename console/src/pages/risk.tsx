import { useEffect, useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { Schemas } from '../../../client/index.ts';
import type { KillSwitch, RiskLimits } from '../api/types.ts';
import { Notice, ProblemMessage } from '../components/common.tsx';

const NUMERIC_LIMITS: Array<{ key: string; label: string }> = [
  { key: 'maxOrderQuantity', label: 'Max order quantity' },
  { key: 'maxOrderNotional', label: 'Max order notional' },
  { key: 'maxPositionQuantity', label: 'Max position quantity (per symbol)' },
  { key: 'maxGrossExposure', label: 'Max gross exposure' },
  { key: 'maxOpenOrders', label: 'Max open orders' },
  { key: 'maxOrdersPerSecond', label: 'Max orders per second' },
  { key: 'priceCollarPercent', label: 'Price collar (%)' },
  { key: 'dailyLossLimit', label: 'Daily loss limit' },
];
const WHOLE = new Set(['maxOpenOrders', 'maxOrdersPerSecond']);

/** Risk limits and the kill switch (admin). */
export function Risk() {
  return (
    <main className="page" id="main" aria-labelledby="risk-title">
      <h1 id="risk-title">Risk</h1>
      <KillSwitchPanel />
      <LimitsPanel />
    </main>
  );
}

function KillSwitchPanel() {
  const [state, setState] = useState<KillSwitch>();
  const [reason, setReason] = useState('');
  const [cancelWorking, setCancelWorking] = useState(true);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    ok(oms.GET('/api/v1/risk/kill-switch')).then(setState, (e: unknown) => setError(describeError(e)));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!state) return;
    setError(undefined);
    setNotice(undefined);
    try {
      const engaged = !state.engaged;
      const next: KillSwitch & { cancelledOrders?: number } = await ok(
        oms.POST('/api/v1/risk/kill-switch', {
          body: { engaged, reason: reason.trim(), cancelWorkingOrders: engaged && cancelWorking },
        }),
      );
      setState(next);
      setReason('');
      setNotice(
        engaged
          ? `Kill switch engaged; ${next.cancelledOrders ?? 0} working orders cancelled.`
          : 'Kill switch released.',
      );
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="kill-title">
      <h2 id="kill-title">Kill switch</h2>
      {state && (
        <p className={state.engaged ? 'engaged' : 'released'} data-testid="kill-switch-state">
          {state.engaged ? 'Engaged: new orders are rejected.' : 'Released: orders flow.'}
          {state.reason ? ` Reason: ${state.reason}.` : ''}
          {state.changedBy ? ` Changed by ${state.changedBy}.` : ''}
        </p>
      )}
      {state && (
        <form onSubmit={(e) => void submit(e)}>
          <label>
            Reason
            <input name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          {!state.engaged && (
            <label className="inline">
              <input
                type="checkbox"
                checked={cancelWorking}
                onChange={(e) => setCancelWorking(e.target.checked)}
              />
              Also cancel every working order
            </label>
          )}
          <ProblemMessage error={error} />
          <Notice>{notice}</Notice>
          <button type="submit" className={state.engaged ? 'secondary' : 'danger'}>
            {state.engaged ? 'Release kill switch' : 'Engage kill switch'}
          </button>
        </form>
      )}
      {!state && <ProblemMessage error={error} />}
    </section>
  );
}

function LimitsPanel() {
  const [limits, setLimits] = useState<RiskLimits>();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const adopt = (l: RiskLimits) => {
    setLimits(l);
    const d: Record<string, string> = {};
    for (const { key } of NUMERIC_LIMITS)
      d[key] = l[key] === null || l[key] === undefined ? '' : String(l[key]);
    d.restrictedSymbols = Array.isArray(l.restrictedSymbols) ? l.restrictedSymbols.join(', ') : '';
    d.allowedSymbols = Array.isArray(l.allowedSymbols) ? l.allowedSymbols.join(', ') : '';
    setDraft(d);
  };

  useEffect(() => {
    ok(oms.GET('/api/v1/risk/limits')).then(
      (l) => adopt(l as RiskLimits),
      (e: unknown) => setError(describeError(e)),
    );
  }, []);

  const symbols = (s: string | undefined) =>
    (s ?? '')
      .split(/[\s,]+/)
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!limits) return;
    setError(undefined);
    setNotice(undefined);
    const body: RiskLimits = { ...limits };
    for (const { key } of NUMERIC_LIMITS) {
      const v = (draft[key] ?? '').trim();
      body[key] = v === '' ? null : WHOLE.has(key) ? Number(v) : v;
    }
    body.restrictedSymbols = symbols(draft.restrictedSymbols);
    const allowed = symbols(draft.allowedSymbols);
    body.allowedSymbols = allowed.length ? allowed : null;
    try {
      // The form edits the limits by name; the server validates the whole body.
      const saved = await ok(oms.PUT('/api/v1/risk/limits', { body: body as Schemas['RiskLimits'] }));
      adopt(saved as RiskLimits);
      setNotice('Limits saved.');
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="limits-title">
      <h2 id="limits-title">Limits</h2>
      {limits && (
        <form onSubmit={(e) => void submit(e)} className="grid-form">
          {NUMERIC_LIMITS.map(({ key, label }) => (
            <label key={key}>
              {label}
              <input
                name={key}
                inputMode="decimal"
                placeholder="no limit"
                value={draft[key] ?? ''}
                onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
              />
            </label>
          ))}
          <label>
            Restricted symbols
            <input
              name="restrictedSymbols"
              value={draft.restrictedSymbols ?? ''}
              onChange={(e) => setDraft({ ...draft, restrictedSymbols: e.target.value })}
            />
          </label>
          <label>
            Allowed symbols (empty: any)
            <input
              name="allowedSymbols"
              value={draft.allowedSymbols ?? ''}
              onChange={(e) => setDraft({ ...draft, allowedSymbols: e.target.value })}
            />
          </label>
          <div className="form-end">
            <ProblemMessage error={error} />
            <Notice>{notice}</Notice>
            <button type="submit">Save limits</button>
          </div>
        </form>
      )}
      {!limits && <ProblemMessage error={error} />}
    </section>
  );
}
