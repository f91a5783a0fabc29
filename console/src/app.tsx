import { useEffect, useState } from 'react';
import { can, sessions, type Session } from './api/session.ts';
import { LiveProvider } from './live.tsx';
import { navigate, pageOf, PATHS, usePath, type PageId } from './router.ts';
import { ApiKeys } from './pages/api-keys.tsx';
import { Blotter } from './pages/blotter.tsx';
import { Positions } from './pages/positions.tsx';
import { Risk } from './pages/risk.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Tenants } from './pages/tenants.tsx';
import { OrderTicket } from './pages/ticket.tsx';
import { Webhooks } from './pages/webhooks.tsx';

const LABELS: Record<PageId, string> = {
  blotter: 'Blotter',
  positions: 'Positions & P&L',
  risk: 'Risk',
  'api-keys': 'API keys',
  webhooks: 'Webhooks',
  tenants: 'Tenants',
};

/** The pages a session may open, as the API's roles allow. */
function pagesFor(session: Session): PageId[] {
  if (can(session, 'operate')) return ['tenants'];
  const pages: PageId[] = ['blotter', 'positions'];
  if (can(session, 'admin')) pages.push('risk', 'api-keys', 'webhooks');
  return pages;
}

export function App() {
  const [session, setSession] = useState(sessions.session);
  useEffect(
    () =>
      sessions.subscribe((s) => {
        setSession(s);
      }),
    [],
  );
  return session ? <Shell session={session} /> : <SignIn />;
}

function Shell({ session }: { session: Session }) {
  const path = usePath();
  const pages = pagesFor(session);
  const requested = pageOf(path);
  const page = requested && pages.includes(requested) ? requested : pages[0]!;
  useEffect(() => {
    if (PATHS[page] !== location.pathname) history.replaceState(null, '', PATHS[page]);
    document.title = `${LABELS[page]} · IB OMS`;
  }, [page]);

  return (
    <LiveProvider key={session.username} enabled={!session.operator}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">IB OMS</span>
        <nav aria-label="Pages">
          <ul>
            {pages.map((id) => (
              <li key={id}>
                <a
                  href={PATHS[id]}
                  aria-current={id === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(PATHS[id]);
                  }}
                >
                  {LABELS[id]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {session.username}
          {session.tenant ? ` @ ${session.tenant}` : ''} (
          {session.operator ? 'operator' : session.roles.join(', ')})
        </span>
        <button type="button" className="secondary" onClick={() => sessions.signOut()}>
          Sign out
        </button>
      </header>
      {page === 'blotter' && <Trading canTrade={can(session, 'trade')} />}
      {page === 'positions' && <Positions />}
      {page === 'risk' && <Risk />}
      {page === 'api-keys' && <ApiKeys />}
      {page === 'webhooks' && <Webhooks />}
      {page === 'tenants' && <Tenants />}
    </LiveProvider>
  );
}

/** The blotter, with the ticket beside it for those who may trade. */
function Trading({ canTrade }: { canTrade: boolean }) {
  return (
    <main className={canTrade ? 'page trading' : 'page'} id="main" aria-label="Trading">
      <h1 className="visually-hidden">Trading</h1>
      <Blotter canTrade={canTrade} />
      {canTrade && <OrderTicket />}
    </main>
  );
}
