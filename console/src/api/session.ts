import { ProblemError, request, useCredentials } from './http.ts';
import { ROLES, type Role, type Tokens } from './types.ts';

/** Who is signed in, read from the id token (display only: the API enforces every permission). */
export interface Session {
  username: string;
  tenant: string | undefined;
  roles: Role[];
  operator: boolean;
  tokens: Tokens;
  /** When the access token expires, in ms since the epoch. */
  expiresAt: number;
}

const STORAGE_KEY = 'oms.session';
// Renew this long before expiry, so a request never carries a token about to lapse.
const RENEW_MARGIN_MS = 60_000;

function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

function sessionOf(tokens: Tokens, fallbackUsername: string): Session {
  const claims = claimsOf(tokens.idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [];
  const username =
    typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : fallbackUsername;
  const tenant = typeof claims['custom:tenant'] === 'string' ? claims['custom:tenant'] : undefined;
  return {
    username,
    tenant,
    roles: groups.filter((g): g is Role => (ROLES as readonly string[]).includes(g)),
    operator: groups.includes('operator'),
    tokens,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
}

type Listener = (session: Session | undefined) => void;

/** The signed-in session: kept in sessionStorage (per tab), renewed before expiry and on a 401. */
class SessionStore {
  private current: Session | undefined;
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<boolean> | undefined;

  constructor() {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) {
      try {
        this.current = JSON.parse(saved) as Session;
        this.schedule();
      } catch {
        sessionStorage.removeItem(STORAGE_KEY);
      }
    }
    useCredentials({
      accessToken: () => this.current?.tokens.accessToken,
      renew: () => this.renew(),
    });
  }

  get session(): Session | undefined {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(username: string, password: string, tenant?: string): Promise<Session> {
    const tokens = await request<Tokens>('POST', '/auth/login', {
      anonymous: true,
      body: { username, password, ...(tenant ? { tenant } : {}) },
    });
    const session = sessionOf(tokens, username);
    this.set(session);
    return session;
  }

  signOut(): void {
    this.set(undefined);
  }

  /** New tokens from the refresh token; signs out when the refresh token is refused. */
  renew(): Promise<boolean> {
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async doRenew(): Promise<boolean> {
    const session = this.current;
    if (!session) return false;
    try {
      const tokens = await request<Tokens>('POST', '/auth/refresh', {
        anonymous: true,
        body: { refreshToken: session.tokens.refreshToken },
      });
      this.set(
        sessionOf(
          { ...tokens, refreshToken: tokens.refreshToken ?? session.tokens.refreshToken },
          session.username,
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ProblemError && error.status < 500) this.set(undefined);
      return false;
    }
  }

  private set(session: Session | undefined): void {
    this.current = session;
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
    this.schedule();
    for (const listener of this.listeners) listener(session);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.current) return;
    const wait = Math.max(0, this.current.expiresAt - Date.now() - RENEW_MARGIN_MS);
    this.timer = setTimeout(() => void this.renew(), wait);
  }
}

export const sessions = new SessionStore();

/** What the signed-in user may do, mirroring the API's roles (a viewer gets no ticket). */
export function can(session: Session | undefined, action: 'trade' | 'admin' | 'operate'): boolean {
  if (!session) return false;
  if (action === 'operate') return session.operator;
  if (action === 'admin') return session.roles.includes('admin');
  return session.roles.includes('admin') || session.roles.includes('trader');
}
