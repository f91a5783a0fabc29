import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (lib/bundling/options.ts).
 * Lambda hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, and the SDK's default chain takes them from there, its first link; the other
 * links (profiles, SSO, web identity, container and instance metadata) and the STS and SSO
 * clients they load never run in Lambda, yet are a third of a bundle. Outside Lambda the SDK's
 * own default chain applies: only the bundles are built with this.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> =>
  fromEnv(init);
