import { describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as topology from '../../../core/topology.ts';
import { logicalIdOf, nagFindings, synth } from './support.ts';

// One synthesis for the file: the strategy host's stack is read from it.
const real = synth();
const stack = real.oms.strategiesStack;
const template = Template.fromStack(stack);
const host = real.oms.strategiesStack.host;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of the policies attached to `roleId` in the host's stack. */
function statementsOf(roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statements: Statement[]) =>
  new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

describe('the strategy host in AWS', () => {
  it('is one Fargate task on arm64 in the private subnets of the bridge network, deployed stop-first', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Cpu: '512',
      Memory: '2048',
    });
    // The cluster and VPC are the bridge stack's, imported.
    expect(stack.dependencies).toContain(real.oms.bridgeStack);
  });

  it('runs strategies/main.ts with the resources it reads from the topology env', () => {
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const [container] = task!.Properties.ContainerDefinitions as Array<{
      Environment: Array<{ Name: string }>;
      LogConfiguration: { LogDriver: string };
    }>;
    const names = container!.Environment.map((e) => e.Name);
    for (const name of [topology.env.tableName, topology.env.ordersQueueUrl, topology.env.strategiesQueueUrl])
      expect(names).toContain(name);
    expect(container!.LogConfiguration.LogDriver).toBe('awslogs');
  });

  it('its task role may use the table, send orders and consume its queue, and nothing else', () => {
    const statements = statementsOf(logicalIdOf(host.taskDefinition.taskRole));
    const actions = actionsOf(statements);
    expect([...actions].filter((a) => !/^(dynamodb|sqs|kms):/.test(a))).toEqual([]);
    expect(actions.has('dynamodb:PutItem')).toBe(true);
    expect(actions.has('dynamodb:Query')).toBe(true);
    expect(actions.has('sqs:SendMessage')).toBe(true);
    expect(actions.has('sqs:ReceiveMessage')).toBe(true);
    expect(actions.has('sqs:DeleteMessage')).toBe(true);
    for (const absent of [
      'events:PutEvents',
      'dynamodb:DeleteTable',
      'sqs:PurgeQueue',
      'cognito-idp:AdminCreateUser',
    ])
      expect(actions.has(absent)).toBe(false);

    const queueArn = (key: 'orders' | 'strategies') =>
      JSON.stringify(stack.resolve(real.oms.messaging.queues[key].queue.queueArn));
    const sqsStatements = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    // Sends go to the orders queue only; receives come from the strategies queue only.
    for (const s of sqsStatements) {
      const resource = JSON.stringify(s.Resource);
      if (JSON.stringify(s.Action).includes('sqs:SendMessage')) expect(resource).toBe(queueArn('orders'));
      if (JSON.stringify(s.Action).includes('sqs:ReceiveMessage'))
        expect(resource).toBe(queueArn('strategies'));
    }
    expect(JSON.stringify(statements)).not.toContain('"Resource":"*"');
  });

  it('has no inbound rule, and cdk-nag has nothing unacknowledged in its stack', () => {
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    expect(nagFindings(real.app)).toEqual([]);
  });
});
