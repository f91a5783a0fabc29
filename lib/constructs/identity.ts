import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Roles inside a tenant, plus the platform operator who manages tenants (docs/api-v1.md). */
export const GROUPS = ['admin', 'trader', 'viewer', 'operator'] as const;

/** Custom attribute carrying the user's tenant; Cognito exposes it as `custom:tenant`. */
export const TENANT_ATTRIBUTE = 'tenant';

/** Cognito user pool (users carry their tenant and role groups) and the API's app client. */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Tenants and their users are created by operators and tenant admins through the API.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        // Immutable: moving a user between tenants would silently hand them the other tenant's data.
        [TENANT_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      // Plus plan: compromised-credential detection and adaptive authentication on every sign-in.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      mfa: cognito.Mfa.OFF,
      accountRecovery: cognito.AccountRecovery.NONE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'The API login contract (docs/api-v1.md: POST /api/v1/auth/login → tokens) has no challenge step, and ' +
        'most callers are programs using API keys; brute force is handled by Plus-plan threat protection ' +
        '(compromised credentials, adaptive authentication) and per-user/per-source login rate limits.',
    });

    GROUPS.forEach((group, precedence) => {
      this.userPool.addGroup(`Group${group.charAt(0).toUpperCase()}${group.slice(1)}`, {
        groupName: group,
        description: `OMS role ${group}`,
        precedence,
      });
    });

    this.client = this.userPool.addClient('ApiClient', {
      // The login Lambda calls InitiateAuth on the user's behalf; a secret would have to live in it too.
      generateSecret: false,
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, preferredUsername: true })
        .withCustomAttributes(TENANT_ATTRIBUTE),
      // Nothing is writable by the user: the tenant is set once by AdminCreateUser.
      writeAttributes: new cognito.ClientAttributes(),
    });
  }
}
