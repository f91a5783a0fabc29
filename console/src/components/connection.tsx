import type { Connection } from '../api/types.ts';
import { DateTime } from './common.tsx';
import type { Column } from './table.tsx';

/** The status with its colour, and the word for those who do not see the colour. */
export function ConnectionStatus({ status }: { status: Connection['status'] }) {
  return <span className={`connection-status connection-${status}`}>{status}</span>;
}

/** "used / limit", and how full: the market-data lines in use. */
export function Usage({ used, limit, unit }: { used: number; limit: number; unit: string }) {
  const percent = limit > 0 ? Math.round((used / limit) * 100) : 0;
  return (
    <span>
      {used} / {limit} {unit} <span className="muted">({percent}%)</span>
    </span>
  );
}

/**
 * The columns every connection table shares (the tenant's page and the operator's): status,
 * accounts, last error, pacing and market-data lines, as the bridge last reported them.
 */
export const connectionColumns: ReadonlyArray<Column<Connection>> = [
  { header: 'Name', cell: (c) => c.name },
  { header: 'Id', cell: (c) => <code>{c.id}</code> },
  { header: 'Gateway', cell: (c) => `${c.gateway.kind}${c.live ? ', live' : ''}` },
  {
    header: 'Status',
    cell: (c) => <ConnectionStatus status={c.status} />,
    testId: (c) => `connection-status-${c.id}`,
  },
  {
    header: 'Accounts',
    cell: (c) => (c.accounts.length ? c.accounts.join(', ') : <span className="muted">none reported</span>),
    testId: (c) => `connection-accounts-${c.id}`,
  },
  {
    header: 'Last error',
    cell: (c) =>
      c.lastError ? (
        <span>
          <code>{c.lastError.code}</code> {c.lastError.message} <DateTime at={c.lastError.at} />
        </span>
      ) : (
        <span className="muted">none</span>
      ),
    testId: (c) => `connection-error-${c.id}`,
  },
  {
    header: 'Pacing (last minute)',
    cell: (c) => (
      <span>
        {c.pacing.usedLastMinute} messages <span className="muted">(limit {c.pacing.limitPerSecond}/s)</span>
      </span>
    ),
    testId: (c) => `connection-pacing-${c.id}`,
  },
  {
    header: 'Market-data lines',
    cell: (c) => <Usage used={c.marketDataLines.inUse} limit={c.marketDataLines.limit} unit="lines" />,
    testId: (c) => `connection-lines-${c.id}`,
  },
  { header: 'Heartbeat', cell: (c) => <DateTime at={c.heartbeatAt} /> },
];
