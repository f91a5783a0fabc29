import type { IdentityProvider } from '../../core/tenancy/ports.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, resources } from '../aws.ts';
import { CognitoIdentityProvider } from './cognito.ts';
import { identityConfig } from './config.ts';
import { LocalIdentityProvider } from './local.ts';

let cached: { key: string; provider: IdentityProvider } | undefined;

/** The identity provider of this runtime: Cognito in AWS, the local provider when configured so. */
export function identityProvider(): IdentityProvider {
  const config = identityConfig();
  const tableName = config.provider === 'local' ? resources().tableName : '';
  const key = `${config.provider}|${config.userPoolId}|${config.clientId}|${tableName}|${config.signingKey?.kid ?? ''}`;
  if (cached?.key !== key) {
    const provider =
      config.provider === 'local' && config.signingKey
        ? new LocalIdentityProvider({
            doc: DynamoDBDocumentClient.from(dynamoClient(), {
              marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
            }),
            tableName,
            userPoolId: config.userPoolId,
            clientId: config.clientId,
            signingKey: config.signingKey,
          })
        : new CognitoIdentityProvider(config.userPoolId, config.clientId);
    cached = { key, provider };
  }
  return cached.provider;
}
