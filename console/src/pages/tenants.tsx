import { useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { Tenant } from '../api/types.ts';
import { DateTime, Notice, ProblemMessage } from '../components/common.tsx';
import { ConnectionStatus } from '../components/connection.tsx';
import { DataTable, type Column } from '../components/table.tsx';
import { useResource } from '../resource.ts';

/** Every tenant, page by page. */
export async function allTenants(): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  let cursor: string | undefined;
  do {
    const query = { limit: 100, ...(cursor ? { cursor } : {}) };
    const page = await ok(oms.GET('/api/v1/tenants', { params: { query } }));
    tenants.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return tenants;
}

/** The platform operator's tenants: every tenant with its status, suspend and reactivate, and a new one. */
export function Tenants() {
  const tenants = useResource(allTenants, 'tenants');
  const connections = useResource(() => ok(oms.GET('/api/v1/connections')), 'tenant-connections');
  const connectionsOf = (t: Tenant) => (connections.data?.items ?? []).filter((c) => c.tenantId === t.id);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [cancelWorking, setCancelWorking] = useState(true);

  const setStatus = async (tenant: Tenant, status: Tenant['status']) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const body = { status, ...(status === 'suspended' ? { cancelWorkingOrders: cancelWorking } : {}) };
      const changed = await ok(
        oms.PATCH('/api/v1/tenants/{id}', { params: { path: { id: tenant.id } }, body }),
      );
      setNotice(
        status === 'suspended'
          ? `Tenant ${changed.name} suspended; ${changed.cancelledOrders} working orders cancelled.`
          : `Tenant ${changed.name} reactivated.`,
      );
      tenants.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const columns: Array<Column<Tenant>> = [
    { header: 'Name', cell: (t) => t.name },
    { header: 'Id', cell: (t) => <code>{t.id}</code> },
    {
      header: 'Status',
      cell: (t) => <span className={`tenant-status tenant-${t.status}`}>{t.status}</span>,
      testId: (t) => `tenant-status-${t.id}`,
    },
    {
      header: 'Connections',
      cell: (t) => {
        const own = connectionsOf(t);
        if (own.length === 0) return <span className="muted">none</span>;
        return (
          <ul className="inline-list">
            {own.map((c) => (
              <li key={c.id}>
                <code>{c.id}</code> <ConnectionStatus status={c.status} />
                <span className="muted">
                  {' '}
                  {c.accounts.length} account(s){c.lastError ? `, ${c.lastError.code}` : ''}
                </span>
              </li>
            ))}
          </ul>
        );
      },
      testId: (t) => `tenant-connections-${t.id}`,
    },
    { header: 'Created', cell: (t) => <DateTime at={t.createdAt} /> },
    {
      header: 'Actions',
      cell: (t) =>
        t.status === 'active' ? (
          <button type="button" className="danger" onClick={() => void setStatus(t, 'suspended')}>
            Suspend <span className="visually-hidden">{t.name}</span>
          </button>
        ) : (
          <button type="button" onClick={() => void setStatus(t, 'active')}>
            Reactivate <span className="visually-hidden">{t.name}</span>
          </button>
        ),
    },
  ];

  return (
    <main className="page" id="main" aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
      <section className="panel" aria-labelledby="tenant-list-title">
        <h2 id="tenant-list-title">All tenants</h2>
        <label className="inline">
          <input
            type="checkbox"
            checked={cancelWorking}
            onChange={(e) => setCancelWorking(e.target.checked)}
          />
          Cancel a suspended tenant's working orders
        </label>
        <ProblemMessage error={error ?? tenants.error ?? connections.error} />
        <Notice>{notice}</Notice>
        <DataTable
          labelledBy="tenant-list-title"
          rows={tenants.data ?? []}
          columns={columns}
          rowKey={(t) => t.id}
          rowProps={(t) => ({ 'data-tenant-id': t.id })}
          empty="No tenants."
          loaded={tenants.loaded}
        />
      </section>
      <NewTenant onCreated={() => tenants.reload()} />
    </main>
  );
}

function NewTenant({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body = { name: name.trim(), admin: { username: username.trim(), password } };
      const tenant = await ok(oms.POST('/api/v1/tenants', { body }));
      setCreated(tenant.name);
      setName('');
      setUsername('');
      setPassword('');
      onCreated();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="new-tenant-title">
      <h2 id="new-tenant-title">New tenant</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Tenant name
          <input name="tenant-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          First admin's username
          <input
            name="admin-username"
            required
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          First admin's password
          <input
            name="admin-password"
            type="password"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ProblemMessage error={error} />
        <Notice>{created ? `Tenant ${created} created.` : undefined}</Notice>
        <button type="submit">Create tenant</button>
      </form>
    </section>
  );
}
