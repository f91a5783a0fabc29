import {
  createHash,
  randomBytes,
  randomUUID,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  CredentialRejectedError,
  RefreshTokenReplayedError,
  UsernameTakenError,
} from '../../core/access/errors.ts';
import { normalizeUsername } from '../../core/access/usernames.ts';
import { authKeys } from '../../core/store/keys.ts';
import { table } from '../../core/topology.ts';
import type { AuthenticatedIdentity, AuthTokens, IdentityProvider } from '../../core/tenancy/ports.ts';
import { UserNotFoundError } from '../../core/tenancy/errors.ts';
import { issuerOf } from './config.ts';
import { signJwt, type SigningKey } from './jwt.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scrypt(
  password: string,
  salt: Buffer,
  options: ScryptOptions & { keylen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, options.keylen, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

// A real hash, so an unknown username costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const encoded = stored ?? (await (dummyHash ??= hashPassword(randomUUID())));
  const [scheme, n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return timingSafeEqual(actual, expected) && stored !== undefined;
}

interface IdentityUserItem {
  username: string;
  sub: string;
  tenantId?: string;
  groups: string[];
  passwordHash?: string;
  enabled: boolean;
  createdAt: string;
}

export interface LocalIdentityOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  userPoolId: string;
  clientId: string;
  signingKey: SigningKey;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  clock?: () => number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The laptop's Cognito: users with scrypt-hashed passwords in DynamoDB (usernames in lower case,
 * as Cognito compares them), RS256 tokens with Cognito's claims, and opaque refresh tokens stored
 * only as hashes and rotated on every use. The tokens descending from one login form a family: a
 * rotated token presented again revokes the family, so a thief who refreshes first loses too.
 */
export class LocalIdentityProvider implements IdentityProvider {
  readonly options: LocalIdentityOptions;
  readonly issuer: string;

  constructor(options: LocalIdentityOptions) {
    this.options = options;
    this.issuer = issuerOf({
      userPoolId: options.userPoolId,
      region: options.userPoolId.split('_')[0] ?? 'us-east-1',
    });
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  async createUser(input: {
    username: string;
    password: string | undefined;
    tenantId: string | undefined;
    groups: string[];
  }): Promise<void> {
    const item: IdentityUserItem = {
      username: input.username.toLowerCase(),
      sub: randomUUID(),
      ...(input.tenantId ? { tenantId: input.tenantId } : {}),
      groups: input.groups,
      ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
      enabled: true,
      createdAt: new Date(this.now()).toISOString(),
    };
    try {
      await this.options.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...authKeys.identityUser(item.username), entity: 'identityUser', ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        throw new UsernameTakenError(input.username);
      throw error;
    }
  }

  private async update(username: string, expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: authKeys.identityUser(username.toLowerCase()),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        throw new UserNotFoundError(username);
      throw error;
    }
  }

  setGroups(username: string, groups: string[]): Promise<void> {
    return this.update(username, 'SET groups = :g', { ':g': groups });
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.update(username, 'SET passwordHash = :h', { ':h': await hashPassword(password) });
  }

  setEnabled(username: string, enabled: boolean): Promise<void> {
    return this.update(username, 'SET enabled = :e', { ':e': enabled });
  }

  async deleteUser(username: string): Promise<void> {
    await this.options.doc.send(
      new DeleteCommand({
        TableName: this.options.tableName,
        Key: authKeys.identityUser(username.toLowerCase()),
      }),
    );
  }

  private async getUser(username: string): Promise<IdentityUserItem | undefined> {
    const canonical = normalizeUsername(username);
    // A name no user can have (a `#` in it) never reaches a key.
    if (!canonical) return undefined;
    const { Item } = await this.options.doc.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: authKeys.identityUser(canonical),
        ConsistentRead: true,
      }),
    );
    return Item as IdentityUserItem | undefined;
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }> {
    const user = await this.getUser(username);
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user || !ok || !user.enabled)
      throw new CredentialRejectedError('INVALID_CREDENTIALS', 'Incorrect username or password');
    const identity = { username: user.username, tenantId: user.tenantId, groups: user.groups };
    return { tokens: await this.issueTokens({ ...identity, sub: user.sub }), identity };
  }

  async refresh(refreshToken: string): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }> {
    const rejected = () =>
      new CredentialRejectedError(
        'INVALID_REFRESH_TOKEN',
        'The refresh token is invalid, expired or already used',
      );
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(refreshToken)) throw rejected();
    const key = authKeys.refreshToken(sha256(refreshToken));
    let token: { username: string; family: string };
    try {
      // Marking the token used with a condition consumes it exactly once, even under concurrent
      // refreshes; the used token stays until it expires, so a replay is recognised.
      const { Attributes } = await this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: key,
          UpdateExpression: 'SET usedAt = :used',
          ConditionExpression: 'attribute_exists(pk) AND #exp > :now AND attribute_not_exists(usedAt)',
          ExpressionAttributeNames: { '#exp': table.ttlAttribute },
          ExpressionAttributeValues: {
            ':now': Math.floor(this.now() / 1000),
            ':used': new Date(this.now()).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      token = { username: String(Attributes?.username), family: String(Attributes?.family) };
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      const { Item } = await this.options.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
      );
      if (Item?.usedAt === undefined) throw rejected();
      await this.revokeFamily(String(Item.family));
      const user = await this.getUser(String(Item.username));
      throw new RefreshTokenReplayedError(String(Item.username), user?.tenantId);
    }
    const [user, family] = await Promise.all([
      this.getUser(token.username),
      this.options.doc.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: authKeys.refreshFamily(token.family),
          ConsistentRead: true,
        }),
      ),
    ]);
    if (!user?.enabled || family.Item?.revoked === true) throw rejected();
    const identity = { username: user.username, tenantId: user.tenantId, groups: user.groups };
    return { tokens: await this.issueTokens({ ...identity, sub: user.sub }, token.family), identity };
  }

  async logout(refreshToken: string): Promise<AuthenticatedIdentity | undefined> {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(refreshToken)) return undefined;
    const { Item } = await this.options.doc.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: authKeys.refreshToken(sha256(refreshToken)),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    await this.revokeFamily(String(Item.family));
    const user = await this.getUser(String(Item.username));
    return user ? { username: user.username, tenantId: user.tenantId, groups: user.groups } : undefined;
  }

  /** Revokes every refresh token of a family, for as long as the longest of them could live. */
  private async revokeFamily(family: string): Promise<void> {
    const refreshSeconds = this.options.refreshTokenSeconds ?? 30 * 24 * 3600;
    await this.options.doc.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          ...authKeys.refreshFamily(family),
          entity: 'refreshFamily',
          revoked: true,
          [table.ttlAttribute]: Math.floor(this.now() / 1000) + refreshSeconds,
        },
      }),
    );
  }

  /** Signs an access and an id token for a user; tests use it to get callers without a password. */
  async issueTokens(
    user: AuthenticatedIdentity & { sub?: string },
    family: string = randomUUID(),
  ): Promise<AuthTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshSeconds = this.options.refreshTokenSeconds ?? 30 * 24 * 3600;
    await this.options.doc.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          ...authKeys.refreshToken(sha256(refreshToken)),
          entity: 'refreshToken',
          username: user.username,
          family,
          [table.ttlAttribute]: Math.floor(this.now() / 1000) + refreshSeconds,
        },
      }),
    );
    const expiresIn = this.options.accessTokenSeconds ?? 3600;
    return {
      accessToken: this.accessToken(user, { expiresIn }),
      idToken: this.idToken(user, { expiresIn }),
      refreshToken,
      expiresIn,
      tokenType: 'Bearer',
    };
  }

  private baseClaims(user: AuthenticatedIdentity & { sub?: string }, expiresIn: number) {
    const iat = Math.floor(this.now() / 1000);
    return {
      sub: user.sub ?? sha256(user.username).slice(0, 32),
      iss: this.issuer,
      'cognito:groups': user.groups,
      ...(user.tenantId ? { 'custom:tenant': user.tenantId } : {}),
      auth_time: iat,
      iat,
      exp: iat + expiresIn,
      jti: randomUUID(),
      origin_jti: randomUUID(),
      event_id: randomUUID(),
    };
  }

  /** A Cognito-shaped access token; `overrides` lets tests forge a wrong one. */
  accessToken(
    user: AuthenticatedIdentity & { sub?: string },
    options: {
      expiresIn?: number;
      overrides?: Record<string, unknown>;
      key?: SigningKey;
      header?: Record<string, unknown>;
    } = {},
  ): string {
    const claims = {
      ...this.baseClaims(user, options.expiresIn ?? 3600),
      client_id: this.options.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: user.username,
      version: 2,
      ...options.overrides,
    };
    return signJwt(claims, options.key ?? this.options.signingKey, options.header);
  }

  /** A Cognito-shaped id token. */
  idToken(user: AuthenticatedIdentity & { sub?: string }, options: { expiresIn?: number } = {}): string {
    const claims = {
      ...this.baseClaims(user, options.expiresIn ?? 3600),
      aud: this.options.clientId,
      token_use: 'id',
      'cognito:username': user.username,
    };
    return signJwt(claims, this.options.signingKey);
  }
}
