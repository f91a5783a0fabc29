import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { queues } from '../../core/topology.ts';
import { connectionAlarmStates } from './connection-alarms.ts';
import { CONNECTION_NAMES } from './connection-task.ts';

/** What the provisioning states refer to. */
export interface ProvisioningDeps {
  /** An ARN of this account and region: arn(service, resource). */
  arn: (service: string, resource: string) => string;
  queueArns: string;
  roleArns: string;
  serviceArns: string;
  boundaryArn: string;
  table: dynamodb.ITable;
  key: kms.IKey;
  bus: events.IEventBus;
  cluster: ecs.ICluster;
  subnets: string[];
  securityGroupId: string;
  /** The SNS topic the connection's alarms notify. */
  alarmTopicArn: string;
  /** ARN pattern of the connection alarms (`oms-connection-*`). */
  alarmArns: string;
  /** The ecs:RegisterTaskDefinition parameters, with or without the managed gateway container. */
  task: (withGateway: boolean) => Record<string, unknown>;
}

/**
 * The provisioner's states: connection.created → the queue and DLQ, the bridge role (under the
 * boundary) and its policy, the task definition, the service, the connection's alarms;
 * connection.deleted → the alarms deleted, the service scaled to 0 and deleted, the role deleted.
 * Every call is an AWS SDK integration of Step Functions.
 */
export function provisioningStates(scope: Construct, d: ProvisioningDeps): sfn.IChainable {
  const id$ = sfn.JsonPath.stringAt('$.detail.connectionId');
  const names = new sfn.Pass(scope, 'Names', {
    parameters: {
      connectionId: id$,
      gatewayKind: sfn.JsonPath.stringAt('$.detail.gateway.kind'),
      queueName: sfn.JsonPath.format('oms-orders-{}.fifo', id$),
      dlqName: sfn.JsonPath.format('oms-orders-{}-dlq.fifo', id$),
      roleName: sfn.JsonPath.format(`${CONNECTION_NAMES.role}{}`, id$),
      serviceName: sfn.JsonPath.format(`${CONNECTION_NAMES.service}{}`, id$),
      family: sfn.JsonPath.format(`${CONNECTION_NAMES.family}{}`, id$),
      // The bridge's own grants: its queue and its secret only (the boundary caps the rest).
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:ChangeMessageVisibility',
              'sqs:GetQueueUrl',
              'sqs:GetQueueAttributes',
            ],
            Resource: sfn.JsonPath.format(d.arn('sqs', 'oms-orders-{}.fifo'), id$),
          },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: sfn.JsonPath.format(
              d.arn('secretsmanager', `secret:${CONNECTION_NAMES.secret}{}-*`),
              id$,
            ),
          },
          {
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:Query',
              'dynamodb:BatchGetItem',
              'dynamodb:ConditionCheckItem',
            ],
            Resource: [d.table.tableArn, `${d.table.tableArn}/index/*`],
          },
          { Effect: 'Allow', Action: ['events:PutEvents'], Resource: d.bus.eventBusArn },
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: d.key.keyArn,
          },
        ],
      },
    },
    resultPath: '$.names',
  });

  const call = (
    cid: string,
    service: string,
    action: string,
    parameters: Record<string, unknown>,
    iamResources: string[],
    extra: Partial<tasks.CallAwsServiceProps> = {},
  ) =>
    new tasks.CallAwsService(scope, cid, {
      service,
      action,
      parameters,
      iamResources,
      resultPath: sfn.JsonPath.DISCARD,
      ...extra,
    });

  const fifoAttributes = {
    FifoQueue: 'true',
    VisibilityTimeout: String(queues.orders.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(14 * 24 * 3600),
    KmsMasterKeyId: d.key.keyArn,
    KmsDataKeyReusePeriodSeconds: '3600',
  };
  const createDlq = call(
    'CreateDlq',
    'sqs',
    'createQueue',
    { QueueName: sfn.JsonPath.stringAt('$.names.dlqName'), Attributes: fifoAttributes },
    [d.queueArns],
    { resultSelector: { 'url.$': '$.QueueUrl' }, resultPath: '$.dlq' },
  );
  const dlqArn = call(
    'DlqArn',
    'sqs',
    'getQueueAttributes',
    { QueueUrl: sfn.JsonPath.stringAt('$.dlq.url'), AttributeNames: ['QueueArn'] },
    [d.queueArns],
    { resultSelector: { 'arn.$': '$.Attributes.QueueArn' }, resultPath: '$.dlq.arn' },
  );
  const redrive = new sfn.Pass(scope, 'Redrive', {
    parameters: { value: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.redrive')) },
    resultPath: '$.redriveJson',
  });
  const redriveObject = new sfn.Pass(scope, 'RedriveObject', {
    parameters: {
      deadLetterTargetArn: sfn.JsonPath.stringAt('$.dlq.arn.arn'),
      maxReceiveCount: String(queues.orders.maxReceiveCount),
    },
    resultPath: '$.redrive',
  });
  const createQueue = call(
    'CreateQueue',
    'sqs',
    'createQueue',
    {
      QueueName: sfn.JsonPath.stringAt('$.names.queueName'),
      Attributes: { ...fifoAttributes, RedrivePolicy: sfn.JsonPath.stringAt('$.redriveJson.value') },
    },
    [d.queueArns],
  );

  const createRole = call(
    'CreateRole',
    'iam',
    'createRole',
    {
      RoleName: sfn.JsonPath.stringAt('$.names.roleName'),
      PermissionsBoundary: d.boundaryArn,
      Description: sfn.JsonPath.format(
        'OMS bridge of connection {}',
        sfn.JsonPath.stringAt('$.names.connectionId'),
      ),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    },
    [d.roleArns],
    { resultSelector: { 'arn.$': '$.Role.Arn' }, resultPath: '$.role' },
  );
  // A connection created again after a failed run finds its role there: carry on with it.
  createRole.addCatch(
    call('GetRole', 'iam', 'getRole', { RoleName: sfn.JsonPath.stringAt('$.names.roleName') }, [d.roleArns], {
      resultSelector: { 'arn.$': '$.Role.Arn' },
      resultPath: '$.role',
    }).next(call('PutRolePolicyAgain', 'iam', 'putRolePolicy', rolePolicyParameters(), [d.roleArns])),
    { errors: ['Iam.EntityAlreadyExistsException'], resultPath: '$.roleError' },
  );
  const putPolicy = call('PutRolePolicy', 'iam', 'putRolePolicy', rolePolicyParameters(), [d.roleArns]);

  const task = (cid: string, withGateway: boolean) =>
    call(cid, 'ecs', 'registerTaskDefinition', d.task(withGateway), ['*'], {
      resultSelector: { 'arn.$': '$.TaskDefinition.TaskDefinitionArn' },
      resultPath: '$.taskDefinition',
    });
  const registerPlain = task('RegisterTask', false);
  const registerManaged = task('RegisterTaskWithGateway', true);
  // The gateway's trading mode comes from the record: events never carry more than the kind.
  const readRecord = call(
    'ReadConnection',
    'dynamodb',
    'getItem',
    {
      TableName: d.table.tableName,
      Key: {
        pk: { S: sfn.JsonPath.format('CONN#{}', sfn.JsonPath.stringAt('$.names.connectionId')) },
        sk: { S: 'CONNECTION' },
      },
      ProjectionExpression: 'live',
    },
    [d.table.tableArn],
    { resultSelector: { 'live.$': '$.Item.live.BOOL' }, resultPath: '$.record' },
  );
  const managedPath = readRecord.next(
    new sfn.Choice(scope, 'Live?')
      .when(
        sfn.Condition.booleanEquals('$.record.live', true),
        new sfn.Pass(scope, 'LiveMode', {
          result: sfn.Result.fromString('live'),
          resultPath: '$.tradingMode',
        }).next(registerManaged),
      )
      .otherwise(
        new sfn.Pass(scope, 'PaperMode', {
          result: sfn.Result.fromString('paper'),
          resultPath: '$.tradingMode',
        }).next(registerManaged),
      ),
  );

  const createService = call(
    'CreateService',
    'ecs',
    'createService',
    {
      Cluster: d.cluster.clusterArn,
      ServiceName: sfn.JsonPath.stringAt('$.names.serviceName'),
      TaskDefinition: sfn.JsonPath.stringAt('$.taskDefinition.arn'),
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      // Stop the old task before the new one starts: never two bridges on one connection.
      DeploymentConfiguration: {
        MaximumPercent: 100,
        MinimumHealthyPercent: 0,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: d.subnets,
          SecurityGroups: [d.securityGroupId],
          AssignPublicIp: 'DISABLED',
        },
      },
      PropagateTags: 'SERVICE',
      Tags: [{ Key: 'oms:connection', Value: sfn.JsonPath.stringAt('$.names.connectionId') }],
    },
    [d.serviceArns],
  );

  const drain = call(
    'StopService',
    'ecs',
    'updateService',
    {
      Cluster: d.cluster.clusterArn,
      Service: sfn.JsonPath.stringAt('$.names.serviceName'),
      DesiredCount: 0,
    },
    [d.serviceArns],
  );
  const deleteService = call(
    'DeleteService',
    'ecs',
    'deleteService',
    {
      Cluster: d.cluster.clusterArn,
      Service: sfn.JsonPath.stringAt('$.names.serviceName'),
      Force: true,
    },
    [d.serviceArns],
  );
  const deletePolicy = call(
    'DeleteRolePolicy',
    'iam',
    'deleteRolePolicy',
    {
      RoleName: sfn.JsonPath.stringAt('$.names.roleName'),
      PolicyName: 'bridge',
    },
    [d.roleArns],
  );
  const deleteRole = call(
    'DeleteRole',
    'iam',
    'deleteRole',
    { RoleName: sfn.JsonPath.stringAt('$.names.roleName') },
    [d.roleArns],
  );

  const created = createDlq
    .next(dlqArn)
    .next(redriveObject)
    .next(redrive)
    .next(createQueue)
    .next(createRole)
    .next(putPolicy)
    .next(
      new sfn.Choice(scope, 'ManagedGateway?')
        .when(sfn.Condition.stringEquals('$.names.gatewayKind', 'managed'), managedPath)
        .otherwise(registerPlain),
    );
  const alarms = connectionAlarmStates(scope, {
    connectionIdPath: '$.names.connectionId',
    topicArn: d.alarmTopicArn,
    alarmArns: d.alarmArns,
  });
  registerManaged.next(createService);
  registerPlain.next(createService);
  createService.next(alarms.put);
  // The alarms go first, so a bridge being stopped does not page as disconnected. A connection
  // provisioned before it had alarms has none to delete (ResourceNotFound): the teardown goes on.
  alarms.remove.addCatch(drain, { errors: ['States.ALL'], resultPath: '$.alarmsError' });
  // The queue is kept on deletion: it may still hold orders, and it expires with its messages.
  const deleted = alarms.remove.next(drain);
  drain.next(deleteService).next(deletePolicy).next(deleteRole);
  const definition = names.next(
    new sfn.Choice(scope, 'Event')
      .when(sfn.Condition.stringEquals('$.detail-type', 'connection.created'), created)
      .when(sfn.Condition.stringEquals('$.detail-type', 'connection.deleted'), deleted)
      .otherwise(new sfn.Succeed(scope, 'Ignored')),
  );
  return definition;
}

function rolePolicyParameters(): Record<string, unknown> {
  return {
    RoleName: sfn.JsonPath.stringAt('$.names.roleName'),
    PolicyName: 'bridge',
    PolicyDocument: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.names.policy')),
  };
}
