import { ok, oms } from '../api/http.ts';
import type { Connection } from '../api/types.ts';
import { ProblemMessage } from '../components/common.tsx';
import { connectionColumns } from '../components/connection.tsx';
import { DataTable } from '../components/table.tsx';
import { useResource } from '../resource.ts';

/**
 * The tenant's broker connections (its own, and shared ones carrying one of its accounts) with
 * what each bridge last reported. The stream carries no connection events, so it is read on
 * opening and on request.
 */
export function Connections() {
  const connections = useResource(() => ok(oms.GET('/api/v1/connections')), 'connections');
  return (
    <main className="page" id="main" aria-labelledby="connections-title">
      <h1 id="connections-title">Connections</h1>
      <section className="panel" aria-labelledby="connection-list-title">
        <div className="panel-head">
          <h2 id="connection-list-title">Broker connections of this tenant</h2>
          <button type="button" className="secondary" onClick={() => connections.reload()}>
            Check again
          </button>
        </div>
        <ProblemMessage error={connections.error} />
        <DataTable<Connection>
          labelledBy="connection-list-title"
          rows={connections.data?.items ?? []}
          columns={connectionColumns}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ 'data-connection-id': c.id })}
          empty="No connections."
          loaded={connections.loaded}
        />
      </section>
    </main>
  );
}
