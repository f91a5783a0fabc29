import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/** An RSA signing key with its key id, as the local identity provider keeps it. */
export interface SigningKey {
  kid: string;
  /** Private key as a JWK (`kty: RSA`, with `d`). */
  privateJwk: JsonWebKey;
}

/** A JWKS entry as Cognito publishes it. */
export interface PublicJwk {
  kid: string;
  kty: 'RSA';
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
}

/** A fresh 2048-bit RSA key. */
export function generateSigningKey(kid: string): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateJwk: privateKey.export({ format: 'jwk' }) };
}

/** The public half, as a JWKS entry. */
export function publicJwk(key: SigningKey): PublicJwk {
  const pub = createPublicKey(createPrivateKey({ key: key.privateJwk, format: 'jwk' })).export({
    format: 'jwk',
  });
  return { kid: key.kid, kty: 'RSA', alg: 'RS256', use: 'sig', n: String(pub.n), e: String(pub.e) };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const keyObjects = new WeakMap<JsonWebKey, KeyObject>();

/** Signs a JWT with RS256 (Cognito's algorithm); the header carries the key id. */
export function signJwt(
  payload: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = {},
): string {
  let keyObject = keyObjects.get(key.privateJwk);
  if (!keyObject) {
    keyObject = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
    keyObjects.set(key.privateJwk, keyObject);
  }
  const signingInput = `${b64({ kid: key.kid, alg: 'RS256', ...header })}.${b64(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), keyObject).toString('base64url')}`;
}

/** Reads a JWT's payload without verifying it: only for tokens this process just received from the identity provider. */
export function unverifiedPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
