import { ArnFormat, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Bridge, BridgeNetwork, type IbGatewaySettings } from '../constructs/bridge.ts';
import { ConnectionProvisioner } from '../constructs/connection-provisioner.ts';
import { acknowledgeGrantWildcards, type GrantTargets } from '../grants.ts';

export interface BridgeStackProps extends StackProps {
  readonly targets: GrantTargets;
  /** Settings and resource names for the bridge. */
  readonly environment: Record<string, string>;
  /** Defaults for the IB gateway CloudFormation parameters (overridable at deploy time). */
  readonly ib: Partial<IbGatewaySettings>;
  readonly logRetention: logs.RetentionDays;
  /**
   * Name of the Monitoring stack's alarm topic, which the alarms of connections created at run
   * time notify. A name, not a reference: the Monitoring stack already depends on this one.
   */
  readonly alarmTopicName: string;
}

/**
 * The IB side: the network and the bridge service. One network serves every bridge; a bridge
 * per broker connection is one more `Bridge` on `network` here, with its own gateway settings.
 */
export class BridgeStack extends Stack {
  readonly network: BridgeNetwork;
  readonly bridge: Bridge;
  /** Creates each broker connection's queue, task role and ECS service (docs/connections.md). */
  readonly connections: ConnectionProvisioner;

  constructor(scope: Construct, id: string, props: BridgeStackProps) {
    super(scope, id, props);
    this.network = new BridgeNetwork(this, 'Network');
    this.bridge = new Bridge(this, 'Bridge', {
      network: this.network,
      table: props.targets.table,
      ordersQueue: props.targets.queues.orders.queue,
      bus: props.targets.bus,
      environment: props.environment,
      ib: this.ibParameters(props.ib),
      logRetention: props.logRetention,
    });
    this.connections = new ConnectionProvisioner(this, 'Connections', {
      network: this.network,
      table: props.targets.table,
      key: props.targets.key,
      bus: props.targets.bus,
      environment: props.environment,
      logRetention: props.logRetention,
      alarmTopicArn: this.formatArn({
        service: 'sns',
        resource: props.alarmTopicName,
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      }),
    });
    acknowledgeGrantWildcards(this, props.targets);
  }

  private ibParameters(defaults: Partial<IbGatewaySettings>): IbGatewaySettings {
    const param = (id: string, description: string, fallback: string | undefined) =>
      new CfnParameter(this, id, {
        type: 'String',
        description,
        ...(fallback !== undefined ? { default: fallback } : {}),
      }).valueAsString;
    return {
      host: param('IbHost', 'Host name or IP of the IB Gateway / TWS the bridge connects to', defaults.host),
      port: param(
        'IbPort',
        'API port of the IB Gateway / TWS (4002 paper gateway, 4001 live gateway)',
        defaults.port ?? '4002',
      ),
      clientId: param('IbClientId', 'IB API client id reserved for the bridge', defaults.clientId ?? '1'),
      account: param(
        'IbAccount',
        'IB account the bridge trades (empty: the gateway’s only account)',
        defaults.account ?? '',
      ),
    };
  }
}
