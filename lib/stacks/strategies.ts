import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BridgeNetwork } from '../constructs/bridge.ts';
import { StrategyHost } from '../constructs/strategy-host.ts';
import { acknowledgeGrantWildcards, type GrantTargets } from '../grants.ts';

export interface StrategiesStackProps extends StackProps {
  readonly network: BridgeNetwork;
  readonly targets: GrantTargets;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/** The strategy host service, on the bridges' network (a stack of its own so the bridge stack stays the IB side). */
export class StrategiesStack extends Stack {
  readonly host: StrategyHost;

  constructor(scope: Construct, id: string, props: StrategiesStackProps) {
    super(scope, id, props);
    this.host = new StrategyHost(this, 'Host', {
      network: props.network,
      table: props.targets.table,
      ordersQueue: props.targets.queues.orders.queue,
      eventsQueue: props.targets.queues.strategies.queue,
      environment: props.environment,
      logRetention: props.logRetention,
    });
    acknowledgeGrantWildcards(this, props.targets);
  }
}
