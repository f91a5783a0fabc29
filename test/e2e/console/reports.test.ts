/**
 * The console's connection, account and report pages in a real browser, with the two demo tenants
 * `npm start` seeds: the operator sees both tenants and every connection's health; the second
 * tenant's market order fills at its own paper gateway (its own account), and its fills (paged),
 * P&L history, account summary and connections show it, never the first tenant's. axe-core finds
 * no violation on any of these pages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { accessibilityViolations, screenshot, startConsoleWorld, type ConsoleWorld } from './harness.ts';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
}, 180_000);
afterAll(async () => {
  await world?.close();
});

async function login(credentials: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${world.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${world.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls an API read (not the page) until `done`: set-up the test is not about. */
async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const second = () => world.demo.tenants[1]!;
const userOf = (role: 'admin' | 'trader' | 'viewer') => second().users.find((u) => u.role === role)!;
const accountOf = (connection: string) => world.demo.connections.find((c) => c.id === connection)?.account;

/** Both demo connections report connected, so the pages have health to show. */
async function bothConnected(): Promise<void> {
  const operator = await login(world.demo.operator);
  await until('both demo connections connected', async () => {
    const list = await call(operator, 'GET', '/api/v1/connections');
    const items = list.body.items as Array<{ id: string; status: string; accounts: string[] }>;
    return world.demo.tenants.every((t) =>
      items.some((c) => c.id === t.connection && c.status === 'connected' && c.accounts.length > 0),
    );
  });
}

describe('the two demo tenants', () => {
  it('are seeded with a connection and a paper account each', () => {
    expect(world.demo.tenants.map((t) => t.tenant)).toEqual([world.demo.tenant, 'demo2']);
    const [first, other] = world.demo.tenants.map((t) => accountOf(t.connection));
    expect(first).toMatch(/^DU\d{7}$/);
    expect(other).toMatch(/^DU\d{7}$/);
    expect(other).not.toBe(first);
  });
});

describe('the operator', () => {
  it('sees both demo tenants and their connection health', async () => {
    await bothConnected();
    const page = await world.newPage();
    await world.signIn(page, 'operator');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Tenants', 'Connections', 'Health']);

    const tenants = page.getByRole('table', { name: 'All tenants' });
    for (const t of world.demo.tenants) {
      const cell = page.getByTestId(`tenant-connections-${t.tenant}`);
      await cell.getByText('connected', { exact: true }).waitFor();
      expect(await cell.textContent()).toContain(t.connection);
      await tenants.getByRole('cell', { name: t.name, exact: true }).waitFor();
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tenants-connections');

    await nav.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { name: 'Every broker connection' }).waitFor();
    for (const t of world.demo.tenants) {
      const id = t.connection;
      await page.getByTestId(`connection-health-${id}`).getByText('up', { exact: true }).waitFor();
      expect(await page.getByTestId(`connection-tenant-${id}`).textContent()).toBe(t.name);
      expect(await page.getByTestId(`connection-status-${id}`).textContent()).toBe('connected');
      expect(await page.getByTestId(`connection-accounts-${id}`).textContent()).toBe(accountOf(id));
      expect(await page.getByTestId(`connection-error-${id}`).textContent()).toBe('none');
      expect(await page.getByTestId(`connection-pacing-${id}`).textContent()).toMatch(
        /^\d+ messages \(limit 50\/s\)$/,
      );
      expect(await page.getByTestId(`connection-lines-${id}`).textContent()).toMatch(
        /^\d+ \/ 100 lines \(\d+%\)$/,
      );
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'operator-connections');
    await page.context().close();
  }, 150_000);
});

/** Opens a page from the navigation and waits for its heading. */
async function open(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: link, exact: true })
    .click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

describe('the second demo tenant', () => {
  it('fills a market order at its own gateway, and its fills, P&L history, account and connections show it', async () => {
    await bothConnected();
    const ownAccount = accountOf(second().connection)!;
    const page = await world.newPage();
    await world.signInAs(page, userOf('trader'));
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByRole('button', { name: 'Get quote' }).click();
    await ticket.locator('.quote').waitFor();
    await ticket.getByLabel('Order type').selectOption('market');
    await ticket.getByLabel('Quantity').fill('3');
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    const notice = ticket.getByRole('status').filter({ hasText: 'accepted' });
    await notice.waitFor();
    const orderId = /Order (\S+) accepted/.exec((await notice.textContent()) ?? '')?.[1];
    expect(orderId).toBeDefined();
    await page.locator(`tr[data-order-id="${orderId}"]`).getByText('filled', { exact: true }).waitFor();

    // Five more orders over the API, so the fills page has a second page at five a page.
    const trader = await login(userOf('trader'));
    const placed = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(trader, 'POST', '/api/v1/orders', {
          symbol: 'AAPL',
          side: 'buy',
          quantity: '1',
          type: 'market',
        }),
      ),
    );
    expect(placed.map((p) => [p.status, p.body.code])).toEqual(Array(5).fill([201, undefined]));
    // Six orders, each filled at once by the paper gateway (one execution each, or more).
    let fillCount = 0;
    await until('every order filled', async () => {
      const ids = [orderId, ...placed.map((p) => p.body.id as string)];
      const orders = await Promise.all(ids.map((id) => call(trader, 'GET', `/api/v1/orders/${id}`)));
      if (!orders.every((o) => o.body.status === 'filled')) return false;
      fillCount = ((await call(trader, 'GET', '/api/v1/fills?limit=100')).body.items as unknown[]).length;
      return true;
    });
    expect(fillCount).toBeGreaterThanOrEqual(6);
    expect(fillCount).toBeLessThanOrEqual(10);

    await open(page, 'Fills', 'Fills');
    const fillRows = page.locator('tr[data-fill-id]');
    await page.getByLabel('Fills per page').selectOption('5');
    await page.getByTestId('fills-page').filter({ hasText: 'Page 1' }).waitFor();
    await expectRows(page, 5);
    // Every fill is in the second tenant's own account: the fill came from its own gateway.
    expect(new Set(await page.locator('tr[data-fill-id] td:nth-child(7)').allTextContents())).toEqual(
      new Set([ownAccount]),
    );
    const firstPageIds = await idsOf(fillRows, 'data-fill-id');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByTestId('fills-page').filter({ hasText: 'Page 2' }).waitFor();
    await expectRows(page, fillCount - 5);
    const lastId = await fillRows.first().getAttribute('data-fill-id');
    expect(firstPageIds).not.toContain(lastId);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expectRows(page, 5);
    await screenshot(page, 'fills');

    await open(page, 'P&L history', 'P&L history');
    // The day the API puts the fills on (UTC), with every one of them.
    const days = (await call(trader, 'GET', '/api/v1/pnl/history')).body.items as Array<{
      date: string;
      fills: number;
    }>;
    expect(days.reduce((sum, d) => sum + d.fills, 0)).toBe(fillCount);
    const today = days[days.length - 1]!.date;
    const fillsThatDay = days[days.length - 1]!.fills;
    await page
      .getByTestId(`pnl-fills-${today}`)
      .filter({ hasText: new RegExp(`^${fillsThatDay}$`) })
      .waitFor();
    await page.getByTestId('pnl-chart').locator(`rect[data-date="${today}"]`).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'pnl-history');

    await open(page, 'Account', 'Account');
    expect(await page.getByTestId('summary-account').textContent()).toBe(ownAccount);
    await page.getByTestId('summary-netLiquidation').filter({ hasText: /^-?\d/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'account');

    await open(page, 'Connections', 'Connections');
    const connectionRows = page.locator('tr[data-connection-id]');
    await page
      .getByTestId(`connection-status-${second().connection}`)
      .filter({ hasText: 'connected' })
      .waitFor();
    // Its own connection only: the first tenant's is not there.
    expect(await idsOf(connectionRows, 'data-connection-id')).toEqual([second().connection]);
    expect(await page.getByTestId(`connection-accounts-${second().connection}`).textContent()).toBe(
      ownAccount,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'connections');
    await page.context().close();

    // The first tenant's fills hold none of these: each tenant's orders went to its own gateway.
    const firstTrader = await world.token('trader');
    const firstFills = await call(firstTrader, 'GET', '/api/v1/fills?limit=100');
    expect((firstFills.body.items as Array<{ account: string }>).some((f) => f.account === ownAccount)).toBe(
      false,
    );
  }, 240_000);
});

/** Waits until the fills table shows exactly `count` rows (the page's CSP forbids string predicates). */
async function expectRows(page: Page, count: number): Promise<void> {
  const rows = page.locator('tr[data-fill-id]');
  await rows.nth(count - 1).waitFor({ state: 'attached' });
  await rows.nth(count).waitFor({ state: 'detached' });
  expect(await rows.count()).toBe(count);
}

/** The attribute of every row the locator matches, in order. */
async function idsOf(rows: Locator, attribute: string): Promise<Array<string | null>> {
  return Promise.all((await rows.all()).map((r) => r.getAttribute(attribute)));
}
