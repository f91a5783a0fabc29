import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/http.ts';
import { Notice, ProblemMessage } from '../components/common.tsx';

interface CreatedTenant {
  id: string;
  name: string;
  admin: { username: string; role: string };
}

/**
 * The platform operator's page: create a tenant with its first admin. (Listing tenants and their
 * broker connections needs API routes that do not exist yet.)
 */
export function Tenants() {
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<CreatedTenant[]>([]);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const tenant = await api.post<CreatedTenant>('/tenants', {
        name: name.trim(),
        admin: { username: username.trim(), password },
      });
      setCreated([tenant, ...created]);
      setName('');
      setUsername('');
      setPassword('');
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <main className="page" id="main" aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
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
          <Notice>{created[0] ? `Tenant ${created[0].name} created.` : undefined}</Notice>
          <button type="submit">Create tenant</button>
        </form>
      </section>
      {created.length > 0 && (
        <section className="panel" aria-labelledby="created-title">
          <h2 id="created-title">Created in this session</h2>
          <ul>
            {created.map((t) => (
              <li key={t.id}>
                {t.name} ({t.id}), admin {t.admin.username}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
