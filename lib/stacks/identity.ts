import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.ts';
import { Identity } from '../constructs/identity.ts';
import { TIMEOUTS } from '../handlers.ts';
import { handlerId, type Topology } from '../topology.ts';

export interface IdentityStackProps extends StackProps {
  readonly topology: Pick<Topology, 'identityTriggers'>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The Cognito user pool and app client, with its triggers beside it: a trigger named by its
 * pool and naming it back would be a dependency cycle, so triggers get no resource environment.
 */
export class IdentityStack extends Stack {
  readonly identity: Identity;
  /** Trigger functions by handler file. */
  readonly functions = new Map<string, HandlerFunction>();

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    this.identity = new Identity(this, 'Identity');

    const preToken = props.topology.identityTriggers?.preTokenGeneration;
    if (preToken) {
      const fn = new HandlerFunction(this, handlerId(preToken), {
        handler: preToken,
        description: `OMS trigger ${preToken}`,
        environment: {},
        timeout: TIMEOUTS.trigger,
        logRetention: props.logRetention,
      });
      this.identity.userPool.addTrigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        fn.fn,
        cognito.LambdaVersion.V2_0,
      );
      this.functions.set(preToken, fn);
    }

    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
  }
}
