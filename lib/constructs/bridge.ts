import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { projectRoot } from '../topology.ts';
import { singletonService } from './singleton-service.ts';

/** Where the bridge finds the IB Gateway / TWS; strings because they may be CloudFormation parameter tokens. */
export interface IbGatewaySettings {
  readonly host: string;
  readonly port: string;
  readonly clientId: string;
  readonly account: string;
}

export interface BridgeProps {
  /** The VPC and cluster every bridge of the deployment runs in. */
  readonly network: BridgeNetwork;
  readonly table: dynamodb.ITable;
  readonly ordersQueue: sqs.IQueue;
  readonly bus: events.IEventBus;
  /** Extra environment (resource names under the topology's env var names). */
  readonly environment: Record<string, string>;
  readonly ib: IbGatewaySettings;
  readonly logRetention: logs.RetentionDays;
}

/** Port of the bridge's `GET /health` endpoint. */
export const BRIDGE_HEALTH_PORT = 8080;

/** The network the bridges share: a VPC with one NAT gateway, and the ECS cluster. */
export class BridgeNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Two AZs so the subnets exist if the task must move, but one NAT gateway: the bridge is a
    // single task, and a second NAT would double the fixed cost for little gain.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    // Free, and keeps the bridge's DynamoDB traffic off the NAT gateway's per-GB charge.
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
  }
}

/**
 * The IB bridge on Fargate: exactly one task, because IB allows one session per client id and
 * two bridges would race to place the same queued order.
 */
export class Bridge extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: BridgeProps) {
    super(scope, id);
    const { vpc, cluster } = props.network;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.taskDefinition.addContainer('bridge', {
      // The build context is the repository root: the image needs package.json, the lock file
      // and core/ next to ib-bridge/ (the root .dockerignore keeps the rest out).
      image: ecs.ContainerImage.fromAsset(projectRoot, {
        file: 'ib-bridge/Dockerfile',
        platform: Platform.LINUX_ARM64,
      }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'bridge', logGroup }),
      environment: {
        ...props.environment,
        IB_HOST: props.ib.host,
        IB_PORT: props.ib.port,
        IB_CLIENT_ID: props.ib.clientId,
        IB_ACCOUNT: props.ib.account,
        BRIDGE_HEALTH_PORT: String(BRIDGE_HEALTH_PORT),
        // Metrics as CloudWatch EMF on stdout (the awslogs driver). This is the house bridge of the
        // single-connection deployment: it names no connection record, so its metrics are labelled
        // `default` (a connection's own bridge gets OMS_CONNECTION_ID from the provisioner).
        OMS_METRICS: 'emf',
      },
      portMappings: [{ containerPort: BRIDGE_HEALTH_PORT }],
      healthCheck: {
        // node:24-slim has no curl; Node's fetch does the same job.
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${BRIDGE_HEALTH_PORT}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        // IB Gateway handshakes and order-id recovery take a while after a cold start.
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(30),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only resource names/URLs and the IB gateway host, port, client id and account ' +
        'number, none of them secrets; the IB login lives in the gateway, not in the bridge.',
    });

    // Two bridges must never hold the IB socket at once.
    this.service = singletonService(this, {
      cluster,
      vpc,
      taskDefinition: this.taskDefinition,
      description: 'IB bridge: no inbound; outbound to the IB gateway and AWS APIs',
      imageName: 'bridge',
    });

    props.table.grantReadWriteData(this.taskDefinition.taskRole);
    props.ordersQueue.grantConsumeMessages(this.taskDefinition.taskRole);
    props.bus.grantPutEventsTo(this.taskDefinition.taskRole);
  }
}
