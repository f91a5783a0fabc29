import { useEffect, useState } from 'react';
import { sessions, type Session } from './api/session.ts';
import { LiveProvider } from './live.tsx';
import { navigate, usePath } from './router.ts';
import { pagesFor } from './pages/index.tsx';
import { SignIn } from './pages/sign-in.tsx';

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
  // A page the role may not open (or no page at all) lands on the first one it may.
  const page = pages.find((p) => p.path === path) ?? pages[0]!;
  useEffect(() => {
    if (page.path !== location.pathname) history.replaceState(null, '', page.path);
    document.title = `${page.label} · IB OMS`;
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
            {pages.map((p) => (
              <li key={p.path}>
                <a
                  href={p.path}
                  aria-current={p === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(p.path);
                  }}
                >
                  {p.label}
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
      <page.Component key={page.path} session={session} />
    </LiveProvider>
  );
}
