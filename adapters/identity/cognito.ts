import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CredentialRejectedError, UsernameTakenError } from '../../core/access/errors.ts';
import { DependencyError, ValidationError } from '../../core/errors.ts';
import { UserNotFoundError } from '../../core/tenancy/errors.ts';
import type { AuthenticatedIdentity, AuthTokens, IdentityProvider } from '../../core/tenancy/ports.ts';
import { unverifiedPayload } from './jwt.ts';

let client: CognitoIdentityProviderClient | undefined;

/** Translates Cognito's errors into the port's; anything unexpected is a dependency failure. */
function translate(error: unknown, username: string): never {
  const name = error instanceof Error ? error.name : '';
  if (name === 'UsernameExistsException') throw new UsernameTakenError(username);
  if (name === 'UserNotFoundException') throw new UserNotFoundError(username);
  if (name === 'InvalidPasswordException')
    throw new ValidationError('The password does not meet the policy', [
      { path: 'body.password', message: (error as Error).message },
    ]);
  if (
    name === 'NotAuthorizedException' ||
    name === 'UserNotConfirmedException' ||
    name === 'PasswordResetRequiredException'
  ) {
    throw new CredentialRejectedError('INVALID_CREDENTIALS', 'Incorrect username or password');
  }
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    throw new DependencyError('The identity provider is throttling', { cause: error });
  throw new DependencyError('The identity provider failed', { cause: error });
}

function identityOf(idToken: string, fallbackUsername: string): AuthenticatedIdentity {
  // The id token comes straight from Cognito over TLS in this call; the authorizer verifies tokens on use.
  const claims = unverifiedPayload(idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [];
  const tenant = claims['custom:tenant'];
  return {
    username: typeof claims['cognito:username'] === 'string' ? claims['cognito:username'] : fallbackUsername,
    tenantId: typeof tenant === 'string' && tenant ? tenant : undefined,
    groups,
  };
}

/**
 * Cognito user pool adapter: users carry `custom:tenant` and their role as a group; logins use
 * USER_PASSWORD_AUTH. A pre-token-generation trigger (V2) copies `custom:tenant` into access tokens.
 */
export class CognitoIdentityProvider implements IdentityProvider {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly client: CognitoIdentityProviderClient;

  constructor(userPoolId: string, clientId: string) {
    this.userPoolId = userPoolId;
    this.clientId = clientId;
    this.client = client ??= new CognitoIdentityProviderClient({});
  }

  async createUser(input: {
    username: string;
    password: string | undefined;
    tenantId: string | undefined;
    groups: string[];
  }): Promise<void> {
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: input.username,
          MessageAction: 'SUPPRESS',
          UserAttributes: input.tenantId ? [{ Name: 'custom:tenant', Value: input.tenantId }] : [],
        }),
      );
      if (input.password !== undefined) {
        await this.client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: this.userPoolId,
            Username: input.username,
            Password: input.password,
            Permanent: true,
          }),
        );
      }
      for (const group of input.groups) {
        await this.client.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: this.userPoolId,
            Username: input.username,
            GroupName: group,
          }),
        );
      }
    } catch (error) {
      translate(error, input.username);
    }
  }

  async setGroups(username: string, groups: string[]): Promise<void> {
    try {
      const { Groups } = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username }),
      );
      const current = (Groups ?? []).map((g) => g.GroupName ?? '');
      for (const group of groups.filter((g) => !current.includes(g))) {
        await this.client.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: this.userPoolId,
            Username: username,
            GroupName: group,
          }),
        );
      }
      for (const group of current.filter((g) => g && !groups.includes(g))) {
        await this.client.send(
          new AdminRemoveUserFromGroupCommand({
            UserPoolId: this.userPoolId,
            Username: username,
            GroupName: group,
          }),
        );
      }
    } catch (error) {
      translate(error, username);
    }
  }

  async setPassword(username: string, password: string): Promise<void> {
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
    } catch (error) {
      translate(error, username);
    }
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    try {
      const input = { UserPoolId: this.userPoolId, Username: username };
      await this.client.send(
        enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input),
      );
    } catch (error) {
      translate(error, username);
    }
  }

  async deleteUser(username: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: username }));
    } catch (error) {
      if (error instanceof Error && error.name === 'UserNotFoundException') return;
      translate(error, username);
    }
  }

  /**
   * RevokeToken ends the refresh token and every access token issued from it (Cognito's own
   * family). Cognito does not say whose token it was, so nothing is returned for the audit log.
   */
  async logout(refreshToken: string): Promise<undefined> {
    try {
      await this.client.send(new RevokeTokenCommand({ ClientId: this.clientId, Token: refreshToken }));
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      // An unknown or already revoked token: the session is over either way.
      if (name === 'InvalidParameterException' || name === 'UnsupportedTokenTypeException') return undefined;
      translate(error, '');
    }
    return undefined;
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }> {
    try {
      const { AuthenticationResult: r } = await this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: this.clientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      if (!r?.AccessToken || !r.IdToken || !r.RefreshToken)
        throw new CredentialRejectedError(
          'INVALID_CREDENTIALS',
          'The login needs another step, which this API does not support',
        );
      return {
        tokens: {
          accessToken: r.AccessToken,
          idToken: r.IdToken,
          refreshToken: r.RefreshToken,
          expiresIn: r.ExpiresIn ?? 3600,
          tokenType: 'Bearer',
        },
        identity: identityOf(r.IdToken, username),
      };
    } catch (error) {
      if (error instanceof CredentialRejectedError) throw error;
      translate(error, username);
    }
  }

  async refresh(refreshToken: string): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }> {
    try {
      const { AuthenticationResult: r } = await this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: this.clientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      if (!r?.AccessToken || !r.IdToken)
        throw new CredentialRejectedError('INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired');
      return {
        // Without refresh-token rotation on the app client Cognito returns no new one: the old one stays valid.
        tokens: {
          accessToken: r.AccessToken,
          idToken: r.IdToken,
          refreshToken: r.RefreshToken ?? refreshToken,
          expiresIn: r.ExpiresIn ?? 3600,
          tokenType: 'Bearer',
        },
        identity: identityOf(r.IdToken, ''),
      };
    } catch (error) {
      if (error instanceof CredentialRejectedError) throw error;
      if (error instanceof Error && error.name === 'NotAuthorizedException') {
        throw new CredentialRejectedError('INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired');
      }
      translate(error, '');
    }
  }
}
