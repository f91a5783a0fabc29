import type { ReactNode } from 'react';
import type { OrderStatus } from '../api/types.ts';

/** A server error, shown from its problem `detail`; announced to screen readers. */
export function ProblemMessage({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="problem" role="alert">
      {error}
    </p>
  );
}

/** A confirmation that something worked; announced politely. */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

/** The order status with its colour, and the words for those who do not see the colour. */
export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status-${status}`}>{status.replace(/_/g, ' ')}</span>;
}

/** A decimal string as the table shows it; null and undefined as a dash. */
export function Num({ value, signed }: { value: string | null | undefined; signed?: boolean }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const n = Number(value);
  const className = signed && n !== 0 ? (n > 0 ? 'gain' : 'loss') : undefined;
  return <span className={className}>{value}</span>;
}

export function Time({ at }: { at: string | undefined }) {
  if (!at) return null;
  return <time dateTime={at}>{new Date(at).toLocaleTimeString()}</time>;
}

export function DateTime({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}
