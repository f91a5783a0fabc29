/**
 * Dashboards and alarms on the OMS's own metrics (adapters/metrics/catalog.ts, written as EMF by
 * the Lambdas and the bridge): per broker connection (disconnected, reconciliation mismatches,
 * pacing errors), the orders queue's age, API 5xx and latency, and the webhook failure rate.
 * Connections created at run time get their alarms from the provisioner (connection-alarms.ts);
 * the all-connections alarms and graphs here cover them too.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRICS, type MetricKey } from '../../adapters/metrics/catalog.ts';
import {
  CONNECTION_ALARM_PERIOD_SECONDS,
  CONNECTION_ALARMS,
  describeFor,
  OMS_METRICS_NAMESPACE,
  OMS_SERVICE,
} from './connection-alarms.ts';
import type { QueuePair } from './messaging.ts';

// Still exported from here, where they were declared before connection-alarms.ts.
export { OMS_METRICS_NAMESPACE, OMS_SERVICE };

export interface OmsAlarmsProps {
  readonly api: apigw.HttpApi;
  readonly queues: Readonly<Record<string, QueuePair>>;
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic: sns.ITopic;
  /** Broker connection ids (the bridges' OMS_CONNECTION_ID). */
  readonly connections: readonly string[];
}

function omsMetric(key: MetricKey, dimensions: Record<string, string>, statistic = 'Sum') {
  return new cloudwatch.Metric({
    namespace: OMS_METRICS_NAMESPACE,
    metricName: METRICS[key].name,
    dimensionsMap: { service: OMS_SERVICE, ...dimensions },
    period: Duration.minutes(1),
    statistic,
  });
}

/** Adds the OMS widgets and alarms to `scope`'s dashboard; returns the alarms. */
export function addOmsAlarms(scope: Construct, props: OmsAlarmsProps): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const alarm: AddAlarm = (id, p) => {
    const a = new cloudwatch.Alarm(scope, id, { evaluationPeriods: 1, ...p });
    a.addAlarmAction(new actions.SnsAction(props.topic));
    alarms.push(a);
    return a;
  };
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
  const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;

  for (const connection of props.connections) {
    const dims = { connection };
    const safe = connection.replace(/[^A-Za-z0-9]/g, '');
    props.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Connection ${connection}: connected, pacing, lines`,
        left: [
          omsMetric('bridgeConnected', dims, 'Minimum'),
          omsMetric('marketDataLines', dims, 'Maximum'),
          omsMetric('pacingTokens', dims, 'Minimum'),
        ],
        right: [omsMetric('pacingErrors', dims), omsMetric('reconciliationMismatches', dims)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `Connection ${connection}: fills, rejects, latency (s)`,
        left: [omsMetric('fills', dims)],
        right: [omsMetric('orderToWire', dims, 'p99'), omsMetric('fillToEvent', dims, 'p99')],
        width: 12,
      }),
    );
    for (const spec of CONNECTION_ALARMS) {
      alarm(`${spec.id}${safe}`, {
        alarmDescription: describeFor(spec, connection),
        metric: omsMetric(spec.metric, dims, spec.statistic).with({
          period: Duration.seconds(CONNECTION_ALARM_PERIOD_SECONDS),
        }),
        threshold: spec.threshold,
        comparisonOperator: spec.comparison as cloudwatch.ComparisonOperator,
        evaluationPeriods: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData as cloudwatch.TreatMissingData,
      });
    }
  }
  addAllConnections(props.dashboard, alarm);

  const orders = props.queues.orders;
  if (orders) {
    alarm('OrdersQueueAge', {
      alarmDescription: 'An order command has waited over 60 s: no bridge is taking the queue (stuck order?)',
      metric: orders.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 60,
      comparisonOperator: above,
      evaluationPeriods: 2,
      treatMissingData: notBreaching,
    });
  }
  alarm('Api5xx', {
    alarmDescription: 'The API answered 5xx to 5 or more requests in a minute',
    metric: props.api.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
    threshold: 5,
    comparisonOperator: above,
    evaluationPeriods: 2,
    treatMissingData: notBreaching,
  });
  alarm('ApiLatency', {
    alarmDescription: 'API p99 latency above 2 s for 5 minutes',
    metric: props.api.metricLatency({ period: Duration.minutes(1), statistic: 'p99' }),
    threshold: 2000,
    comparisonOperator: above,
    evaluationPeriods: 5,
    treatMissingData: notBreaching,
  });
  const failed = omsMetric('webhookDeliveries', { outcome: 'failed' });
  const dead = omsMetric('webhookDeliveries', { outcome: 'dead_lettered' });
  const ok = omsMetric('webhookDeliveries', { outcome: 'succeeded' });
  const failureRate = new cloudwatch.MathExpression({
    expression: 'IF(failed + dead + ok > 0, (failed + dead) / (failed + dead + ok), 0)',
    usingMetrics: { failed, dead, ok },
    label: 'webhook failure rate',
    period: Duration.minutes(5),
  });
  alarm('WebhookFailureRate', {
    alarmDescription: 'Over half of the webhook attempts failed for 15 minutes',
    metric: failureRate,
    threshold: 0.5,
    comparisonOperator: above,
    evaluationPeriods: 3,
    treatMissingData: notBreaching,
  });
  props.dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Orders accepted / rejected',
      left: [omsMetric('ordersAccepted', {})],
      width: 8,
    }),
    new cloudwatch.GraphWidget({ title: 'Webhook deliveries', left: [ok, failed, dead], width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Webhook failure rate', left: [failureRate], width: 8 }),
  );
  return alarms;
}

type AddAlarm = (
  id: string,
  p: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
) => cloudwatch.Alarm;

/**
 * Every connection at once, whether declared at deploy time or created at run time. The EMF
 * lines carry one dimension set, {service, connection}, so there is no connection-less metric to
 * alarm on: a Metrics Insights query aggregates over that schema instead (one time series, as an
 * alarm needs), and the graphs SEARCH it, so a new connection shows up without a deployment.
 */
function addAllConnections(dashboard: cloudwatch.Dashboard, alarm: AddAlarm): void {
  const period = Duration.minutes(1);
  const schema = `SCHEMA("${OMS_METRICS_NAMESPACE}", connection, service)`;
  const insights = (fn: 'MIN' | 'SUM', key: MetricKey, label: string) =>
    new cloudwatch.MathExpression({
      expression: `SELECT ${fn}(${METRICS[key].name}) FROM ${schema}`,
      usingMetrics: {},
      label,
      period,
    });
  const search = (key: MetricKey, statistic: string) =>
    new cloudwatch.SearchExpression({
      expression: `SEARCH('{${OMS_METRICS_NAMESPACE},connection,service} MetricName="${METRICS[key].name}"', '${statistic}', ${period.toSeconds()})`,
      period,
    });
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
  const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;

  // Longer than a connection's own alarm (3 min): a short outage pages once, by its connection.
  alarm('AnyConnectionDisconnected', {
    alarmDescription:
      'Some broker connection has reported itself disconnected for 5 minutes (any connection, including those created at run time; docs/runbook.md)',
    metric: insights('MIN', 'bridgeConnected', 'lowest oms_bridge_connected'),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 5,
    // A connection that reports nothing is its own alarm's case (missing data breaches there).
    treatMissingData: notBreaching,
  });
  alarm('AnyConnectionReconciliationMismatch', {
    alarmDescription:
      'Positions differ between IB and the OMS on some connection (all connections; docs/runbook.md)',
    metric: insights('SUM', 'reconciliationMismatches', 'reconciliation mismatches'),
    threshold: 1,
    comparisonOperator: above,
    treatMissingData: notBreaching,
  });
  alarm('AnyConnectionPacingErrors', {
    alarmDescription: 'IB error 100 (message rate exceeded) on some connection (all connections)',
    metric: insights('SUM', 'pacingErrors', 'pacing errors'),
    threshold: 1,
    comparisonOperator: above,
    treatMissingData: notBreaching,
  });

  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'All connections: connected (1) or not (0)',
      left: [search('bridgeConnected', 'Minimum')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'All connections: pacing errors, reconciliation mismatches',
      left: [search('pacingErrors', 'Sum'), search('reconciliationMismatches', 'Sum')],
      width: 12,
    }),
  );
}
