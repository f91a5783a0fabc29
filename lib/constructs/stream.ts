import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StreamSpec } from '../../core/topology.ts';
import { pascal, type Access } from '../topology.ts';
import type { HandlerFunction } from './handler-function.ts';
import { toEventPattern } from './messaging.ts';

export interface StreamApiProps {
  readonly spec: StreamSpec;
  readonly bus: events.IEventBus;
  /** Function per handler file (the stack builds them from `streamHandlers`, with their table grants). */
  readonly functions: ReadonlyMap<string, HandlerFunction>;
  readonly logRetention: logs.RetentionDays;
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

const STAGE = 'v1';

/**
 * The live stream (docs/stream.md): a WebSocket API whose `$connect`, `$disconnect` and `$default`
 * routes run the topology's stream handlers, and the bus rule feeding the fan-out function that
 * logs each event per tenant and posts it to the tenant's sockets through `@connections`.
 *
 * Authentication is the `$default` handler's first job: API Gateway has no authorizer per
 * message, and browsers cannot send headers on a WebSocket, so a socket proves who it is with its
 * first message, checked by the HTTP API's own credential resolution. Until then it is stored
 * nowhere and receives nothing.
 */
export class StreamApi extends Construct {
  readonly api: apigw.WebSocketApi;
  readonly stage: apigw.WebSocketStage;
  readonly accessLogs: logs.LogGroup;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: StreamApiProps) {
    super(scope, id);
    const { spec } = props;

    this.api = new apigw.WebSocketApi(this, 'Api', {
      description: 'OMS live stream (docs/api-v1.md, "Streaming")',
      routeSelectionExpression: '$request.body.action',
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: STAGE,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            eventType: '$context.eventType',
            connectionId: '$context.connectionId',
            status: '$context.status',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const fn = (handler: string) => {
      const created = props.functions.get(handler);
      if (!created) throw new Error(`no function for stream handler ${handler}`);
      created.fn.addEnvironment(spec.connectionsUrlEnv, this.stage.callbackUrl);
      return created;
    };
    const connect = fn(spec.connect);
    const disconnect = fn(spec.disconnect);
    const message = fn(spec.message);
    const fanOut = fn(spec.fanOut.handler);
    for (const poster of [message, fanOut]) this.grantManageConnections(poster.role);

    const routes: Array<[string, HandlerFunction, string]> = [
      [
        '$connect',
        connect,
        'Every socket may connect; it authenticates with its first message (see the construct).',
      ],
      [
        '$disconnect',
        disconnect,
        'API Gateway calls $disconnect itself when a socket closes; no caller is involved.',
      ],
      [
        '$default',
        message,
        'The first message carries the credential (token or API key), verified by the handler with the HTTP authorizer’s resolution; API Gateway has no per-message authorizer.',
      ],
    ];
    for (const [routeKey, handler, reason] of routes) {
      const route = this.api.addRoute(routeKey, {
        integration: new WebSocketLambdaIntegration(`${pascal(routeKey)}Integration`, handler.fn),
      });
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      Validations.of(route).acknowledge({ id: 'AwsSolutions-COG4', reason });
    }

    this.rule = new events.Rule(this, `Rule${pascal(spec.fanOut.rule)}`, {
      eventBus: props.bus,
      description: spec.fanOut.description,
      eventPattern: toEventPattern(spec.fanOut.pattern),
      targets: [
        new targets.LambdaFunction(fanOut.fn, {
          retryAttempts: 10,
          // Older than this, an event is of no use live; a client that missed it resumes or resets.
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }

  /** `@connections` of this API's stage only: post to and close its sockets, nothing else. */
  private grantManageConnections(role: iam.IRole): void {
    const arn = Stack.of(this).formatArn({
      service: 'execute-api',
      resource: this.api.apiId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      resourceName: `${STAGE}/*/@connections/*`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [arn] }),
    );
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${Stack.of(this).getLogicalId(this.api.node.defaultChild as never)}>/${STAGE}/*/@connections/*]`,
        reason:
          'Connection ids are made by API Gateway at run time; the grant is limited to @connections of this one WebSocket API and stage.',
      });
    }
  }

  /** `wss://…/v1`, what clients connect to. */
  get url(): string {
    return this.stage.url;
  }
}

/** The stream's handler files and what each needs beyond `@connections` (granted by StreamApi). */
export function streamHandlers(spec: StreamSpec): Array<{ handler: string; access: Access[] }> {
  return [
    // $connect stores nothing: a socket is recorded once it authenticates.
    { handler: spec.connect, access: [] },
    { handler: spec.disconnect, access: ['table:read', 'table:write'] },
    // Authentication reads API keys and counts rate limits, as the HTTP authorizer does.
    { handler: spec.message, access: ['table:read', 'table:write'] },
    { handler: spec.fanOut.handler, access: ['table:read', 'table:write'] },
  ];
}
