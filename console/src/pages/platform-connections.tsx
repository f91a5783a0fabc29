import { ok, oms } from '../api/http.ts';
import type { Connection, Tenant } from '../api/types.ts';
import { ProblemMessage } from '../components/common.tsx';
import { connectionColumns } from '../components/connection.tsx';
import { DataTable, type Column } from '../components/table.tsx';
import { useResource } from '../resource.ts';
import { allTenants } from './tenants.tsx';

interface Health {
  ok: boolean;
  detail?: string;
}

/** Every connection of the platform, its tenant's name and what readiness says of it. */
async function platformConnections() {
  const [connections, tenants, readiness] = await Promise.all([
    ok(oms.GET('/api/v1/connections')),
    allTenants(),
    ok(oms.GET('/health/ready/details')),
  ]);
  return {
    connections: connections.items,
    tenantNames: new Map(tenants.map((t: Tenant) => [t.id, t.name])),
    health: (readiness.connections ?? {}) as Record<string, Health>,
  };
}

/** Up or down from the bridge's heartbeat and status, and why (core's connectionHealth). */
export function ConnectionHealth({ health }: { health: Health | undefined }) {
  if (!health) return <span className="muted">not checked</span>;
  return (
    <span>
      <span className={health.ok ? 'ok' : 'down'}>{health.ok ? 'up' : 'down'}</span>
      {health.detail ? <span className="muted"> — {health.detail}</span> : null}
    </span>
  );
}

/**
 * The operator's view of every broker connection across tenants: whose it is, whether its bridge
 * is up, its accounts, last error, pacing and market-data lines. Read on opening and on request
 * (the operator has no stream).
 */
export function PlatformConnections() {
  const data = useResource(platformConnections, 'platform-connections');
  const tenantOf = (c: Connection) => {
    if (c.tenantId === null) return 'shared (advisor login)';
    if (c.tenantId === undefined) return '—';
    return data.data?.tenantNames.get(c.tenantId) ?? c.tenantId;
  };
  const columns: Array<Column<Connection>> = [
    { header: 'Tenant', cell: tenantOf, testId: (c) => `connection-tenant-${c.id}` },
    ...connectionColumns,
    {
      header: 'Health',
      cell: (c) => <ConnectionHealth health={data.data?.health[c.id]} />,
      testId: (c) => `connection-health-${c.id}`,
    },
  ];
  return (
    <main className="page" id="main" aria-labelledby="platform-connections-title">
      <h1 id="platform-connections-title">Connections</h1>
      <section className="panel" aria-labelledby="platform-connection-list-title">
        <div className="panel-head">
          <h2 id="platform-connection-list-title">Every broker connection</h2>
          <button type="button" className="secondary" onClick={() => data.reload()}>
            Check again
          </button>
        </div>
        <ProblemMessage error={data.error} />
        <DataTable
          labelledBy="platform-connection-list-title"
          rows={data.data?.connections ?? []}
          columns={columns}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ 'data-connection-id': c.id })}
          empty="No connections."
          loaded={data.loaded}
        />
      </section>
    </main>
  );
}
