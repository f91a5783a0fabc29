/**
 * Every metric the OMS emits, declared once: the Prometheus registry (local) and the CloudWatch
 * EMF writer (AWS) both read this list, so a metric has the same name and labels in both runtimes,
 * and the CDK dashboards and alarms name the same metrics.
 */

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly kind: MetricKind;
  readonly help: string;
  readonly labels: readonly string[];
  /** CloudWatch unit; histograms in seconds. */
  readonly unit: 'Count' | 'Seconds';
  /** Histogram buckets (seconds). */
  readonly buckets?: readonly number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const AGE_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] as const;

function counter(name: string, help: string, labels: readonly string[] = []) {
  return { name, kind: 'counter', help, labels, unit: 'Count' } as const satisfies MetricSpec;
}
function gauge(name: string, help: string, labels: readonly string[] = []) {
  return { name, kind: 'gauge', help, labels, unit: 'Count' } as const satisfies MetricSpec;
}
function histogram(name: string, help: string, labels: readonly string[], buckets: readonly number[]) {
  return { name, kind: 'histogram', help, labels, unit: 'Seconds', buckets } as const satisfies MetricSpec;
}

export const METRICS = {
  ordersAccepted: counter('oms_orders_accepted_total', 'Orders accepted by pre-trade risk and queued'),
  ordersRejected: counter(
    'oms_orders_rejected_total',
    'Orders refused at POST /orders, by problem code (risk denials and invalid requests)',
    ['code'],
  ),
  brokerRejects: counter('oms_broker_rejects_total', 'Orders the broker rejected, by IB error code', [
    'connection',
    'ib_code',
  ]),
  fills: counter('oms_fills_total', 'Executions applied (each execId once)', ['connection']),
  orderToWire: histogram(
    'oms_order_to_wire_seconds',
    'From the order being accepted to its placement being written to the broker socket',
    ['connection'],
    LATENCY_BUCKETS,
  ),
  fillToEvent: histogram(
    'oms_fill_to_event_seconds',
    "From the broker's execution report arriving to the fill and its event being committed",
    ['connection'],
    LATENCY_BUCKETS,
  ),
  bridgeConnected: gauge('oms_bridge_connected', '1 while the bridge holds a reconciled broker session', [
    'connection',
  ]),
  pacingTokens: gauge('oms_pacing_tokens_available', 'Messages the bridge may send to IB right now', [
    'connection',
  ]),
  pacingErrors: counter('oms_pacing_errors_total', 'IB error 100 (message rate exceeded)', ['connection']),
  reconciliationMismatches: counter(
    'oms_reconciliation_mismatches_total',
    'Positions that differed between the broker and the OMS at reconciliation',
    ['connection'],
  ),
  marketDataLines: gauge('oms_marketdata_lines_in_use', 'Market-data lines open at the broker', [
    'connection',
  ]),
  webhookDeliveries: counter(
    'oms_webhook_deliveries_total',
    'Webhook delivery attempts, by outcome (succeeded, failed, dead_lettered, skipped)',
    ['outcome'],
  ),
  streamConnections: counter(
    'oms_stream_connections_total',
    'WebSocket stream connections opened and closed (open = opened - closed)',
    ['event'],
  ),
  queueAge: histogram(
    'oms_queue_message_age_seconds',
    'Age of a queue message when a consumer receives it',
    ['queue'],
    AGE_BUCKETS,
  ),
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;
type KeysOf<K extends MetricKind> = {
  [P in MetricKey]: (typeof METRICS)[P]['kind'] extends K ? P : never;
}[MetricKey];
export type CounterKey = KeysOf<'counter'>;
export type GaugeKey = KeysOf<'gauge'>;
export type HistogramKey = KeysOf<'histogram'>;
export type Labels = Readonly<Record<string, string | number>>;
