import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, ok, oms } from '../api/http.ts';
import type { PnlToday, Position } from '../api/types.ts';
import { Num, ProblemMessage } from '../components/common.tsx';
import { useLive } from '../live.tsx';

/**
 * Positions and today's P&L. Loaded once, then reloaded only when the stream says a position,
 * the P&L or a fill changed: marks and unrealized P&L come from the API, which values them.
 */
export function Positions() {
  const [positions, setPositions] = useState<Position[]>([]);
  const [pnl, setPnl] = useState<PnlToday>();
  const [error, setError] = useState<string>();
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);

  const load = useCallback(async () => {
    // Events come in bursts (a fill, then its commission): one reload at a time, one more after it.
    if (inFlight.current) {
      again.current = true;
      return;
    }
    const run = async () => {
      try {
        const [p, today] = await Promise.all([
          ok(oms.GET('/api/v1/positions')),
          ok(oms.GET('/api/v1/pnl/today')),
        ]);
        setPositions(p.items);
        setPnl(today);
        setError(undefined);
      } catch (e) {
        setError(describeError(e));
      }
    };
    do {
      again.current = false;
      inFlight.current = run();
      await inFlight.current;
      inFlight.current = undefined;
    } while (again.current);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useLive((event) => {
    if (event === 'reset' || event.stream === 'positions' || event.stream === 'pnl') void load();
    else if (event.stream === 'orders' && /filled$/.test(event.event)) void load();
  });

  return (
    <main className="page" id="main" aria-labelledby="positions-title">
      <h1 id="positions-title">Positions and P&amp;L</h1>
      <ProblemMessage error={error} />
      {pnl && (
        <section className="panel" aria-labelledby="pnl-title">
          <h2 id="pnl-title">Today ({pnl.date})</h2>
          <dl className="figures">
            <div>
              <dt>Realized</dt>
              <dd data-testid="pnl-realized">
                <Num value={pnl.realizedPnl} signed />
              </dd>
            </div>
            <div>
              <dt>Unrealized</dt>
              <dd data-testid="pnl-unrealized">
                <Num value={pnl.unrealizedPnl} signed />
              </dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd data-testid="pnl-total">
                <Num value={pnl.totalPnl} signed />
              </dd>
            </div>
            <div>
              <dt>Commissions</dt>
              <dd>
                <Num value={pnl.commissions} />
              </dd>
            </div>
            <div>
              <dt>Fills</dt>
              <dd data-testid="pnl-fills">{pnl.fills}</dd>
            </div>
          </dl>
        </section>
      )}
      <section className="panel" aria-labelledby="positions-table-title">
        <h2 id="positions-table-title">Positions</h2>
        <div className="table-wrap">
          <table aria-describedby="positions-table-title">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Symbol</th>
                <th scope="col">Quantity</th>
                <th scope="col">Average cost</th>
                <th scope="col">Market price</th>
                <th scope="col">Market value</th>
                <th scope="col">Unrealized P&amp;L</th>
                <th scope="col">Realized P&amp;L</th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <tr key={`${p.account}:${p.symbol}`} data-symbol={p.symbol}>
                  <td>{p.account}</td>
                  <td>{p.symbol}</td>
                  <td data-testid={`quantity-${p.symbol}`}>
                    <Num value={p.quantity} />
                  </td>
                  <td>
                    <Num value={p.averageCost} />
                  </td>
                  <td>
                    <Num value={p.marketPrice} />
                  </td>
                  <td>
                    <Num value={p.marketValue} />
                  </td>
                  <td>
                    <Num value={p.unrealizedPnl} signed />
                  </td>
                  <td>
                    <Num value={p.realizedPnl} signed />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {positions.length === 0 && <p className="muted">No positions.</p>}
        </div>
      </section>
    </main>
  );
}
