/**
 * The alarms every broker connection gets, declared once: `oms-alarms.ts` builds them as CDK alarms
 * for the connections declared at deploy time, and the provisioner state machine puts the same
 * alarms with cloudwatch:PutMetricAlarm for each connection created at run time (POST
 * /api/v1/connections), and deletes them when the connection is deleted.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { METRICS, type MetricKey } from '../../adapters/metrics/catalog.ts';

/** The CloudWatch namespace and the `service` dimension Powertools adds to every EMF metric. */
export const OMS_METRICS_NAMESPACE = 'OMS';
export const OMS_SERVICE = 'oms';

/** Every alarm the provisioner manages is named `oms-connection-<connection>-<suffix>`; its IAM grant is this prefix. */
export const CONNECTION_ALARM_PREFIX = 'oms-connection-';

export interface ConnectionAlarmSpec {
  /** Construct id prefix of the deploy-time alarm (`<id><Connection>`), kept stable for existing stacks. */
  readonly id: string;
  /** Last part of the run-time alarm's name. */
  readonly suffix: string;
  /** The description, with `{}` where the connection id goes (Step Functions' States.Format). */
  readonly description: string;
  readonly metric: MetricKey;
  readonly statistic: 'Maximum' | 'Minimum' | 'Sum';
  readonly threshold: number;
  /** CloudWatch's own names, as PutMetricAlarm and CloudFormation take them. */
  readonly comparison: 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly evaluationPeriods: number;
  readonly treatMissingData: 'breaching' | 'notBreaching';
}

/** One-minute periods, as the EMF metrics are written by the heartbeat and per event. */
export const CONNECTION_ALARM_PERIOD_SECONDS = 60;

export const CONNECTION_ALARMS: readonly ConnectionAlarmSpec[] = [
  {
    id: 'Disconnected',
    suffix: 'disconnected',
    description: 'Broker connection {} has had no reconciled session for 3 minutes (see docs/runbook.md)',
    metric: 'bridgeConnected',
    statistic: 'Maximum',
    threshold: 1,
    comparison: 'LessThanThreshold',
    evaluationPeriods: 3,
    // No heartbeat at all is as bad as a disconnected one.
    treatMissingData: 'breaching',
  },
  {
    id: 'ReconciliationMismatch',
    suffix: 'reconciliation-mismatch',
    description: 'Positions differ between IB and the OMS on connection {} (docs/runbook.md)',
    metric: 'reconciliationMismatches',
    statistic: 'Sum',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  },
  {
    id: 'PacingErrors',
    suffix: 'pacing-errors',
    description: 'IB error 100 (message rate exceeded) on connection {}',
    metric: 'pacingErrors',
    statistic: 'Sum',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  },
];

/** The description of `spec`'s alarm for one connection known at synth. */
export function describeFor(spec: ConnectionAlarmSpec, connection: string): string {
  return spec.description.replace('{}', connection);
}

/** The name the provisioner gives `spec`'s alarm of `connection`. */
export function connectionAlarmName(spec: ConnectionAlarmSpec, connection: string): string {
  return `${CONNECTION_ALARM_PREFIX}${connection}-${spec.suffix}`;
}

export interface AlarmStatesProps {
  /** JSONPath of the connection id in the state input. */
  readonly connectionIdPath: string;
  /** The SNS topic every connection alarm notifies. */
  readonly topicArn: string;
  /** ARN pattern of the connection alarms (the IAM resource of both calls). */
  readonly alarmArns: string;
}

/**
 * The provisioner's alarm states: `put` chains one PutMetricAlarm per spec (idempotent: a run
 * repeated after a failure overwrites them), `remove` is one DeleteAlarms of all of them.
 */
export function connectionAlarmStates(
  scope: Construct,
  props: AlarmStatesProps,
): { put: sfn.Chain; remove: tasks.CallAwsService } {
  const id$ = sfn.JsonPath.stringAt(props.connectionIdPath);
  const nameOf = (spec: ConnectionAlarmSpec) =>
    sfn.JsonPath.format(`${CONNECTION_ALARM_PREFIX}{}-${spec.suffix}`, id$);
  const puts = CONNECTION_ALARMS.map(
    (spec) =>
      new tasks.CallAwsService(scope, `PutAlarm${spec.id}`, {
        service: 'cloudwatch',
        action: 'putMetricAlarm',
        parameters: {
          AlarmName: nameOf(spec),
          AlarmDescription: sfn.JsonPath.format(spec.description, id$),
          Namespace: OMS_METRICS_NAMESPACE,
          MetricName: METRICS[spec.metric].name,
          Dimensions: [
            { Name: 'service', Value: OMS_SERVICE },
            { Name: 'connection', Value: id$ },
          ],
          Statistic: spec.statistic,
          Period: CONNECTION_ALARM_PERIOD_SECONDS,
          EvaluationPeriods: spec.evaluationPeriods,
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparison,
          TreatMissingData: spec.treatMissingData,
          ActionsEnabled: true,
          AlarmActions: [props.topicArn],
        },
        iamResources: [props.alarmArns],
        resultPath: sfn.JsonPath.DISCARD,
      }),
  );
  const [first, ...rest] = puts;
  if (!first) throw new Error('CONNECTION_ALARMS is empty');
  const put = rest.reduce<sfn.Chain>((chain, next) => chain.next(next), sfn.Chain.start(first));
  const remove = new tasks.CallAwsService(scope, 'DeleteAlarms', {
    service: 'cloudwatch',
    action: 'deleteAlarms',
    parameters: { AlarmNames: sfn.JsonPath.array(...CONNECTION_ALARMS.map(nameOf)) },
    iamResources: [props.alarmArns],
    resultPath: sfn.JsonPath.DISCARD,
  });
  return { put, remove };
}
