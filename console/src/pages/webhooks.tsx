import { useEffect, useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { Delivery, Webhook } from '../api/types.ts';
import { Notice, ProblemMessage, Time } from '../components/common.tsx';

/** Webhook subscriptions (admin): create (the secret is shown once), test, delete, and deliveries. */
export function Webhooks() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('order.*');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<Webhook>();
  const [selected, setSelected] = useState<string>();
  const [deliveriesVersion, setDeliveriesVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const load = () =>
    ok(oms.GET('/api/v1/webhooks', { params: { query: { limit: 100 } } })).then(
      (page) => setHooks(page.items),
      (e: unknown) => setError(describeError(e)),
    );
  useEffect(() => {
    void load();
  }, []);

  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const body = {
        url: url.trim(),
        events: events
          .split(/[\s,]+/)
          .map((e) => e.trim())
          .filter(Boolean),
        ...(description.trim() ? { description: description.trim() } : {}),
      };
      const hook: Webhook = await ok(oms.POST('/api/v1/webhooks', { body }));
      setCreated(hook);
      setUrl('');
      await load();
    });
  };

  return (
    <main className="page" id="main" aria-labelledby="hooks-title">
      <h1 id="hooks-title">Webhooks</h1>
      <section className="panel" aria-labelledby="new-hook-title">
        <h2 id="new-hook-title">New subscription</h2>
        <form onSubmit={create}>
          <label>
            URL
            <input name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label>
            Events (comma-separated: order.filled, order.*, position.*, *)
            <input name="events" required value={events} onChange={(e) => setEvents(e.target.value)} />
          </label>
          <label>
            Description
            <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <button type="submit">Create subscription</button>
        </form>
        {created?.secret && (
          <div className="secret" role="status">
            <p>Subscription created. Its signing secret is shown this once:</p>
            <code aria-label="Signing secret">{created.secret}</code>
          </div>
        )}
      </section>
      <ProblemMessage error={error} />
      <Notice>{notice}</Notice>
      <section className="panel" aria-labelledby="hook-list-title">
        <h2 id="hook-list-title">Subscriptions</h2>
        <div className="table-wrap">
          <table aria-describedby="hook-list-title">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id}>
                  <td>{h.url}</td>
                  <td>{h.events.join(', ')}</td>
                  <td>{h.status ?? 'enabled'}</td>
                  <td>
                    <Time at={h.createdAt} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="link"
                      aria-expanded={selected === h.id}
                      aria-label={`Deliveries of ${h.url}`}
                      onClick={() => setSelected(selected === h.id ? undefined : h.id)}
                    >
                      Deliveries
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Send a test event to ${h.url}`}
                      onClick={() =>
                        void act(async () => {
                          await ok(
                            oms.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: h.id } } }),
                          );
                          setNotice(`Test event sent to ${h.url}.`);
                          setSelected(h.id);
                          setDeliveriesVersion((v) => v + 1);
                        })
                      }
                    >
                      Test
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete subscription ${h.url}`}
                      onClick={() =>
                        void act(async () => {
                          await ok(oms.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: h.id } } }));
                          if (selected === h.id) setSelected(undefined);
                          await load();
                        })
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hooks.length === 0 && <p className="muted">No subscriptions yet.</p>}
        </div>
      </section>
      {selected && <Deliveries webhookId={selected} version={deliveriesVersion} />}
    </main>
  );
}

function Deliveries({ webhookId, version }: { webhookId: string; version: number }) {
  const [items, setItems] = useState<Delivery[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    const path = { id: webhookId };
    ok(oms.GET('/api/v1/webhooks/{id}/deliveries', { params: { path, query: { limit: 50 } } })).then(
      (page) => current && setItems(page.items),
      (e: unknown) => current && setError(describeError(e)),
    );
    return () => {
      current = false;
    };
  }, [webhookId, version]);

  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <ProblemMessage error={error} />
      <div className="table-wrap">
        <table aria-describedby="deliveries-title">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts (status code, outcome)</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>{d.eventType ?? d.eventId}</td>
                <td>{d.status}</td>
                <td>
                  {d.attempts
                    .map(
                      (a) =>
                        `#${a.attempt}: ${a.statusCode ?? '—'} ${a.outcome}${a.error ? ` (${a.error})` : ''}`,
                    )
                    .join('; ')}
                </td>
                <td>
                  <Time at={d.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p className="muted">No deliveries yet.</p>}
      </div>
    </section>
  );
}
