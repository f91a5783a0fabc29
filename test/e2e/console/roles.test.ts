/**
 * The console in a real browser, by role: a viewer sees no ticket; an admin engages the kill
 * switch and the ticket shows the rejection from the problem's detail; the admin pages and the
 * operator's page work; the session renews itself; axe-core finds no violation on any page.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accessibilityViolations, screenshot, startConsoleWorld, type ConsoleWorld } from './harness.ts';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
}, 180_000);
afterAll(async () => {
  await world?.close();
});

describe('the console by role', () => {
  it('shows the sign-in page, and a refused login from the problem detail', async () => {
    const page = await world.newPage();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    await page.getByLabel('Username').fill('demo-trader');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Incorrect username or password');
    await page.context().close();
  }, 150_000);

  it('gives a viewer the blotter and positions but no ticket, no cancel and no admin pages', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'viewer');
    await page.getByRole('heading', { name: 'Blotter' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Order ticket' }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Blotter',
      'Positions & P&L',
      'Fills',
      'P&L history',
      'Account',
      'Connections',
      'Strategies',
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);

    // A page the role may not open lands on the blotter instead.
    await page.goto('/risk');
    await page.getByRole('heading', { name: 'Blotter' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/blotter');
    await page.context().close();
  }, 150_000);

  it('renews an expired access token with the refresh token, without signing the user out', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'viewer');
    // The stored access token goes bad (as an expired one would): the next call gets a 401.
    await page.evaluate(() => {
      const saved = JSON.parse(sessionStorage.getItem('oms.session')!);
      saved.tokens.accessToken = 'expired.token.value';
      sessionStorage.setItem('oms.session', JSON.stringify(saved));
    });
    const refreshed = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/auth/refresh') && r.status() === 200,
    );
    await page.reload();
    await refreshed;
    await page
      .getByRole('heading', { name: 'Positions' })
      .or(page.getByRole('heading', { name: 'Blotter' }))
      .waitFor();
    await page.getByRole('link', { name: 'Positions & P&L' }).click();
    await page.getByRole('heading', { name: 'Today', exact: false }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  }, 150_000);

  it('lets an admin engage the kill switch, and the ticket shows the rejection', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'admin');
    await page.getByRole('link', { name: 'Risk' }).click();
    await page.getByRole('heading', { name: 'Limits' }).waitFor();
    await page.getByLabel('Max order quantity').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'risk');

    await page.getByLabel('Reason').fill('console e2e: halt trading');
    await page.getByRole('button', { name: 'Engage kill switch' }).click();
    await page.getByText('Engaged: new orders are rejected.').waitFor();

    await page.getByRole('link', { name: 'Blotter' }).click();
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByLabel('Limit price').fill('100');
    await ticket.getByRole('button', { name: 'Place buy order' }).click();
    const alert = ticket.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('RISK_KILL_SWITCH');
    await screenshot(page, 'ticket-kill-switch');

    await page.getByRole('link', { name: 'Risk' }).click();
    await page.getByLabel('Reason').fill('console e2e: resume');
    await page.getByRole('button', { name: 'Release kill switch' }).click();
    await page.getByText('Released: orders flow.').waitFor();
    await page.context().close();
  }, 150_000);

  it('lets an admin manage API keys and webhooks, and see deliveries', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'admin');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('console-e2e');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('New API key').waitFor();
    expect(await page.getByLabel('New API key').textContent()).toMatch(/^oms_/);
    await page.getByRole('cell', { name: 'console-e2e', exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'api-keys');

    await page.getByRole('link', { name: 'Webhooks' }).click();
    // A loopback receiver (the local stack allows it; AWS never does): no DNS on the way.
    await page.getByLabel('URL').fill('http://127.0.0.1:9/oms-hook');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByLabel('Signing secret').waitFor();
    await page.getByRole('cell', { name: 'http://127.0.0.1:9/oms-hook', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Deliveries of http://127.0.0.1:9/oms-hook' }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'webhooks');

    // The server refuses a URL it will not call (a private address): the page shows the problem's detail.
    await page.getByLabel('URL').fill('http://10.0.0.1/hook');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('WEBHOOK_URL_FORBIDDEN');
    await page.context().close();
  }, 150_000);

  it('gives the operator every tenant, suspend and reactivate, a new tenant, and the health view', async () => {
    const page = await world.newPage();
    await world.signIn(page, 'operator');
    await page.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Tenants', 'Connections', 'Health']);
    const tenants = page.getByRole('table', { name: 'All tenants' });
    await tenants.getByRole('cell', { name: world.demo.tenant, exact: true }).waitFor();

    await page.getByLabel('Tenant name').fill('Console Capital');
    await page.getByLabel("First admin's username").fill('console-admin');
    await page.getByLabel("First admin's password").fill('Console-Admin-Passw0rd');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByText('Tenant Console Capital created.').waitFor();
    // The list is read again after the creation: both tenants, the new one active.
    const created = tenants.getByRole('row').filter({ hasText: 'Console Capital' });
    await created.getByText('active', { exact: true }).waitFor();
    await tenants.getByRole('cell', { name: world.demo.tenant, exact: true }).waitFor();

    await created.getByRole('button', { name: 'Suspend Console Capital' }).click();
    await page.getByText('Tenant Console Capital suspended; 0 working orders cancelled.').waitFor();
    await created.getByText('suspended', { exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'tenants');

    // The suspended tenant's admin still signs in, and every call is refused: 403 TENANT_SUSPENDED.
    const login = await fetch(`${world.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'console-admin', password: 'Console-Admin-Passw0rd' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${world.baseUrl}/api/v1/tenants/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(403);
    expect(((await me.json()) as { code: string }).code).toBe('TENANT_SUSPENDED');

    await created.getByRole('button', { name: 'Reactivate Console Capital' }).click();
    await page.getByText('Tenant Console Capital reactivated.').waitFor();
    await created.getByText('active', { exact: true }).waitFor();

    await nav.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.getByTestId('readiness').waitFor();
    for (const check of ['database', 'queue', 'broker'])
      expect(await page.getByTestId(`check-${check}`).textContent()).toMatch(/up|down/);
    // The local stack's database and queue are there; the broker is the paper gateway's bridge.
    expect(await page.getByTestId('check-database').textContent()).toContain('up');
    expect(await page.getByTestId('check-queue').textContent()).toContain('up');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'health');
    await page.context().close();
  }, 150_000);
});
