import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iamPolicy from 'aws-cdk-lib/aws-iam';
import { connectionQueuePrefix } from '../core/topology.ts';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { QueuePair } from './constructs/messaging.ts';
import type { Access, QueueKey, Topology } from './topology.ts';

/** The shared resources a handler's `access` list refers to. */
export interface GrantTargets {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly queues: Readonly<Record<QueueKey, QueuePair>>;
  readonly bus: events.IEventBus;
  readonly userPool: cognito.IUserPool;
  readonly indexes: Topology['table']['indexes'];
}

/** Grants `role` exactly what `access` lists (least privilege), and nothing else. */
export function grantAccess(role: iam.IRole, access: ReadonlySet<Access>, targets: GrantTargets): void {
  const { table } = targets;
  if (access.has('table:read') && access.has('table:write')) table.grantReadWriteData(role);
  else if (access.has('table:read')) table.grantReadData(role);
  else if (access.has('table:write')) table.grantWriteData(role);
  const queueGrant = (key: QueueKey) => targets.queues[key].queue.grantSendMessages(role);
  if (access.has('orders:send')) {
    queueGrant('orders');
    // Orders go to their connection's queue, created at run time by the provisioner.
    role.addToPrincipalPolicy(
      new iamPolicy.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
        resources: [connectionQueueArns(Stack.of(role))],
      }),
    );
  }
  if (access.has('webhooks:send')) queueGrant('webhooks');
  if (access.has('backtests:send')) queueGrant('backtests');
  if (access.has('events:put')) targets.bus.grantPutEventsTo(role);
  if (access.has('users:manage')) {
    targets.userPool.grant(
      role,
      'cognito-idp:AdminCreateUser',
      // Undoes the admin of a tenant whose creation failed (creation is all or nothing).
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:ListUsers',
    );
  }
}

/**
 * CDK's grant methods produce wildcards that are still scoped to the OMS's own resources:
 * `<table>/index/*` covers the table's GSIs, and KMS `GenerateDataKey*` / `ReEncrypt*` are the
 * action families DynamoDB and SQS need for envelope encryption with the data key. Acknowledged
 * on every stack whose roles receive such grants; the table's ARN appears as the reference the
 * stack holds (a cross-stack import, or the table's logical id in its own stack).
 */
export function acknowledgeGrantWildcards(
  stack: Stack,
  targets: Pick<GrantTargets, 'table' | 'key' | 'indexes'>,
): void {
  const keyId = JSON.stringify(Stack.of(targets.key).resolve(targets.key.keyId));
  const findings: [string, string][] = [
    [
      `AwsSolutions-IAM5[Resource::${arnAsSeenFrom(stack, targets.table)}/index/*]`,
      `Queries go through the table’s own GSIs (${targets.indexes.map((i) => i.name).join(', ')}); the wildcard is limited to indexes of this one table.`,
    ],
    [
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      `Envelope encryption with the single data key (${keyId}) needs GenerateDataKey and GenerateDataKeyWithoutPlaintext; the resource is that key only.`,
    ],
    [
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      `DynamoDB re-encrypts under the data key (${keyId}) on key rotation; CDK’s table grant includes ReEncryptFrom/To on that key only.`,
    ],
    [
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:${nagPart(stack, stack.region, 'AWS::Region')}:${nagPart(stack, stack.account, 'AWS::AccountId')}:${connectionQueuePrefix}*]`,
      'Each broker connection has its own orders queue, created at run time (oms-orders-c<id>.fifo); the API sends an order only to the queue of the connection that owns its account.',
    ],
  ];
  for (const [id, reason] of findings) Validations.of(stack).acknowledge({ id, reason });
}

/**
 * The table's ARN as cdk-nag names it in `stack`: `<Logical.Arn>` in the table's own stack, the
 * export's name in any other (the same export CDK creates for the cross-stack reference).
 */
function arnAsSeenFrom(stack: Stack, table: dynamodb.ITable): string {
  const producer = Stack.of(table);
  if (producer === stack) {
    return `<${producer.getLogicalId(table.node.defaultChild as never)}.Arn>`;
  }
  const imported = producer.resolve(producer.exportValue(table.tableArn)) as { 'Fn::ImportValue': string };
  return imported['Fn::ImportValue'];
}

/** Every connection's orders queue in the stack's account and region. */
export function connectionQueueArns(stack: Stack): string {
  return `arn:${Aws.PARTITION}:sqs:${stack.region}:${stack.account}:${connectionQueuePrefix}*`;
}

/** A region or account as cdk-nag writes it: the value, or `<AWS::Region>` when it is a token. */
function nagPart(stack: Stack, value: string, pseudo: string): string {
  const resolved: unknown = stack.resolve(value);
  return typeof resolved === 'string' ? resolved : `<${pseudo}>`;
}
