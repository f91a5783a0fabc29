/**
 * The live stream in the CDK app (issue 16, acceptance 5): the WebSocket API and its three routes,
 * the first-message authentication in `$default`, the bus rule and fan-out function, `@connections`
 * rights for exactly the functions that post, the URL as an output, and nothing cdk-nag objects to.
 */
import { describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { stream } from '../../../core/topology.ts';
import { nagFindings, synth } from './support.ts';

const { app, stack, template } = synth();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON, read without casts
type Json = any;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (handler: string) =>
  stack.getLogicalId(stack.functions.get(handler)!.fn.node.defaultChild as never);
const wsApiId = stack.getLogicalId(stack.stream!.api.node.defaultChild as never);

describe('stream WebSocket API', () => {
  it('is a WEBSOCKET API with $connect, $disconnect and $default, each on its stream handler', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId?.Ref === wsApiId);
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual([
      '$connect',
      '$default',
      '$disconnect',
    ]);
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(
      ([, r]) => r.Properties.ApiId?.Ref === wsApiId,
    );
    const targets = JSON.stringify(integrations.map(([, r]) => r.Properties.IntegrationUri));
    for (const handler of [stream.connect, stream.disconnect, stream.message])
      expect(targets).toContain(logicalIdOf(handler));
  });

  it('authenticates in $default with the HTTP authorizer’s credential resolution: table and identity settings, no API Gateway authorizer to bypass it', () => {
    const message = resources[logicalIdOf(stream.message)]!;
    const variables = message.Properties.Environment.Variables as Record<string, unknown>;
    for (const name of ['OMS_TABLE', 'OMS_USER_POOL_ID', 'OMS_USER_POOL_CLIENT_ID', stream.connectionsUrlEnv])
      expect(variables[name]).toBeDefined();
    // Only the HTTP API has an authorizer; a WebSocket authorizer would only see the upgrade's headers.
    for (const [, a] of ofType('AWS::ApiGatewayV2::Authorizer'))
      expect(a.Properties.ApiId?.Ref).not.toBe(wsApiId);
  });

  it('has a throttled stage with access logs, and its URL as a stack output', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: wsApiId },
      StageName: 'v1',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('connectionId') },
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.StreamUrl?.Value)).toContain('wss://');
  });
});

describe('stream fan-out', () => {
  it('a rule on the OMS bus with the topology pattern targets the fan-out function', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes(logicalIdOf(stream.fanOut.handler)),
    );
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.EventPattern).toEqual(stream.fanOut.pattern);
    expect(rule.Properties.EventBusName).toBeDefined();
    expect(rule.Properties.Description).toBe(stream.fanOut.description);
  });

  it('only the functions that post hold execute-api:ManageConnections, on this API’s stage only', () => {
    const policiesOf = (handler: string) => {
      const roleId = stack.getLogicalId(stack.functions.get(handler)!.role.node.defaultChild as never);
      return JSON.stringify(
        ofType('AWS::IAM::Policy')
          .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
          .map(([, p]) => p.Properties.PolicyDocument),
      );
    };
    for (const poster of [stream.message, stream.fanOut.handler]) {
      const doc = policiesOf(poster);
      expect(doc).toContain('execute-api:ManageConnections');
      expect(doc).toContain(wsApiId);
      expect(doc).toContain('/v1/*/@connections/*');
      expect(doc).toContain('dynamodb:PutItem');
    }
    expect(policiesOf(stream.connect)).not.toContain('execute-api');
    expect(policiesOf(stream.connect)).not.toContain('dynamodb');
    expect(policiesOf(stream.disconnect)).not.toContain('execute-api');
    // Nothing else in the app may manage connections.
    const holders = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('ManageConnections'),
    );
    expect(holders).toHaveLength(2);
  });

  it('cdk-nag AwsSolutions reports nothing unacknowledged', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
