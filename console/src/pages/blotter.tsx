import { useCallback, useEffect, useState } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { Order, OrderEvent, OrderStatus, Side } from '../api/types.ts';
import { ORDER_STATUSES, TERMINAL_STATUSES } from '../api/types.ts';
import { Num, ProblemMessage, StatusBadge, Time } from '../components/common.tsx';
import { useLive } from '../live.tsx';
import type { StreamEvent } from '../api/stream.ts';
import { ModifyOrder, isModifiable } from './modify-order.tsx';

interface Filters {
  status: OrderStatus | '';
  symbol: string;
  side: Side | '';
}

function matches(order: Order, filters: Filters): boolean {
  return (
    (!filters.status || order.status === filters.status) &&
    (!filters.symbol || order.symbol === filters.symbol.trim().toUpperCase()) &&
    (!filters.side || order.side === filters.side)
  );
}

/** The order inside an order event's detail (`data.order`, docs/webhooks.md). */
function orderOf(event: StreamEvent): { id: string | undefined; order: Order | undefined } {
  const detail = event.data;
  const inner = detail.data as { order?: Order } | undefined;
  const id = typeof detail.orderId === 'string' ? detail.orderId : inner?.order?.id;
  return { id, order: inner?.order };
}

/** Newer versions replace older ones; the list stays newest first. */
function upsert(orders: Order[], order: Order): Order[] {
  const existing = orders.find((o) => o.id === order.id);
  if (existing && existing.version >= order.version) return orders;
  const rest = orders.filter((o) => o.id !== order.id);
  return [order, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Orders, live from the stream: the list is loaded once per filter, then only events change it. */
export function Blotter({ canTrade }: { canTrade: boolean }) {
  const [filters, setFilters] = useState<Filters>({ status: '', symbol: '', side: '' });
  const [orders, setOrders] = useState<Order[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [trailVersion, setTrailVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      const symbol = filters.symbol.trim().toUpperCase();
      const query = {
        limit: '100',
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.side ? { side: filters.side } : {}),
        ...(symbol ? { symbol } : {}),
      };
      const page = await ok(oms.GET('/api/v1/orders', { params: { query } }));
      setOrders(page.items);
      setError(undefined);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoaded(true);
    }
  }, [filters]);

  useEffect(() => {
    void load();
  }, [load]);

  const state = useLive((event) => {
    if (event === 'reset') {
      void load();
      return;
    }
    if (event.stream !== 'orders') return;
    const { id, order } = orderOf(event);
    if (id === selected) setTrailVersion((v) => v + 1);
    const apply = (o: Order) =>
      setOrders((current) =>
        matches(o, filters) ? upsert(current, o) : current.filter((c) => c.id !== o.id),
      );
    if (order) apply(order);
    else if (id)
      void ok(oms.GET('/api/v1/orders/{id}', { params: { path: { id } } })).then(apply, () => undefined);
  });

  // A button that disappears (Cancel, once the order is cancelling) must not strand keyboard focus.
  const [focusAfter, setFocusAfter] = useState<{ id: string; action: 'trail' | 'modify' }>();
  useEffect(() => {
    if (!focusAfter) return;
    const row = document.querySelector(`tr[data-order-id="${CSS.escape(focusAfter.id)}"]`);
    const button =
      row?.querySelector<HTMLButtonElement>(`button[data-action="${focusAfter.action}"]`) ??
      row?.querySelector<HTMLButtonElement>('button[data-action="trail"]');
    button?.focus();
    setFocusAfter(undefined);
  }, [focusAfter, orders]);

  const cancel = async (id: string) => {
    setError(undefined);
    try {
      const order = await ok(oms.POST('/api/v1/orders/{id}/cancel', { params: { path: { id } } }));
      setOrders((current) => upsert(current, order));
      setFocusAfter({ id, action: 'trail' });
    } catch (e) {
      setError(describeError(e));
    }
  };
  const [modifying, setModifying] = useState<string>();
  const modified = orders.find((o) => o.id === modifying);

  return (
    <section className="panel blotter" aria-labelledby="blotter-title">
      <div className="panel-head">
        <h2 id="blotter-title">Blotter</h2>
        <span className={`live live-${state}`} role="status">
          {state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline, reconnecting'}
        </span>
      </div>
      <form className="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            name="status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value as OrderStatus | '' })}
          >
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Symbol
          <input
            name="symbol-filter"
            value={filters.symbol}
            onChange={(e) => setFilters({ ...filters, symbol: e.target.value })}
          />
        </label>
        <label>
          Side
          <select
            name="side"
            value={filters.side}
            onChange={(e) => setFilters({ ...filters, side: e.target.value as Side | '' })}
          >
            <option value="">Any</option>
            <option value="buy">buy</option>
            <option value="sell">sell</option>
          </select>
        </label>
      </form>
      <ProblemMessage error={error} />
      <div className="table-wrap">
        <table aria-describedby="blotter-title">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col">Type</th>
              <th scope="col">Quantity</th>
              <th scope="col">Filled</th>
              <th scope="col">Price</th>
              <th scope="col">Avg fill</th>
              <th scope="col">TIF</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-order-id={o.id} className={o.id === selected ? 'selected' : undefined}>
                <td>
                  <Time at={o.createdAt} />
                </td>
                <td>{o.symbol}</td>
                <td className={o.side}>{o.side}</td>
                <td>{o.type.replace('_', ' ')}</td>
                <td>
                  <Num value={o.quantity} />
                </td>
                <td>
                  <Num value={o.filledQuantity} />
                </td>
                <td>
                  <Num value={o.limitPrice ?? o.stopPrice} />
                </td>
                <td>
                  <Num value={o.averageFillPrice} />
                </td>
                <td>{o.timeInForce}</td>
                <td>
                  <StatusBadge status={o.status} />
                  {o.rejectReason ? <span className="muted"> {o.rejectReason}</span> : null}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="link"
                    data-action="trail"
                    aria-label={`Audit trail of ${o.side} ${o.quantity} ${o.symbol}`}
                    aria-expanded={o.id === selected}
                    onClick={() => setSelected(o.id === selected ? undefined : o.id)}
                  >
                    Trail
                  </button>
                  {canTrade && isModifiable(o) && (
                    <button
                      type="button"
                      className="secondary"
                      data-action="modify"
                      aria-label={`Modify ${o.side} ${o.quantity} ${o.symbol}`}
                      aria-expanded={o.id === modifying}
                      onClick={() => setModifying(o.id === modifying ? undefined : o.id)}
                    >
                      Modify
                    </button>
                  )}
                  {canTrade && !TERMINAL_STATUSES.has(o.status) && o.status !== 'pending_cancel' && (
                    <button
                      type="button"
                      className="danger"
                      data-action="cancel"
                      aria-label={`Cancel ${o.side} ${o.quantity} ${o.symbol}`}
                      onClick={() => void cancel(o.id)}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loaded && orders.length === 0 && <p className="muted">No orders match.</p>}
      </div>
      {modified && isModifiable(modified) && (
        <ModifyOrder
          order={modified}
          onClose={(done) => {
            setModifying(undefined);
            setFocusAfter({ id: modified.id, action: 'modify' });
            if (done) setOrders((current) => upsert(current, done));
          }}
        />
      )}
      {selected && <AuditTrail orderId={selected} version={trailVersion} />}
    </section>
  );
}

/** The immutable audit events of one order, oldest first; reloaded when the stream reports a change. */
function AuditTrail({ orderId, version }: { orderId: string; version: number }) {
  const [events, setEvents] = useState<OrderEvent[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    ok(oms.GET('/api/v1/orders/{id}/events', { params: { path: { id: orderId } } })).then(
      (page) => current && setEvents(page.items),
      (e: unknown) => current && setError(describeError(e)),
    );
    return () => {
      current = false;
    };
  }, [orderId, version]);

  return (
    <section className="trail" aria-labelledby="trail-title">
      <h3 id="trail-title">Audit trail of order {orderId}</h3>
      <ProblemMessage error={error} />
      <ol>
        {events.map((e) => (
          <li key={e.seq}>
            <Time at={e.at} /> <strong>{e.type}</strong> by {e.actor}
            {e.reason ? <span> — {e.reason}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
