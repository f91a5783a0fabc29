/**
 * Every page of the console, declared once: its path, its label in the navigation, who may open
 * it and what it shows. The navigation, the router and the role check all read this list, so a
 * new page is a component and one entry here (docs/console.md, "Adding a page").
 */
import type { ComponentType } from 'react';
import { can, type Session } from '../api/session.ts';
import { Account } from './account.tsx';
import { ApiKeys } from './api-keys.tsx';
import { Blotter } from './blotter.tsx';
import { Connections } from './connections.tsx';
import { Fills } from './fills.tsx';
import { Health } from './health.tsx';
import { PlatformConnections } from './platform-connections.tsx';
import { PnlHistory } from './pnl-history.tsx';
import { Positions } from './positions.tsx';
import { Risk } from './risk.tsx';
import { Strategies } from './strategies.tsx';
import { Tenants } from './tenants.tsx';
import { OrderTicket } from './ticket.tsx';
import { Webhooks } from './webhooks.tsx';

/** Who may open a page; the API enforces the same, the console only hides what would be refused. */
export type Audience = 'member' | 'admin' | 'operator';

export interface PageDeclaration {
  /** Never under /api, /health or /metrics: those are the API's, not the console's. */
  path: `/${string}`;
  label: string;
  audience: Audience;
  Component: ComponentType<{ session: Session }>;
}

export const PAGES: readonly PageDeclaration[] = [
  { path: '/blotter', label: 'Blotter', audience: 'member', Component: Trading },
  { path: '/positions', label: 'Positions & P&L', audience: 'member', Component: Positions },
  { path: '/fills', label: 'Fills', audience: 'member', Component: Fills },
  { path: '/pnl-history', label: 'P&L history', audience: 'member', Component: PnlHistory },
  { path: '/account', label: 'Account', audience: 'member', Component: Account },
  { path: '/connections', label: 'Connections', audience: 'member', Component: Connections },
  { path: '/strategies', label: 'Strategies', audience: 'member', Component: Strategies },
  { path: '/risk', label: 'Risk', audience: 'admin', Component: Risk },
  { path: '/api-keys', label: 'API keys', audience: 'admin', Component: ApiKeys },
  { path: '/webhooks', label: 'Webhooks', audience: 'admin', Component: Webhooks },
  { path: '/tenants', label: 'Tenants', audience: 'operator', Component: Tenants },
  {
    path: '/platform-connections',
    label: 'Connections',
    audience: 'operator',
    Component: PlatformConnections,
  },
  { path: '/platform-health', label: 'Health', audience: 'operator', Component: Health },
];

/** The pages a session may open. The operator manages the platform and belongs to no tenant. */
export function pagesFor(session: Session): PageDeclaration[] {
  return PAGES.filter((page) => {
    if (session.operator) return page.audience === 'operator';
    if (page.audience === 'operator') return false;
    return page.audience === 'member' || can(session, 'admin');
  });
}

/** The blotter, with the ticket beside it for those who may trade. */
function Trading({ session }: { session: Session }) {
  const canTrade = can(session, 'trade');
  return (
    <main className={canTrade ? 'page trading' : 'page'} id="main" aria-label="Trading">
      <h1 className="visually-hidden">Trading</h1>
      <Blotter canTrade={canTrade} />
      {canTrade && <OrderTicket />}
    </main>
  );
}
