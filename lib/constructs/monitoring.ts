import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.ts';
import type { QueuePair } from './messaging.ts';
import { addOmsAlarms } from './oms-alarms.ts';

export interface MonitoringProps {
  readonly api: apigw.HttpApi;
  readonly functions: readonly HandlerFunction[];
  readonly queues: Readonly<Record<string, QueuePair>>;
  readonly table: dynamodb.Table;
  readonly bridge: ecs.FargateService;
  readonly key: kms.IKey;
  /** Address that receives alarm notifications; none subscribes when omitted. */
  readonly alarmEmail?: string | undefined;
  /** The alarm topic's name, when others must address it by name (the provisioner's alarms). */
  readonly alarmTopicName?: string;
  /** Broker connection ids with a dashboard row and alarms each; `default` when omitted. */
  readonly connections?: readonly string[];
}

/** The operations dashboard and the alarms that page someone. */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(1);

    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      masterKey: props.key,
      enforceSSL: true,
      ...(props.alarmTopicName ? { topicName: props.alarmTopicName } : {}),
    });
    // CloudWatch publishes to the encrypted topic, so it must be able to use the key.
    props.key.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API errors',
        left: [
          props.api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency',
        left: [
          props.api.metricLatency({ period, statistic: 'p50', label: 'p50' }),
          props.api.metricLatency({ period, statistic: 'p99', label: 'p99' }),
          props.api.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration p99' }),
        ],
        width: 12,
      }),
    );

    const byHandler = (f: HandlerFunction) => f.handler.replace(/^functions\//, '');
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map((f) =>
          f.fn.metricErrors({ period, statistic: 'Sum', label: byHandler(f) }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: props.functions.map((f) =>
          f.fn.metricThrottles({ period, statistic: 'Sum', label: byHandler(f) }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p99',
        left: props.functions.map((f) =>
          f.fn.metricDuration({ period, statistic: 'p99', label: byHandler(f) }),
        ),
        width: 8,
      }),
    );

    const queueEntries = Object.entries(props.queues);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue depth (visible messages)',
        left: queueEntries.flatMap(([name, pair]) => [
          pair.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
          pair.dlq.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: `${name} DLQ`,
          }),
        ]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of oldest message (s)',
        left: queueEntries.flatMap(([name, pair]) => [
          pair.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: name }),
          pair.dlq.metricApproximateAgeOfOldestMessage({
            period,
            statistic: 'Maximum',
            label: `${name} DLQ`,
          }),
        ]),
        width: 12,
      }),
    );

    const tableMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        period,
        statistic: 'Sum',
      });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttles',
        left: [tableMetric('ReadThrottleEvents'), tableMetric('WriteThrottleEvents')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'IB bridge CPU and memory (%)',
        left: [
          props.bridge.metricCpuUtilization({ period, label: 'CPU' }),
          props.bridge.metricMemoryUtilization({ period, label: 'memory' }),
        ],
        width: 12,
      }),
    );

    for (const [name, pair] of queueEntries) {
      const alarm = new cloudwatch.Alarm(this, `${name.charAt(0).toUpperCase()}${name.slice(1)}DlqAlarm`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: something failed ${name} processing repeatedly`,
        metric: pair.dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(alarm);
    }
    this.alarms.push(
      ...addOmsAlarms(this, {
        api: props.api,
        queues: props.queues,
        dashboard: this.dashboard,
        topic: this.alarmTopic,
        connections: props.connections ?? ['default'],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
