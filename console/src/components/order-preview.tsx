import type { OrderPreview } from '../api/types.ts';

/** IB's empty figure means it gave none: shown as a dash, not as zero. */
const figure = (value: string) => (value === '' ? '—' : value);

/** The what-if answer: the OMS's risk verdict and IB's margin and commission figures. */
export function PreviewFigures({ preview }: { preview: OrderPreview }) {
  const { risk, broker } = preview;
  return (
    <section className="preview" aria-label="Order preview">
      <p className={risk.passed ? 'passed' : 'failed'}>
        {risk.passed ? 'Risk checks pass' : `Risk would refuse it: ${risk.code ?? ''} ${risk.detail ?? ''}`}
      </p>
      <dl>
        <dt>Notional</dt>
        <dd>{preview.notional === null ? '—' : `${preview.notional} ${preview.currency}`}</dd>
        <dt>Initial margin change</dt>
        <dd>{figure(broker.initMarginChange)}</dd>
        <dt>Maintenance margin change</dt>
        <dd>{figure(broker.maintMarginChange)}</dd>
        <dt>Equity with loan after</dt>
        <dd>{figure(broker.equityWithLoan)}</dd>
        <dt>Commission</dt>
        <dd>
          {figure(broker.commission.min)} – {figure(broker.commission.max)} {broker.commission.currency}
        </dd>
      </dl>
    </section>
  );
}
