import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { projectRoot } from '../topology.ts';
import { singletonService } from './singleton-service.ts';
import type { BridgeNetwork } from './bridge.ts';

export interface StrategyHostProps {
  /** The bridges' VPC and cluster: the host reaches AWS the same way, and the IB gateway for history. */
  readonly network: BridgeNetwork;
  readonly table: dynamodb.ITable;
  /** Strategies place orders through the same queue as POST /orders. */
  readonly ordersQueue: sqs.IQueue;
  /** Fed by the `oms-events-to-strategies` rule. */
  readonly eventsQueue: sqs.IQueue;
  /** Resource names under the topology's env var names, and the application settings. */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The strategy host (strategies/main.ts) as one Fargate task. Fargate rather than Lambda: the
 * host is long-running by nature (quotes polled twice a second, timers, one sandbox process per
 * tenant kept warm with each strategy's QuickJS instance), which a function re-creating its
 * sandboxes per invocation could not serve (docs/strategies.md, "In AWS").
 */
export class StrategyHost extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: StrategyHostProps) {
    super(scope, id);
    const { vpc, cluster } = props.network;

    // Each tenant's sandbox process may take 128 MiB of V8 heap plus 64 MiB of WebAssembly
    // memory per strategy; 2 GiB holds a handful of busy tenants beside the host itself.
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 2048,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.taskDefinition.addContainer('host', {
      image: ecs.ContainerImage.fromAsset(projectRoot, {
        file: 'strategies/Dockerfile',
        platform: Platform.LINUX_ARM64,
        // Added to the root .dockerignore's allow-list: the host's image needs no bridge.
        exclude: ['ib-bridge'],
      }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'strategy-host', logGroup }),
      environment: props.environment,
      // The host drains the callbacks in flight and stops its sandboxes on SIGTERM.
      stopTimeout: Duration.seconds(30),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only resource names and queue URLs and the application settings, none of them ' +
        'secrets; the sandbox processes the host forks get PATH alone.',
    });

    // One host: two would both run every strategy (idempotency keys stop double orders, but
    // their state saves would race).
    this.service = singletonService(this, {
      cluster,
      vpc,
      taskDefinition: this.taskDefinition,
      description: 'Strategy host: no inbound; outbound to AWS APIs and the IB gateway (historical bars)',
      imageName: 'host',
    });

    // Least privilege: the table (strategies, orders, positions, quotes, subscriptions), sending
    // to the orders queue, consuming its own queue. No bus access: strategy events leave through
    // the outbox like every other state change.
    const role = this.taskDefinition.taskRole;
    props.table.grantReadWriteData(role);
    props.ordersQueue.grantSendMessages(role);
    props.eventsQueue.grantConsumeMessages(role);
  }
}
