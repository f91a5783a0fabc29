/**
 * Dashboards and alarms on the OMS's own metrics (adapters/metrics/catalog.ts, written as EMF by
 * the Lambdas and the bridge): per broker connection (disconnected, reconciliation mismatches,
 * pacing errors), the orders queue's age, API 5xx and latency, and the webhook failure rate.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRICS, type MetricKey } from '../../adapters/metrics/catalog.ts';
import type { QueuePair } from './messaging.ts';

/** The CloudWatch namespace and the `service` dimension Powertools adds to every EMF metric. */
export const OMS_METRICS_NAMESPACE = 'OMS';
export const OMS_SERVICE = 'oms';

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
  const alarm = (
    id: string,
    p: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
  ) => {
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
    alarm(`Disconnected${safe}`, {
      alarmDescription: `Broker connection ${connection} has had no reconciled session for 3 minutes (see docs/runbook.md)`,
      metric: omsMetric('bridgeConnected', dims, 'Maximum'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // No heartbeat at all is as bad as a disconnected one.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm(`ReconciliationMismatch${safe}`, {
      alarmDescription: `Positions differ between IB and the OMS on connection ${connection} (docs/runbook.md)`,
      metric: omsMetric('reconciliationMismatches', dims),
      threshold: 1,
      comparisonOperator: above,
      treatMissingData: notBreaching,
    });
    alarm(`PacingErrors${safe}`, {
      alarmDescription: `IB error 100 (message rate exceeded) on connection ${connection}`,
      metric: omsMetric('pacingErrors', dims),
      threshold: 1,
      comparisonOperator: above,
      treatMissingData: notBreaching,
    });
  }

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
