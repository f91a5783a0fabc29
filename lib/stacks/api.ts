import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.ts';
import { OmsHttpApi } from '../constructs/http-api.ts';
import { acknowledgeGrantWildcards, grantAccess, type GrantTargets } from '../grants.ts';
import { timeoutOf, type HandlerUse } from '../handlers.ts';
import { handlerId, type Topology } from '../topology.ts';

export interface ApiStackProps extends StackProps {
  readonly topology: Pick<Topology, 'routes' | 'authorizer'>;
  /** The authorizer's use (from `collectHandlers`), when the topology has one. */
  readonly authorizerUse?: HandlerUse | undefined;
  readonly targets: GrantTargets;
  /** Settings and resource names for the functions. */
  readonly environment: Record<string, string>;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: logs.RetentionDays;
}

/**
 * The API's front door: the HTTP API, its stage and the authorizer. The routes and the functions
 * behind them live in the function-group stacks (FunctionsStack), so this stack stays the same
 * size however many routes there are. Another API of the same front door (a WebSocket stream,
 * say) is a construct added here, next to `http`.
 */
export class ApiStack extends Stack {
  readonly http: OmsHttpApi;
  readonly authorizer: HandlerFunction | undefined;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { topology } = props;

    if (topology.authorizer && props.authorizerUse) {
      this.authorizer = new HandlerFunction(this, handlerId(topology.authorizer), {
        handler: topology.authorizer,
        description: `OMS ${[...props.authorizerUse.kinds].join('+')} ${topology.authorizer}`,
        environment: props.environment,
        timeout: timeoutOf(props.authorizerUse),
        logRetention: props.logRetention,
      });
      grantAccess(this.authorizer.role, props.authorizerUse.access, props.targets);
      acknowledgeGrantWildcards(this, props.targets);
    }

    this.http = new OmsHttpApi(this, 'Http', {
      routes: topology.routes,
      authorizer: this.authorizer,
      throttle: props.throttle,
      logRetention: props.logRetention,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.http.url, description: 'OMS HTTP API base URL' });
  }
}
