import { env } from '../core/topology.ts';

/**
 * Secrets this process holds for the handlers it runs in-process, and which child may keep each:
 * none. The bridge signs no tokens and pages no listings, so it never sees the identity
 * provider's private key or the cursor key (a child inherits this process's environment, so they
 * are blanked explicitly).
 */
const PROCESS_SECRETS: Record<string, ReadonlyArray<'bridge'>> = {
  [env.localIdpKey]: [],
  [env.cursorKey]: [],
};

/** Environment overrides that keep from a child the secrets it does not need. */
export function withoutSecretsOf(child: 'bridge'): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PROCESS_SECRETS)
      .filter(([, allowed]) => !allowed.includes(child))
      .map(([name]) => [name, '']),
  );
}
