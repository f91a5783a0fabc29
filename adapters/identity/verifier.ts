import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Jwks, JwksCache, JwkWithKid } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import { CredentialRejectedError } from '../../core/access/errors.ts';
import { DependencyError } from '../../core/errors.ts';
import { identityConfig, type IdentityConfig } from './config.ts';
import { publicJwk } from './jwt.ts';

/** A JWKS cache that never goes to the network: the local provider's key or nothing. */
class OfflineJwksCache implements JwksCache {
  readonly jwks: Jwks;

  constructor(jwks: Jwks) {
    this.jwks = jwks;
  }

  getCachedJwk(_uri: string, jwt: DecomposedJwt): JwkWithKid {
    const jwk = this.jwks.keys.find((k) => k.kid !== undefined && k.kid === jwt.header.kid);
    if (!jwk) throw new KidNotFoundInJwksError(`No key with kid ${String(jwt.header.kid)}`);
    return jwk as JwkWithKid;
  }

  async getJwk(uri: string, jwt: DecomposedJwt): Promise<JwkWithKid> {
    return this.getCachedJwk(uri, jwt);
  }

  addJwks(): void {}

  async getJwks(): Promise<Jwks> {
    return this.jwks;
  }
}

/** Claims the authorizer uses from a verified access token. */
export interface AccessClaims {
  username: string;
  sub: string;
  groups: string[];
  tenantId: string | undefined;
}

type Verifier = { verify(token: string): Promise<Record<string, unknown>> };
const verifiers = new Map<string, Verifier>();

function verifierFor(config: IdentityConfig): Verifier {
  const cacheKey = `${config.provider}|${config.userPoolId}|${config.clientId}|${config.signingKey?.kid ?? ''}`;
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    const props = { userPoolId: config.userPoolId, tokenUse: 'access' as const, clientId: config.clientId };
    // Locally the same verifier checks tokens against the local key, and never fetches a JWKS.
    const created = config.signingKey
      ? CognitoJwtVerifier.create(props, {
          jwksCache: new OfflineJwksCache({
            keys: [publicJwk(config.signingKey) as unknown as Jwks['keys'][number]],
          }),
        })
      : CognitoJwtVerifier.create(props);
    verifier = { verify: (token) => created.verify(token) as unknown as Promise<Record<string, unknown>> };
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}

/**
 * Verifies a Cognito access token (signature, alg, iss, exp, token_use, client_id) and returns its
 * claims; any failure is a CredentialRejectedError, except a JWKS that cannot be fetched.
 */
export async function verifyAccessToken(
  token: string,
  config: IdentityConfig = identityConfig(),
): Promise<AccessClaims> {
  let payload: Record<string, unknown>;
  try {
    payload = await verifierFor(config).verify(token);
  } catch (error) {
    if (error instanceof FetchError)
      throw new DependencyError('The identity provider keys are unavailable', { cause: error });
    if (error instanceof JwtBaseError || error instanceof Error) {
      throw new CredentialRejectedError('INVALID_TOKEN', 'The access token is invalid or expired');
    }
    throw error;
  }
  const groups = Array.isArray(payload['cognito:groups'])
    ? payload['cognito:groups'].filter((g): g is string => typeof g === 'string')
    : [];
  const tenant = payload['custom:tenant'];
  const username = payload.username;
  if (typeof username !== 'string' || username === '')
    throw new CredentialRejectedError('INVALID_TOKEN', 'The access token names no user');
  return {
    username,
    sub: String(payload.sub),
    groups,
    tenantId: typeof tenant === 'string' && tenant !== '' ? tenant : undefined,
  };
}
