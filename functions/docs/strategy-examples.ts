/** Worked examples of the strategy, backtest, tenant-operator and session routes (spread into examples.ts). */
import { AT, LATER, TENANT, tokens, type RouteExample } from './example-fixtures.ts';

export const STRATEGY_ID = '01JF3Q7SA1C3E5G7J9K1M3P5R7';
export const BACKTEST_ID = '01JF3Q7SB2D4F6H8K0M2P4R6T8';

const source = `export default {
  onBar(ctx, bar) {
    if (ctx.position(bar.symbol) === 0 && bar.close < ctx.params.buyBelow) {
      ctx.placeOrder({ symbol: bar.symbol, side: 'buy', quantity: 10, type: 'market' });
      ctx.log(\`buying \${bar.symbol} below \${ctx.params.buyBelow}\`);
    }
  },
};
`;

const strategy = {
  id: STRATEGY_ID,
  name: 'dip-buyer',
  version: 1,
  params: { buyBelow: 186 },
  symbols: ['AAPL'],
  account: null,
  status: 'stopped',
  stats: { events: 0, orders: 0, cpuMs: 0 },
  createdAt: AT,
  updatedAt: AT,
};
const updated = { ...strategy, version: 2, params: { buyBelow: 185 }, updatedAt: LATER };

const bar = (day: number, open: string, high: string, low: string, close: string) => ({
  time: `2026-01-0${day}T00:00:00Z`,
  open,
  high,
  low,
  close,
  volume: '1000',
});

export const strategyExamples: Record<string, RouteExample> = {
  'POST /api/v1/auth/logout': { body: { refreshToken: tokens.refreshToken } },
  'GET /health/ready/details': {
    response: {
      status: 'ready',
      checks: {
        database: { ok: true },
        queue: { ok: true },
        broker: { ok: true, detail: 'connected to paper' },
      },
      connections: { cdemo: { ok: true, detail: 'connected, 1 account(s)' } },
    },
  },
  'GET /api/v1/tenants': {
    query: { limit: '50' },
    response: {
      items: [{ id: TENANT, name: 'Acme Capital', status: 'active', createdAt: AT }],
      nextCursor: null,
    },
  },
  'PATCH /api/v1/tenants/{id}': {
    params: { id: TENANT },
    body: { status: 'suspended', cancelWorkingOrders: true },
    response: { id: TENANT, name: 'Acme Capital', status: 'suspended', createdAt: AT, cancelledOrders: 2 },
  },

  'POST /api/v1/strategies': {
    body: { name: 'dip-buyer', source, params: { buyBelow: 186 }, symbols: ['AAPL'] },
    response: strategy,
  },
  'GET /api/v1/strategies': { response: { items: [strategy] } },
  'GET /api/v1/strategies/{id}': { params: { id: STRATEGY_ID }, response: strategy },
  'PUT /api/v1/strategies/{id}': {
    params: { id: STRATEGY_ID },
    body: { source: source.replace('quantity: 10', 'quantity: 5'), params: { buyBelow: 185 } },
    response: updated,
  },
  'POST /api/v1/strategies/{id}/start': {
    params: { id: STRATEGY_ID },
    response: { ...updated, status: 'running' },
  },
  'POST /api/v1/strategies/{id}/stop': {
    params: { id: STRATEGY_ID },
    response: { ...updated, status: 'stopped' },
  },
  'GET /api/v1/strategies/{id}/logs': {
    params: { id: STRATEGY_ID },
    query: { limit: '20' },
    response: { items: [{ at: LATER, level: 'info', message: 'buying AAPL below 185' }] },
  },
  'GET /api/v1/strategies/{id}/versions': {
    params: { id: STRATEGY_ID },
    response: {
      items: [
        { version: 1, createdAt: AT },
        { version: 2, createdAt: LATER },
      ],
    },
  },
  'POST /api/v1/strategies/{id}/backtests': {
    params: { id: STRATEGY_ID },
    body: {
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-10T00:00:00Z',
      barSize: '1 day',
      symbols: ['AAPL'],
      initialCash: '100000',
      commissionPerShare: '0.005',
      slippageTicks: 1,
      bars: [
        bar(2, '187.00', '188.10', '186.40', '186.90'),
        bar(5, '186.90', '187.20', '184.30', '184.60'),
        bar(6, '184.60', '186.00', '184.10', '185.80'),
        bar(7, '185.80', '188.50', '185.50', '188.20'),
        bar(8, '188.20', '189.40', '187.60', '189.10'),
      ],
    },
    response: { id: BACKTEST_ID, status: 'queued' },
  },
  'GET /api/v1/backtests/{id}': {
    params: { id: BACKTEST_ID },
    response: {
      id: BACKTEST_ID,
      strategyId: STRATEGY_ID,
      version: 2,
      status: 'done',
      request: {
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-10T00:00:00Z',
        barSize: '1 day',
        symbols: ['AAPL'],
        initialCash: '100000',
        commissionPerShare: '0.005',
        slippageTicks: 1,
        bars: 5,
      },
      trades: [],
      equity: [
        { at: '2026-01-02T00:00:00.000Z', value: '100000' },
        { at: '2026-01-05T00:00:00.000Z', value: '100000' },
        { at: '2026-01-06T00:00:00.000Z', value: '100005.925' },
        { at: '2026-01-07T00:00:00.000Z', value: '100017.925' },
        { at: '2026-01-08T00:00:00.000Z', value: '100022.425' },
      ],
      stats: {
        pnl: '22.425',
        returnPct: 0.022425,
        maxDrawdownPct: 0,
        sharpe: 14.32694,
        trades: 0,
        winRate: 0,
        exposure: 0.6,
      },
      logs: [{ at: '2026-01-05T00:00:00.000Z', level: 'info', message: 'buying AAPL below 185' }],
      createdAt: AT,
      finishedAt: LATER,
    },
  },
  'GET /api/v1/backtests/{id}/equity.svg': { params: { id: BACKTEST_ID } },
};
