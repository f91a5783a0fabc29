import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** Names the provisioner gives a connection's resources; its grants are scoped to these prefixes. */
export const CONNECTION_NAMES = {
  role: 'oms-bridge-',
  service: 'bridge-',
  family: 'oms-bridge-',
  secret: 'oms/connections/',
} as const;

/** IB Gateway's API ports inside the container (live, paper), as ib-bridge/connection-config.ts expects. */
const MANAGED_GATEWAY_PORTS = { live: 4001, paper: 4002 } as const;

/** The containers of a connection's task, as ecs:RegisterTaskDefinition takes them (state machine JSONPath inside). */
export interface BridgeTaskInput {
  image: string;
  executionRoleArn: string;
  logGroup: string;
  region: string;
  environment: Record<string, string>;
  healthPort: number;
  /** The managed IB Gateway container, run beside the bridge. */
  sidecar?: Record<string, unknown>;
}

const logging = (logGroup: string, region: string, prefix: string) => ({
  LogDriver: 'awslogs',
  Options: { 'awslogs-group': logGroup, 'awslogs-region': region, 'awslogs-stream-prefix': prefix },
});

/** The parameters of ecs:RegisterTaskDefinition for one connection's bridge (and gateway). */
export function bridgeTaskDefinition(input: BridgeTaskInput): Record<string, unknown> {
  const bridge = {
    Name: 'bridge',
    Image: input.image,
    Essential: true,
    Environment: [
      ...Object.entries(input.environment).map(([Name, Value]) => ({ Name, Value })),
      { Name: 'OMS_CONNECTION_ID', Value: sfn.JsonPath.stringAt('$.names.connectionId') },
      // Metrics as CloudWatch EMF on stdout, labelled with the connection (docs/observability.md).
      { Name: 'OMS_METRICS', Value: 'emf' },
      { Name: 'BRIDGE_HEALTH_PORT', Value: String(input.healthPort) },
    ],
    LogConfiguration: logging(input.logGroup, input.region, 'bridge'),
    PortMappings: [{ ContainerPort: input.healthPort }],
    HealthCheck: {
      Command: [
        'CMD',
        'node',
        '-e',
        `fetch('http://127.0.0.1:${input.healthPort}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
      ],
      Interval: 30,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 60,
    },
    StopTimeout: 30,
    ...(input.sidecar ? { DependsOn: [{ ContainerName: 'ib-gateway', Condition: 'START' }] } : {}),
  };
  return {
    Family: sfn.JsonPath.stringAt('$.names.family'),
    NetworkMode: 'awsvpc',
    RequiresCompatibilities: ['FARGATE'],
    // IB Gateway is a Java desktop application: it needs a gigabyte or two; the bridge alone little.
    Cpu: input.sidecar ? '1024' : '256',
    Memory: input.sidecar ? '3072' : '512',
    RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    TaskRoleArn: sfn.JsonPath.stringAt('$.role.arn'),
    ExecutionRoleArn: input.executionRoleArn,
    ContainerDefinitions: input.sidecar ? [bridge, input.sidecar] : [bridge],
  };
}

/**
 * The ib-gateway container (the widely used gnzsnz/ib-gateway image, IBC inside) of a managed
 * connection. Its login is the connection's secret `oms/connections/<id>` (`username`,
 * `password`), injected by ECS: never in the table, the event or the logs. The bridge reaches it on
 * localhost (same task network); its ports are not exposed.
 */
export function managedGatewayContainer(
  image: string,
  logGroup: string,
  region: string,
): Record<string, unknown> {
  const secret = (key: string) =>
    sfn.JsonPath.format(
      `arn:aws:secretsmanager:${region}:{}:secret:oms/connections/{}:${key}::`,
      sfn.JsonPath.stringAt('$.account'),
      sfn.JsonPath.stringAt('$.names.connectionId'),
    );
  return {
    Name: 'ib-gateway',
    Image: image,
    Essential: true,
    Secrets: [
      { Name: 'TWS_USERID', ValueFrom: secret('username') },
      { Name: 'TWS_PASSWORD', ValueFrom: secret('password') },
    ],
    Environment: [
      { Name: 'TRADING_MODE', Value: sfn.JsonPath.stringAt('$.tradingMode') },
      { Name: 'READ_ONLY_API', Value: 'no' },
      // The gateway restarts daily at this time; the bridge reconnects and reconciles.
      { Name: 'AUTO_RESTART_TIME', Value: '11:59 PM' },
    ],
    LogConfiguration: logging(logGroup, region, 'ib-gateway'),
    // API ports stay inside the task; listed for documentation only.
    PortMappings: [
      { ContainerPort: MANAGED_GATEWAY_PORTS.live },
      { ContainerPort: MANAGED_GATEWAY_PORTS.paper },
    ],
  };
}

/** A resolved CloudFormation value written as cdk-nag names it in a finding (`<Logical.Attr>`, `<AWS::Partition>`). */
export function nagName(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (typeof v['Fn::ImportValue'] === 'string') return v['Fn::ImportValue'];
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(nagName).join(separator);
  }
  return JSON.stringify(value);
}
