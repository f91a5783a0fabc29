import { describe, expect, it } from '@jest/globals';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handler } from '../../../functions/auth/pre-token.ts';

function event(attributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'us-east-1_x',
    userName: 'alice',
    callerContext: { awsSdkVersion: '3', clientId: 'c' },
    request: { userAttributes: attributes, groupConfiguration: { groupsToOverride: ['trader'] }, scopes: [] },
    response: { claimsAndScopeOverrideDetails: {} },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('Cognito pre-token-generation trigger', () => {
  it('copies the tenant attribute into the access token', async () => {
    const out = await handler(event({ sub: 's', 'custom:tenant': 'acme' }));
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      'custom:tenant': 'acme',
    });
  });

  it('leaves a user without a tenant (the platform operator) as Cognito made it', async () => {
    const out = await handler(event({ sub: 's' }));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
