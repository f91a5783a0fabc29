/**
 * The console's browser tests: the whole local stack as `npm start` runs it (which builds the
 * console when stale), and Debian's Chromium driven by playwright-core. One stack and one browser
 * per test file; each test gets its own browser context (a fresh tab session).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { freePort } from '../../../local/ports.ts';

export const root = join(import.meta.dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page, git-ignored; docs/ keeps one of the blotter. */
export const SCREENSHOTS = join(root, 'test-output', 'screenshots');

export interface DemoCredentials {
  baseUrl: string;
  tenant: string;
  users: Array<{ username: string; password: string; role: 'admin' | 'trader' | 'viewer' }>;
  operator: { username: string; password: string };
  /** Every demo tenant (the first is `tenant`), each with its paper connection's id. */
  tenants: Array<{
    tenant: string;
    name: string;
    connection: string;
    users: Array<{ username: string; password: string; role: 'admin' | 'trader' | 'viewer' }>;
  }>;
  /** The running connections and their paper accounts. */
  connections: Array<{ id: string; account: string | undefined }>;
}

export interface ConsoleWorld {
  baseUrl: string;
  demo: DemoCredentials;
  browser: Browser;
  /** A fresh browser context and page, at the console's sign-in. */
  newPage(): Promise<Page>;
  /** Signs in through the form as the demo user of that role (or the operator). */
  signIn(page: Page, who: 'admin' | 'trader' | 'viewer' | 'operator'): Promise<void>;
  /** Signs in through the form with these credentials (another demo tenant's user). */
  signInAs(page: Page, credentials: { username: string; password: string }): Promise<void>;
  /** Logs in over the API, for set-up the test is not about. */
  token(who: 'admin' | 'trader' | 'viewer'): Promise<string>;
  close(): Promise<void>;
}

async function startStack(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/local.ts'], {
    cwd: root,
    env: { ...process.env, OMS_PORT: String(port), OMS_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The last line of the start-up text: everything about the console has been said by then.
      const ready = /ready: (http:\/\/\S+)/.exec(output);
      if (ready?.[1] && output.includes('Ctrl-C stops everything')) resolve(ready[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
  if (!output.includes('web console')) {
    child.kill('SIGINT');
    throw new Error(`the stack serves no console:\n${output}`);
  }
  return { child, baseUrl };
}

/** Starts the stack and the browser for one test file; call `close()` in afterAll. */
export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-console-e2e-'));
  const { child, baseUrl } = await startStack(dataDir);
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Playwright gives each launch a fresh, temporary profile (its own --user-data-dir).
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root, and on a machine whose network reaches nothing but package registries.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    .catch(async (error: unknown) => {
      await stop();
      throw error;
    });
  const credentialsOf = (who: 'admin' | 'trader' | 'viewer' | 'operator') =>
    who === 'operator' ? demo.operator : demo.users.find((u) => u.role === who)!;

  const signInAs = async (page: Page, { username, password }: { username: string; password: string }) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  return {
    baseUrl,
    demo,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
      // Two stacks and two browsers share two cores in CI: generous waits, still on DOM conditions.
      context.setDefaultTimeout(60_000);
      const page = await context.newPage();
      await page.goto('/');
      return page;
    },
    async signIn(page, who) {
      await signInAs(page, credentialsOf(who));
    },
    signInAs,
    async token(who) {
      const { username, password } = credentialsOf(who);
      const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const body = (await res.json()) as { accessToken: string };
      return body.accessToken;
    },
    async close() {
      await browser.close();
      await stop();
    },
  };
}

/** axe-core's WCAG 2.x A and AA rules over the page as it is now; the violations, summarised. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Writes test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Whether the focused element shows it: it matches :focus-visible and draws an outline at least
 * 2px wide (WCAG 2.4.7). Describes the element when it does not.
 */
async function focusProblem(page: Page): Promise<string | undefined> {
  // A string, run in the page: this file is compiled without the DOM's types.
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has focus';
    const style = getComputedStyle(el);
    const visible =
      el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
    return visible ? undefined : 'focus is not visible on <' + el.tagName.toLowerCase() + '> "' + name.slice(0, 40) + '"';
  })()`);
}

/** An element as seen from Node: only what the focus check needs. */
type InPage = { ownerDocument: { activeElement: unknown } };
const hasFocus = (el: InPage) => el === el.ownerDocument.activeElement;

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user would, checking that
 * every element focused on the way shows its focus.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  direction: 'forward' | 'backward' = 'forward',
  maxPresses = 200,
): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error('tabTo: the target is not on the page');
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press(direction === 'forward' ? 'Tab' : 'Shift+Tab');
    const problem = await focusProblem(page);
    if (problem) throw new Error(problem);
    if (await handle.evaluate(hasFocus as (el: unknown) => boolean)) return;
  }
  throw new Error(`tabTo: no focus after ${maxPresses} presses`);
}

/** Waits until `target` has focus (moved there by the page), and checks that the focus shows. */
export async function focusVisibly(target: Locator): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error('focusVisibly: the target is not on the page');
  const page = target.page();
  await page.waitForFunction(hasFocus as (el: unknown) => boolean, handle);
  const problem = await focusProblem(page);
  if (problem) throw new Error(problem);
}
