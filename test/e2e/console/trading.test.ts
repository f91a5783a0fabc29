/**
 * A trader in a real browser: a limit order placed from the ticket appears in the blotter live
 * (from the stream, no reload and no list request), is cancelled from the blotter and shows as
 * cancelled; a market order fills and another tab's positions and P&L follow live.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  accessibilityViolations,
  root,
  screenshot,
  startConsoleWorld,
  type ConsoleWorld,
} from './harness.ts';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
}, 180_000);
afterAll(async () => {
  await world?.close();
});

/** The row of one order in the blotter. */
const row = (page: Page, orderId: string) => page.locator(`tr[data-order-id="${orderId}"]`);

/** Places an order from the ticket and returns its id, read from the ticket's confirmation. */
async function placeFromTicket(page: Page, fill: (ticket: ReturnType<Page['getByRole']>) => Promise<void>) {
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await fill(ticket);
  await ticket.getByRole('button', { name: /^Place (buy|sell) order$/ }).click();
  const notice = ticket.getByRole('status');
  await notice.filter({ hasText: 'accepted' }).waitFor();
  const id = /Order (\S+) accepted/.exec((await notice.textContent()) ?? '')?.[1];
  if (!id) throw new Error(`no order id in the ticket's notice: ${await notice.textContent()}`);
  return id;
}

/** The ticket's quote for the symbol (the API asks the broker for a snapshot when none is cached). */
async function quote(page: Page): Promise<{ bid: number; ask: number }> {
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await ticket.getByRole('button', { name: 'Get quote' }).click();
  const line = ticket.locator('.quote');
  await line.waitFor();
  const text = (await line.textContent()) ?? '';
  const bid = Number(/bid ([\d.]+)/.exec(text)?.[1]);
  const ask = Number(/ask ([\d.]+)/.exec(text)?.[1]);
  if (!(bid > 0 && ask > 0)) throw new Error(`no usable quote: ${text}`);
  return { bid, ask };
}

describe('trading from the console', () => {
  it('places a limit order from the ticket, sees it live in the blotter, cancels it there', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'trader');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // A reload would lose this marker; the blotter must change without one.
    await page.evaluate(() => Object.assign(globalThis, { __noReload: true }));
    const listRequests: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/orders(\?|$)/.test(r.url()) && r.method() === 'GET') listRequests.push(r.url());
    });

    const { bid } = await quote(page);
    // Inside the 10 % price collar, yet well under the market: it rests at the paper gateway.
    const limit = (bid * 0.95).toFixed(2);
    const id = await placeFromTicket(page, async (ticket) => {
      await ticket.getByLabel('Order type').selectOption('limit');
      await ticket.getByLabel('Quantity').fill('10');
      await ticket.getByLabel('Limit price').fill(limit);
      await ticket.getByLabel('Time in force').selectOption('gtc');
    });

    await row(page, id).getByText('submitted').waitFor();
    // The API writes decimals without trailing zeros.
    expect(await row(page, id).textContent()).toContain(String(Number(limit)));
    expect(await page.evaluate(() => (globalThis as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(listRequests).toEqual([]);

    await row(page, id).getByRole('button', { name: 'Trail' }).click();
    await page
      .getByRole('region', { name: `Audit trail of order ${id}` })
      .getByText('order.accepted')
      .waitFor();

    await row(page, id)
      .getByRole('button', { name: /^Cancel / })
      .click();
    await row(page, id).getByText('cancelled', { exact: true }).waitFor();
    await page
      .getByRole('region', { name: `Audit trail of order ${id}` })
      .getByText('order.cancelled')
      .waitFor();
    expect(listRequests).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.context().close();
  }, 150_000);

  it('fills a market order, and the position and P&L update live in another tab', async () => {
    const positions = await world.newPage();
    await world.signIn(positions, 'trader');
    await positions.getByRole('link', { name: 'Positions & P&L' }).click();
    await positions.getByRole('heading', { name: /^Today/ }).waitFor();
    const fillsBefore = Number(await positions.getByTestId('pnl-fills').textContent());
    await positions.evaluate(() => Object.assign(globalThis, { __noReload: true }));

    const trading = await world.newPage();
    await world.signIn(trading, 'trader');
    await trading.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await quote(trading);
    const id = await placeFromTicket(trading, async (ticket) => {
      await ticket.getByLabel('Order type').selectOption('market');
      await ticket.getByLabel('Quantity').fill('5');
    });
    await row(trading, id).getByText('filled', { exact: true }).waitFor();

    await positions.getByTestId('quantity-AAPL').filter({ hasText: /^5$/ }).waitFor();
    await positions.waitForFunction(
      `Number(document.querySelector('[data-testid="pnl-fills"]')?.textContent) > ${fillsBefore}`,
    );
    expect(await positions.evaluate(() => (globalThis as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(await accessibilityViolations(positions)).toEqual([]);
    await screenshot(positions, 'positions');

    expect(await accessibilityViolations(trading)).toEqual([]);
    const blotter = await screenshot(trading, 'blotter');
    // The README's picture of the console; refreshed on demand so a test run leaves git clean.
    if (process.env.OMS_DOCS_SCREENSHOTS === '1')
      copyFileSync(blotter, join(root, 'docs', 'console-blotter.png'));
    await positions.context().close();
    await trading.context().close();
  }, 150_000);
});
