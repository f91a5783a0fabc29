import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../../core/topology.ts';
import {
  generateSigningKey,
  publicJwk,
  type PublicJwk,
  type SigningKey,
} from '../../adapters/identity/jwt.ts';
import { LocalIdentityProvider } from '../../adapters/identity/local.ts';

/** The local pool's id and app client id: Cognito-shaped, so the issuer is Cognito-shaped too. */
export const LOCAL_USER_POOL_ID = 'us-east-1_LocalOms';
export const LOCAL_CLIENT_ID = 'localomsclient0000000000000';

export interface LocalIdentity {
  provider: LocalIdentityProvider;
  signingKey: SigningKey;
  jwks: { keys: PublicJwk[] };
  userPoolId: string;
  clientId: string;
}

/** The signing key: kept under the data dir (0600) so tokens survive restarts; in memory without one. */
function loadOrCreateKey(dataDir: string | undefined): SigningKey {
  if (!dataDir) return generateSigningKey(`local-${randomUUID().slice(0, 8)}`);
  const dir = join(dataDir, 'identity');
  const file = join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = generateSigningKey(`local-${randomUUID().slice(0, 8)}`);
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

/** The key page cursors are authenticated with: beside the signing key, or in memory without a data dir. */
function loadOrCreateCursorKey(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('base64url');
  const dir = join(dataDir, 'identity');
  const file = join(dir, 'cursor-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/**
 * Starts the local identity provider on a table and points this process's handlers at it
 * (through the same environment variables a Lambda reads), so login, refresh and the authorizer
 * use it without any network.
 */
export function startLocalIdentity(options: {
  tableName: string;
  dynamodbEndpoint: string;
  dataDir?: string;
}): LocalIdentity {
  const signingKey = loadOrCreateKey(options.dataDir);
  process.env[env.identityProvider] = 'local';
  process.env[env.userPoolId] = LOCAL_USER_POOL_ID;
  process.env[env.userPoolClientId] = LOCAL_CLIENT_ID;
  process.env[env.localIdpKey] = JSON.stringify(signingKey);
  // A test file reuses the key of its process, so cursors stay valid across its restarts.
  process.env[env.cursorKey] ??= loadOrCreateCursorKey(options.dataDir);
  const client = new DynamoDBClient({
    endpoint: options.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const provider = new LocalIdentityProvider({
    doc,
    tableName: options.tableName,
    userPoolId: LOCAL_USER_POOL_ID,
    clientId: LOCAL_CLIENT_ID,
    signingKey,
  });
  return {
    provider,
    signingKey,
    jwks: { keys: [publicJwk(signingKey)] },
    userPoolId: LOCAL_USER_POOL_ID,
    clientId: LOCAL_CLIENT_ID,
  };
}
