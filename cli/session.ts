/**
 * The saved session: where the OMS is and how to authenticate, in the user's config directory
 * (`$XDG_CONFIG_HOME/oms/session.json`, else `~/.config/oms/session.json`), readable by the user
 * only. Access tokens are refreshed with the refresh token and saved again.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createOmsClient, type OmsAuth, type OmsClient } from '../client/index.ts';

export type Session =
  | {
      url: string;
      kind: 'bearer';
      username: string;
      accessToken: string;
      refreshToken?: string;
      savedAt: string;
    }
  | { url: string; kind: 'apiKey'; apiKey: string; savedAt: string };

export const DEFAULT_URL = 'http://localhost:8000';

/** `$XDG_CONFIG_HOME/oms/session.json` (or `~/.config/...`); `OMS_CONFIG_DIR` overrides the folder. */
export function sessionPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OMS_CONFIG_DIR) return join(env.OMS_CONFIG_DIR, 'session.json');
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'oms', 'session.json');
}

export function loadSession(env: NodeJS.ProcessEnv = process.env): Session | undefined {
  try {
    return JSON.parse(readFileSync(sessionPath(env), 'utf8')) as Session;
  } catch {
    return undefined;
  }
}

/** Writes the session with mode 0600 (and its folder 0700): it holds credentials. */
export function saveSession(session: Session, env: NodeJS.ProcessEnv = process.env): string {
  const path = sessionPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file; make sure it is private.
  chmodSync(path, 0o600);
  return path;
}

export function removeSession(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = sessionPath(env);
  const existed = loadSession(env) !== undefined;
  rmSync(path, { force: true });
  return existed;
}

/** Credentials from, in order: `--api-key` / `OMS_API_KEY`, `OMS_TOKEN`, the saved session. */
export function resolveAuth(
  options: { url?: string; apiKey?: string },
  env: NodeJS.ProcessEnv = process.env,
): { url: string; auth: OmsAuth; session: Session | undefined } {
  const session = loadSession(env);
  const url = options.url ?? env.OMS_URL ?? session?.url ?? DEFAULT_URL;
  const apiKey = options.apiKey ?? env.OMS_API_KEY;
  if (apiKey) return { url, auth: { kind: 'apiKey', apiKey }, session };
  if (env.OMS_TOKEN) return { url, auth: { kind: 'bearer', accessToken: env.OMS_TOKEN }, session };
  if (session?.kind === 'apiKey') return { url, auth: { kind: 'apiKey', apiKey: session.apiKey }, session };
  if (session?.kind === 'bearer') {
    const saved = session;
    return {
      url,
      session,
      auth: {
        kind: 'bearer',
        accessToken: saved.accessToken,
        ...(saved.refreshToken ? { refreshToken: saved.refreshToken } : {}),
        onRefresh: (tokens) => {
          saveSession(
            {
              ...saved,
              accessToken: tokens.accessToken,
              ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
              savedAt: new Date().toISOString(),
            },
            env,
          );
        },
      },
    };
  }
  return { url, auth: { kind: 'none' }, session };
}

/** A client with the resolved credentials. */
export function sessionClient(
  options: { url?: string; apiKey?: string },
  env: NodeJS.ProcessEnv = process.env,
) {
  const { url, auth } = resolveAuth(options, env);
  const client: OmsClient = createOmsClient(url, auth);
  return { url, auth, client };
}
