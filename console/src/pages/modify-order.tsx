import { useEffect, useRef, useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { Order } from '../api/types.ts';
import { ProblemMessage } from '../components/common.tsx';

// The statuses PATCH /orders/{id} accepts (core/orders/service.ts); others answer ORDER_NOT_MODIFIABLE.
const MODIFIABLE: ReadonlySet<Order['status']> = new Set(['pending_new', 'submitted', 'partially_filled']);

export function isModifiable(order: Order): boolean {
  return MODIFIABLE.has(order.status);
}

/**
 * Changes a working order's quantity and prices (risk checks it again). It takes focus when it
 * opens, Escape closes it, and `onClose` hands focus back to the row it came from.
 */
export function ModifyOrder({ order, onClose }: { order: Order; onClose: (changed?: Order) => void }) {
  const [quantity, setQuantity] = useState(order.quantity);
  const [limitPrice, setLimitPrice] = useState(order.limitPrice ?? '');
  const [stopPrice, setStopPrice] = useState(order.stopPrice ?? '');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const usesLimit = order.type === 'limit' || order.type === 'stop_limit';
  const usesStop = order.type === 'stop' || order.type === 'stop_limit';

  useEffect(() => {
    first.current?.focus();
    first.current?.select();
  }, [order.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    // Only what changed: an unchanged price is not a modification.
    const body = {
      ...(quantity.trim() !== order.quantity ? { quantity: quantity.trim() } : {}),
      ...(usesLimit && limitPrice.trim() !== (order.limitPrice ?? '')
        ? { limitPrice: limitPrice.trim() }
        : {}),
      ...(usesStop && stopPrice.trim() !== (order.stopPrice ?? '') ? { stopPrice: stopPrice.trim() } : {}),
    };
    try {
      const changed = await ok(
        oms.PATCH('/api/v1/orders/{id}', { params: { path: { id: order.id } }, body }),
      );
      onClose(changed);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const title = `Modify ${order.side} ${order.quantity} ${order.symbol}`;
  return (
    <section
      className="modify"
      aria-labelledby="modify-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="modify-title">{title}</h3>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label>
          New quantity
          <input
            ref={first}
            name="modify-quantity"
            inputMode="decimal"
            required
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
        </label>
        {usesLimit && (
          <label>
            New limit price
            <input
              name="modify-limit"
              inputMode="decimal"
              required
              value={limitPrice}
              onChange={(e) => setLimitPrice(e.target.value)}
            />
          </label>
        )}
        {usesStop && (
          <label>
            New stop price
            <input
              name="modify-stop"
              inputMode="decimal"
              required
              value={stopPrice}
              onChange={(e) => setStopPrice(e.target.value)}
            />
          </label>
        )}
        <div className="form-end">
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send modification'}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => onClose()}>
            Close
          </button>
        </div>
        <ProblemMessage error={error} />
      </form>
    </section>
  );
}
