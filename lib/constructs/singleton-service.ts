/**
 * A Fargate service that must never run two tasks at once (a bridge holding an IB socket, the
 * strategy host running every strategy): the old task stops before its replacement starts.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';

export interface SingletonServiceProps {
  cluster: ecs.ICluster;
  vpc: ec2.IVpc;
  taskDefinition: ecs.FargateTaskDefinition;
  /** The security group's description: what the task talks to. */
  description: string;
  /** What the image is, for the reason given to cdk-nag. */
  imageName: string;
}

/** The service in private subnets, no inbound traffic, with the one cdk-nag finding ECS imposes acknowledged. */
export function singletonService(scope: Construct, props: SingletonServiceProps): ecs.FargateService {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    description: props.description,
    allowAllOutbound: true,
  });
  const service = new ecs.FargateService(scope, 'Service', {
    cluster: props.cluster,
    taskDefinition: props.taskDefinition,
    desiredCount: 1,
    minHealthyPercent: 0,
    maxHealthyPercent: 100,
    circuitBreaker: { rollback: true },
    assignPublicIp: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [securityGroup],
  });
  const executionPolicy = props.taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy');
  if (executionPolicy) {
    Validations.of(executionPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `ecr:GetAuthorizationToken, which ECS needs to pull the ${props.imageName} image, does not support ` +
        'resource-level permissions; the image pull actions themselves are scoped to the asset repository.',
    });
  }
  return service;
}
