import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre-token-generation trigger (V2): copies the user's `custom:tenant` attribute into the
 * access token, which Cognito otherwise leaves without custom attributes. The authorizer reads
 * the tenant from there, exactly as it does from the local identity provider's tokens.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const tenant = event.request.userAttributes['custom:tenant'];
  if (tenant) {
    event.response = {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { 'custom:tenant': tenant } },
      },
    };
  }
  return event;
};
