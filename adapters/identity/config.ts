import { env } from '../../core/topology.ts';
import type { SigningKey } from './jwt.ts';

/** Where tokens come from and who they are for, read from the environment. */
export interface IdentityConfig {
  provider: 'cognito' | 'local';
  userPoolId: string;
  clientId: string;
  region: string;
  /** Only for the local provider. */
  signingKey: SigningKey | undefined;
}

/** The identity configuration of this runtime. */
export function identityConfig(): IdentityConfig {
  const userPoolId = process.env[env.userPoolId];
  const clientId = process.env[env.userPoolClientId];
  if (!userPoolId || !clientId) throw new Error(`${env.userPoolId} and ${env.userPoolClientId} must be set`);
  const provider = process.env[env.identityProvider] === 'local' ? 'local' : 'cognito';
  const rawKey = process.env[env.localIdpKey];
  const signingKey = provider === 'local' && rawKey ? (JSON.parse(rawKey) as SigningKey) : undefined;
  if (provider === 'local' && !signingKey)
    throw new Error(`${env.localIdpKey} must be set for the local identity provider`);
  return { provider, userPoolId, clientId, region: userPoolId.split('_')[0] ?? 'us-east-1', signingKey };
}

/** The `iss` of the pool's tokens, as Cognito sets it. */
export function issuerOf(config: Pick<IdentityConfig, 'userPoolId' | 'region'>): string {
  return `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
}
