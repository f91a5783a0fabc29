import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pascal, type Topology } from '../topology.ts';
import type { HandlerFunction } from './handler-function.ts';

export interface HttpApiProps {
  /** Every route the API will serve; `caller` routes need the authorizer. */
  readonly routes: Topology['routes'];
  /** The Lambda authorizer; required as soon as one route is `caller`. */
  readonly authorizer?: HandlerFunction | undefined;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: logs.RetentionDays;
}

/**
 * The HTTP API with a throttled, logged default stage and the authorizer of `caller` routes.
 * Routes are added with `addRoute`, in the stack of the function that serves them, so the
 * API's own stack does not grow with the routes.
 */
export class OmsHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  private readonly authorizer: HttpLambdaAuthorizer | undefined;
  private readonly integrations = new Map<string, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);

    const callerRoutes = props.routes.filter((r) => r.auth === 'caller');
    if (callerRoutes.length > 0 && !props.authorizer) {
      // Fail closed: a `caller` route deployed without the authorizer would be open to anyone.
      throw new Error(
        `topology.authorizer is not set, but these routes need a caller: ${callerRoutes
          .map((r) => `${r.method} ${r.path}`)
          .join(', ')}`,
      );
    }

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'OMS HTTP API v1',
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            tenantId: '$context.authorizer.tenantId',
          }),
        ),
      },
    });

    this.authorizer = props.authorizer
      ? new HttpLambdaAuthorizer('CallerAuthorizer', props.authorizer.fn, {
          responseTypes: [HttpLambdaResponseType.SIMPLE],
          // A caller presents either `Authorization` or `x-api-key`. API Gateway answers 401
          // without calling the authorizer unless *every* identity source is present, so no
          // source is declared, and without one it cannot cache: the authorizer runs on every
          // request and keeps JWKS and API-key lookups warm in memory instead.
          identitySource: [],
          resultsCacheTtl: Duration.seconds(0),
        })
      : undefined;
  }

  /** Serves `route` with `fn`; the route, its integration and permission are created in `scope`. */
  addRoute(scope: Construct, route: Topology['routes'][number], fn: HandlerFunction): void {
    if (route.auth === 'caller' && !this.authorizer) {
      throw new Error(`topology.authorizer is not set, but ${route.method} ${route.path} needs a caller`);
    }
    let integration = this.integrations.get(route.handler);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${pascal(route.handler)}Integration`, fn.fn);
      this.integrations.set(route.handler, integration);
    }
    const created = new apigw.HttpRoute(scope, `${route.method}${pascal(route.path)}Route`, {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
      integration,
      ...(route.auth === 'caller' ? { authorizer: this.authorizer } : {}),
    });
    if (route.auth === 'public') {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by contract (docs/api-v1.md: login, refresh, health, docs need no caller).`,
      });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `${route.method} ${route.path} is public by contract; it has no authorizer at all.`,
      });
    } else {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Callers authenticate with a Cognito access token or an API key (x-api-key); a Cognito/JWT authorizer ' +
          'cannot accept API keys, so one Lambda authorizer verifies both (Cognito tokens with aws-jwt-verify).',
      });
    }

    // The authorizer is created with the first route that uses it. The L2 renders an empty
    // IdentitySource list; leave the property out instead, as the API Gateway reference
    // describes an uncached REQUEST authorizer.
    for (const child of this.api.node.findAll()) {
      if (child instanceof apigw.CfnAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
    }
  }

  /** The API's invoke URL (default stage). */
  get url(): string {
    return this.stage.url;
  }
}
