import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError } from '../api/http.ts';
import { SCOPES, type ApiKey, type Page } from '../api/types.ts';
import { Notice, ProblemMessage, Time } from '../components/common.tsx';

/** API keys of the tenant (admin): create with scopes (the key is shown once), list, revoke. */
export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['orders:read']);
  const [created, setCreated] = useState<ApiKey>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const load = () =>
    api.get<Page<ApiKey>>('/api-keys', { limit: 100 }).then(
      (page) => setKeys(page.items),
      (e: unknown) => setError(describeError(e)),
    );
  useEffect(() => {
    void load();
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      const key = await api.post<ApiKey>('/api-keys', { name: name.trim(), scopes });
      setCreated(key);
      setName('');
      await load();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const revoke = async (key: ApiKey) => {
    setError(undefined);
    try {
      await api.delete(`/api-keys/${encodeURIComponent(key.id)}`);
      setNotice(`Key ${key.name} revoked.`);
      await load();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <main className="page" id="main" aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <section className="panel" aria-labelledby="new-key-title">
        <h2 id="new-key-title">New key</h2>
        <form onSubmit={(e) => void create(e)}>
          <label>
            Name
            <input name="name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="scopes">
            <legend>Scopes</legend>
            {SCOPES.map((scope) => (
              <label key={scope} className="inline">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) =>
                    setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                  }
                />
                {scope}
              </label>
            ))}
          </fieldset>
          <button type="submit">Create key</button>
        </form>
        {created?.key && (
          <div className="secret" role="status">
            <p>
              Key <strong>{created.name}</strong> created. Copy it now: it is not shown again.
            </p>
            <code aria-label="New API key">{created.key}</code>
          </div>
        )}
      </section>
      <ProblemMessage error={error} />
      <Notice>{notice}</Notice>
      <section className="panel" aria-labelledby="key-list-title">
        <h2 id="key-list-title">Keys</h2>
        <div className="table-wrap">
          <table aria-describedby="key-list-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.hint}</code>
                  </td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>
                    <Time at={k.createdAt} />
                  </td>
                  <td>{k.lastUsedAt ? <Time at={k.lastUsedAt} /> : <span className="muted">never</span>}</td>
                  <td>{k.revokedAt ? 'revoked' : 'active'}</td>
                  <td>
                    {!k.revokedAt && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Revoke key ${k.name}`}
                        onClick={() => void revoke(k)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {keys.length === 0 && <p className="muted">No keys yet.</p>}
        </div>
      </section>
    </main>
  );
}
