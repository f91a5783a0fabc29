import { useState, type FormEvent } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { OrderPreview, OrderType, Quote, Side, TimeInForce } from '../api/types.ts';
import { Notice, ProblemMessage } from '../components/common.tsx';
import { PreviewFigures } from '../components/order-preview.tsx';

const TYPES: Array<{ value: OrderType; label: string }> = [
  { value: 'market', label: 'Market' },
  { value: 'limit', label: 'Limit' },
  { value: 'stop', label: 'Stop' },
  { value: 'stop_limit', label: 'Stop limit' },
];
const TIFS: Array<{ value: TimeInForce; label: string }> = [
  { value: 'day', label: 'Day' },
  { value: 'gtc', label: 'Good till cancelled' },
  { value: 'ioc', label: 'Immediate or cancel' },
  { value: 'fok', label: 'Fill or kill' },
];

/**
 * The order ticket: every order type and time in force the API takes today. The blotter shows the
 * order once the stream reports it; the ticket only says whether the API accepted it.
 */
export function OrderTicket() {
  const [symbol, setSymbol] = useState('AAPL');
  const [side, setSide] = useState<Side>('buy');
  const [quantity, setQuantity] = useState('10');
  const [type, setType] = useState<OrderType>('limit');
  const [limitPrice, setLimitPrice] = useState('');
  const [stopPrice, setStopPrice] = useState('');
  const [timeInForce, setTimeInForce] = useState<TimeInForce>('day');
  const [outsideRth, setOutsideRth] = useState(false);
  const [quote, setQuote] = useState<Quote>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<OrderPreview>();

  const needsLimit = type === 'limit' || type === 'stop_limit';
  const needsStop = type === 'stop' || type === 'stop_limit';

  const loadQuote = async () => {
    setError(undefined);
    try {
      const wanted = symbol.trim().toUpperCase();
      setQuote(await ok(oms.GET('/api/v1/marketdata/{symbol}', { params: { path: { symbol: wanted } } })));
    } catch (e) {
      setQuote(undefined);
      setError(describeError(e));
    }
  };

  const orderBody = () => ({
    symbol: symbol.trim().toUpperCase(),
    side,
    quantity: quantity.trim(),
    type,
    timeInForce,
    ...(needsLimit ? { limitPrice: limitPrice.trim() } : {}),
    ...(needsStop ? { stopPrice: stopPrice.trim() } : {}),
    ...(outsideRth ? { outsideRth: true } : {}),
  });

  // IB's what-if and the OMS's risk verdict for the ticket as it stands; nothing is placed.
  const previewOrder = async () => {
    setBusy(true);
    setError(undefined);
    setPreview(undefined);
    try {
      setPreview(await ok(oms.POST('/api/v1/orders/preview', { body: orderBody() })));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    setPreview(undefined);
    const body = orderBody();
    try {
      const order = await ok(
        oms.POST('/api/v1/orders', { body, params: { header: { 'idempotency-key': crypto.randomUUID() } } }),
      );
      setNotice(
        `Order ${order.id} accepted: ${order.side} ${order.quantity} ${order.symbol} (${order.status})`,
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel ticket" aria-labelledby="ticket-title">
      <h2 id="ticket-title">Order ticket</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className="row">
          <label>
            Symbol
            <input
              name="symbol"
              required
              value={symbol}
              onChange={(e) => setSymbol(e.target.value)}
              autoCapitalize="characters"
            />
          </label>
          <button type="button" className="secondary" onClick={() => void loadQuote()}>
            Get quote
          </button>
        </div>
        {quote && (
          <p className="quote" aria-live="polite">
            {quote.symbol}: bid {quote.bid ?? '—'} · ask {quote.ask ?? '—'} · last {quote.last ?? '—'}
            {quote.stale ? ' (stale)' : ''}
          </p>
        )}
        <fieldset>
          <legend>Side</legend>
          {(['buy', 'sell'] as const).map((s) => (
            <label key={s} className="inline">
              <input type="radio" name="side" value={s} checked={side === s} onChange={() => setSide(s)} />
              {s === 'buy' ? 'Buy' : 'Sell'}
            </label>
          ))}
        </fieldset>
        <label>
          Quantity
          <input
            name="quantity"
            inputMode="decimal"
            required
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
        </label>
        <label>
          Order type
          <select name="type" value={type} onChange={(e) => setType(e.target.value as OrderType)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {needsLimit && (
          <label>
            Limit price
            <input
              name="limitPrice"
              inputMode="decimal"
              required
              value={limitPrice}
              onChange={(e) => setLimitPrice(e.target.value)}
            />
          </label>
        )}
        {needsStop && (
          <label>
            Stop price
            <input
              name="stopPrice"
              inputMode="decimal"
              required
              value={stopPrice}
              onChange={(e) => setStopPrice(e.target.value)}
            />
          </label>
        )}
        <label>
          Time in force
          <select
            name="timeInForce"
            value={timeInForce}
            onChange={(e) => setTimeInForce(e.target.value as TimeInForce)}
          >
            {TIFS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={outsideRth} onChange={(e) => setOutsideRth(e.target.checked)} />
          Outside regular trading hours
        </label>
        <ProblemMessage error={error} />
        <Notice>{notice}</Notice>
        {preview && <PreviewFigures preview={preview} />}
        <div className="row">
          <button type="button" className="secondary" disabled={busy} onClick={() => void previewOrder()}>
            Preview
          </button>
          <button type="submit" disabled={busy} className={side}>
            {busy ? 'Working…' : `Place ${side} order`}
          </button>
        </div>
      </form>
    </section>
  );
}
