/**
 * The per-connection bridge design in the CDK: the connection events' rule, the provisioner state
 * machine (queue, role under the boundary, task definition, one-task service), the boundary that
 * caps every bridge role, and no unacknowledged cdk-nag finding. One small stack, synthesized once.
 */
import { describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as topology from '../../../core/topology.ts';
const { connectionProvisioning } = topology;
import { BridgeNetwork } from '../../../lib/constructs/bridge.ts';
import { ConnectionProvisioner } from '../../../lib/constructs/connection-provisioner.ts';
import { acknowledgeGrantWildcards } from '../../../lib/grants.ts';
import { nagFindings } from './support.ts';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Connections', { env: { account: '111122223333', region: 'eu-west-1' } });
const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
const table = new dynamodb.TableV2(stack, 'Table', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
  encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
});
const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'oms-events' });
const network = new BridgeNetwork(stack, 'Network');
new ConnectionProvisioner(stack, 'Provisioner', {
  network,
  table,
  key,
  bus,
  environment: { OMS_TABLE: 'oms', OMS_EVENT_BUS: 'oms-events' },
  logRetention: logs.RetentionDays.ONE_MONTH,
  alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:Oms-alarms',
});
// As BridgeStack does: the table's index wildcard and KMS action families are acknowledged per stack.
acknowledgeGrantWildcards(stack, { table, key, indexes: topology.table.indexes });
const template = Template.fromStack(stack);
const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));

describe('the connection provisioner', () => {
  it('runs on connection.created and connection.deleted from the bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: connectionProvisioning.rule,
      EventPattern: { source: ['oms'], 'detail-type': ['connection.created', 'connection.deleted'] },
      Targets: [Match.objectLike({ Arn: Match.anyValue() })],
    });
  });

  it('creates the queue, a role under the boundary, a task definition and a one-task service', () => {
    for (const call of [
      'sqs:createQueue',
      'iam:createRole',
      'iam:putRolePolicy',
      'ecs:registerTaskDefinition',
      'ecs:createService',
      'ecs:deleteService',
      'iam:deleteRole',
    ])
      expect(definition).toContain(`:states:::aws-sdk:${call}`);
    expect(definition).toContain('\\"MaximumPercent\\":100');
    expect(definition).toContain('\\"MinimumHealthyPercent\\":0');
    expect(definition).toContain('\\"DesiredCount\\":1');
    expect(definition).toContain('PermissionsBoundary');
  });

  it('caps every bridge role with a boundary: the connection queues and secrets only', () => {
    const boundary = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0] as {
      Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } };
    };
    const statements = boundary.Properties.PolicyDocument.Statement;
    const sqs = statements.find((s) => [s.Action].flat().includes('sqs:ReceiveMessage'));
    expect(JSON.stringify(sqs?.Resource)).toContain('oms-orders-c*');
    expect([sqs?.Action].flat()).not.toContain('sqs:SendMessage');
    const secrets = statements.find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secrets?.Resource)).toContain('secret:oms/connections/*');
    // The state machine may create a bridge role only with that boundary attached.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
            Condition: { StringNotEquals: { 'iam:PermissionsBoundary': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('puts the connection’s alarms after the service and deletes them on connection.deleted, within the alarm prefix', () => {
    expect(definition).toContain(':states:::aws-sdk:cloudwatch:putMetricAlarm');
    expect(definition).toContain(':states:::aws-sdk:cloudwatch:deleteAlarms');
    expect(definition).toContain("States.Format('oms-connection-{}-disconnected', $.names.connectionId)");
    expect(definition).toContain('arn:aws:sns:eu-west-1:111122223333:Oms-alarms');
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    for (const action of ['cloudwatch:putMetricAlarm', 'cloudwatch:deleteAlarms'])
      expect(policies).toContain(
        `{"Action":"${action}","Effect":"Allow","Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":cloudwatch:eu-west-1:111122223333:alarm:oms-connection-*"]]}}`,
      );
  });

  it('gives each bridge its own queue and its own secret, by connection id', () => {
    expect(definition).toContain('oms-orders-{}.fifo');
    expect(definition).toContain('secret:oms/connections/{}-*');
    expect(definition).toContain('OMS_CONNECTION_ID');
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
