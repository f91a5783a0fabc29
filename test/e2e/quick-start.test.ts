/**
 * The README's quick start on a fresh `npm start`: a market order for 10 AAPL fills with no other
 * set-up (no subscription, no reference price): risk asks the broker for a snapshot to price it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { request } from '../support/api.ts';
import { startLocalStack, type LocalStack } from '../support/stack.ts';

let stack: LocalStack;
let token: string;

beforeAll(async () => {
  stack = await startLocalStack('quick-start');
  const login = await request(stack.baseUrl, 'POST', '/api/v1/auth/login', {
    body: stack.user('trader'),
  });
  expect(login.status).toBe(200);
  token = login.body.accessToken;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const headers = () => ({ authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() });

describe('quick start', () => {
  it('fills a market order for 10 AAPL with no set-up', async () => {
    const placed = await request(stack.baseUrl, 'POST', '/api/v1/orders', {
      headers: headers(),
      body: { symbol: 'AAPL', side: 'buy', quantity: '10', type: 'market' },
    });
    expect(placed.body).toMatchObject({ symbol: 'AAPL', quantity: '10', type: 'market' });
    expect(placed.status).toBe(201);

    let order = placed.body;
    for (let i = 0; i < 300 && order.status !== 'filled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      order = (
        await request(stack.baseUrl, 'GET', `/api/v1/orders/${placed.body.id}`, { headers: headers() })
      ).body;
    }
    expect(order).toMatchObject({ status: 'filled', filledQuantity: '10', remainingQuantity: '0' });

    const positions = await request(stack.baseUrl, 'GET', '/api/v1/positions', { headers: headers() });
    expect(positions.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ symbol: 'AAPL', quantity: '10' })]),
    );
  }, 60_000);

  it('still refuses, saying how to fix it, a market order for a symbol the broker cannot price', async () => {
    const refused = await request(stack.baseUrl, 'POST', '/api/v1/orders', {
      headers: headers(),
      body: { symbol: 'NOSUCH', side: 'buy', quantity: '1', type: 'market' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('RISK_NO_REFERENCE_PRICE');
    expect(refused.body.detail).toContain('POST /api/v1/marketdata/subscriptions');
    expect(refused.body.detail).toContain('marketOrderWithoutPrice');
  }, 60_000);
});
