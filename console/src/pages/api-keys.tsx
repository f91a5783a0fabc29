import { useEffect, useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { ApiKey, Scope } from '../api/types.ts';
import { Notice, ProblemMessage, Time } from '../components/common.tsx';

// Every scope the API has (a record, so a new one is a type error here); a key never gets more
// than its creator holds.
const SCOPE_SET: Record<Scope, true> = {
  'orders:read': true,
  'orders:write': true,
  'positions:read': true,
  'marketdata:read': true,
  'marketdata:write': true,
  'webhooks:read': true,
  'webhooks:write': true,
  'risk:read': true,
  'risk:write': true,
  'users:read': true,
  'users:write': true,
  'api-keys:read': true,
  'api-keys:write': true,
  'audit:read': true,
  'strategies:read': true,
  'strategies:write': true,
  'connections:read': true,
  'connections:write': true,
};
const SCOPES = Object.keys(SCOPE_SET) as Scope[];

/** API keys of the tenant (admin): create with scopes (the key is shown once), list, revoke. */
export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['orders:read']);
  const [created, setCreated] = useState<ApiKey>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const load = () =>
    ok(oms.GET('/api/v1/api-keys', { params: { query: { limit: 100 } } })).then(
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
      const key: ApiKey = await ok(oms.POST('/api/v1/api-keys', { body: { name: name.trim(), scopes } }));
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
      await ok(oms.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } }));
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
