/** Tokens a login or refresh hands out; the same shape from Cognito and the local provider. */
export interface AuthTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** Who logged in, as the identity provider knows them. */
export interface AuthenticatedIdentity {
  username: string;
  /** Absent for platform operators. */
  tenantId: string | undefined;
  groups: string[];
}

/**
 * The user directory holding passwords: Cognito in AWS, the local identity provider on a laptop.
 * Implementations throw CredentialRejectedError for a wrong password, an unknown user or a bad
 * refresh token, and UsernameTakenError for a duplicate username.
 */
export interface IdentityProvider {
  /** Without a password the user cannot log in (tests mint their tokens directly). */
  createUser(input: {
    username: string;
    password: string | undefined;
    tenantId: string | undefined;
    groups: string[];
  }): Promise<void>;
  setGroups(username: string, groups: string[]): Promise<void>;
  setPassword(username: string, password: string): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** Removes a user (undoes a createUser whose tenant could not be created); absent is fine. */
  deleteUser(username: string): Promise<void>;
  login(username: string, password: string): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }>;
  /**
   * Rotates a refresh token. Replaying one already rotated revokes its whole family (every token
   * descended from the same login) and throws RefreshTokenReplayedError.
   */
  refresh(refreshToken: string): Promise<{ tokens: AuthTokens; identity: AuthenticatedIdentity }>;
  /** Ends the session the refresh token belongs to; unknown or expired tokens are ignored. */
  logout(refreshToken: string): Promise<AuthenticatedIdentity | undefined>;
}
