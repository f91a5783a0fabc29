/**
 * Strategies in a real browser: an upload that does not compile shows each error at its line; a
 * strategy is uploaded, started and stopped, its logs and versions show, a new version goes up,
 * and a backtest over the paper gateway's history shows its statistics and equity chart. A viewer
 * reads them and gets no controls. axe-core finds no violation on these pages.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import {
  accessibilityViolations,
  root,
  screenshot,
  startConsoleWorld,
  type ConsoleWorld,
} from './harness.ts';

const SMA = readFileSync(join(root, 'examples', 'strategies', 'sma-crossover.ts'), 'utf8');
const GREETER = `export default {
  onStart(ctx) {
    ctx.log('hello from the console test');
  },
};
`;
// Line 3 has a stray ")".
const BROKEN = `export default {
  onStart(ctx) {
    if (ctx.state ) ) ctx.log('x');
  },
};
`;

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
}, 180_000);
afterAll(async () => {
  await world?.close();
});

/** Presses "Refresh logs" until `text` is in the logs: the host writes them on its own schedule. */
async function waitForLog(detail: Locator, text: string): Promise<void> {
  const logs = detail.getByRole('list', { name: /^Logs of / });
  for (let attempt = 0; attempt < 60; attempt++) {
    await detail.getByRole('button', { name: 'Refresh logs' }).click();
    try {
      await logs.getByText(text).waitFor({ timeout: 2_000 });
      return;
    } catch {
      // not written yet: ask again
    }
  }
  throw new Error(`no log line "${text}"`);
}

describe('strategies in the console', () => {
  it('shows compile errors at their line, then uploads, starts, stops and backtests a strategy', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'trader');
    await page.getByRole('link', { name: 'Strategies' }).click();
    await page.getByRole('heading', { name: 'Strategies', exact: true }).waitFor();
    const upload = page.getByRole('region', { name: 'New strategy' });

    await upload.getByLabel('Strategy name').fill('broken');
    await upload.getByLabel('Source (TypeScript or JavaScript)').fill(BROKEN);
    await upload.getByRole('button', { name: 'Upload strategy' }).click();
    await upload.getByRole('alert').filter({ hasText: 'STRATEGY_COMPILE_ERROR' }).waitFor();
    const error = upload.locator('.compile-errors li[data-line="3"]');
    await error.waitFor();
    const column = Number(/Line 3, column (\d+):/.exec((await error.textContent()) ?? '')?.[1]);
    expect(column).toBeGreaterThan(0);
    // The line is quoted, with a caret under the column.
    const [quoted, caretLine] = ((await error.locator('pre').textContent()) ?? '').split('\n');
    expect(quoted).toBe("3 |     if (ctx.state ) ) ctx.log('x');");
    expect(caretLine).toBe(`${' '.repeat('3 | '.length + column - 1)}^`);
    await error.getByRole('button', { name: 'Go to line 3' }).click();
    const source = upload.getByLabel('Source (TypeScript or JavaScript)');
    expect(await source.getAttribute('aria-invalid')).toBe('true');
    // The cursor is put on the error: offset of line 3 plus its column.
    const caret = await source.evaluate((el) => (el as unknown as { selectionStart: number }).selectionStart);
    expect(caret).toBe(BROKEN.split('\n').slice(0, 2).join('\n').length + 1 + column - 1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'strategy-compile-error');

    await upload.getByLabel('Strategy name').fill('greeter');
    await upload.getByLabel('Source (TypeScript or JavaScript)').fill(GREETER);
    await upload.getByRole('button', { name: 'Upload strategy' }).click();
    await upload.getByText('Strategy greeter uploaded as version 1.').waitFor();
    const detail = page.getByRole('region', { name: /^greeter v1/ });
    await detail.getByText('Version 1, uploaded').waitFor();

    await detail.getByRole('button', { name: 'Start strategy' }).click();
    await page.getByTestId('strategy-status-greeter').getByText('running').waitFor();
    await waitForLog(detail, 'hello from the console test');
    await detail.getByRole('button', { name: 'Stop strategy' }).click();
    await page.getByTestId('strategy-status-greeter').getByText('stopped').waitFor();

    await detail.getByText('Upload a new version').click();
    await detail.getByLabel('New source').fill(GREETER.replace('hello', 'hello again'));
    await detail.getByRole('button', { name: 'Upload version' }).click();
    const detail2 = page.getByRole('region', { name: /^greeter v2/ });
    await detail2.getByText('Version 2, uploaded').waitFor();
    expect(await detail2.getByText(/^Version \d, uploaded/).count()).toBe(2);

    // The SMA crossover over the paper gateway's daily bars (reqHistoricalData).
    await upload.getByLabel('Strategy name').fill('sma');
    await upload.getByLabel('Params (JSON)').fill('{"fast": 3, "slow": 8, "quantity": 5}');
    await upload.getByLabel('Source (TypeScript or JavaScript)').fill(SMA);
    await upload.getByRole('button', { name: 'Upload strategy' }).click();
    await upload.getByText('Strategy sma uploaded as version 1.').waitFor();
    const sma = page.getByRole('region', { name: /^sma v1/ });
    await sma.getByLabel('From').fill('2025-01-01');
    await sma.getByLabel('To', { exact: true }).fill('2025-07-01');
    await sma.getByLabel('Bar size').selectOption('1 day');
    await sma.getByRole('button', { name: 'Run backtest' }).click();
    await sma.getByTestId('backtest-pnl').waitFor();
    expect(Number(await sma.getByTestId('backtest-trades').textContent())).toBeGreaterThan(0);
    const chart = sma.getByRole('img', { name: /^Equity curve of sma from 2025-01-01 to 2025-07-01/ });
    await chart.waitFor();
    // The API's SVG, drawn by the browser: it has a size only once it decoded.
    await page.waitForFunction(
      (img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0,
      await chart.elementHandle(),
    );
    await sma.getByRole('table', { name: /^Trades/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'strategies');
    await page.context().close();
  }, 240_000);

  it('lets a viewer read strategies, with no upload, start or stop', async () => {
    const created = await fetch(`${world.baseUrl}/api/v1/strategies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await world.token('trader')}` },
      body: JSON.stringify({ name: 'readable', source: GREETER, symbols: ['AAPL'] }),
    });
    expect(created.status).toBe(201);
    const page = await world.newPage();
    await world.signIn(page, 'viewer');
    await page.getByRole('link', { name: 'Strategies' }).click();
    await page.getByRole('heading', { name: 'Strategies', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Open readable' }).click();
    const detail = page.getByRole('region', { name: /^readable v1/ });
    await detail.getByText('Version 1, uploaded').waitFor();
    expect(await page.getByRole('region', { name: 'New strategy' }).count()).toBe(0);
    expect(await detail.getByRole('button', { name: /Start strategy|Stop strategy/ }).count()).toBe(0);
    expect(await detail.getByRole('button', { name: 'Run backtest' }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.context().close();
  }, 150_000);
});
