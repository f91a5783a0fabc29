/**
 * The metrics port: handlers and the bridge count, observe and set named metrics (catalog.ts);
 * a Prometheus registry serves them locally (`GET /metrics`), Powertools Metrics writes them as
 * CloudWatch EMF in AWS. `OMS_METRICS=emf|prometheus` chooses; Lambda defaults to EMF.
 */
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  METRICS,
  type CounterKey,
  type GaugeKey,
  type HistogramKey,
  type Labels,
  type MetricKey,
} from './catalog.ts';

export { METRICS } from './catalog.ts';
export type { CounterKey, GaugeKey, HistogramKey, Labels, MetricKey, MetricSpec } from './catalog.ts';

/** What code that measures sees. */
export interface MetricsPort {
  count(metric: CounterKey, labels?: Labels, by?: number): void;
  observe(metric: HistogramKey, value: number, labels?: Labels): void;
  set(metric: GaugeKey, value: number, labels?: Labels): void;
}

/** The environment variable naming the broker connection a bridge serves (its `connection` label). */
export const CONNECTION_ENV = 'OMS_CONNECTION_ID';

/** The connection label of this process: OMS_CONNECTION_ID, else `default`. */
export function connectionLabel(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONNECTION_ENV] || 'default';
}

/** Every label a metric declares, empty where the caller gave none (Prometheus wants them all). */
function labelsFor(metric: MetricKey, given: Labels | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of METRICS[metric].labels) out[name] = String(given?.[name] ?? '');
  return out;
}

/** A Prometheus registry holding every metric of the catalog. */
export class PrometheusMetrics implements MetricsPort {
  readonly registry = new Registry();
  readonly #counters = new Map<string, Counter>();
  readonly #gauges = new Map<string, Gauge>();
  readonly #histograms = new Map<string, Histogram>();

  constructor() {
    for (const [key, spec] of Object.entries(METRICS)) {
      const base = {
        name: spec.name,
        help: spec.help,
        labelNames: [...spec.labels],
        registers: [this.registry],
      };
      if (spec.kind === 'counter') this.#counters.set(key, new Counter(base));
      else if (spec.kind === 'gauge') this.#gauges.set(key, new Gauge(base));
      else this.#histograms.set(key, new Histogram({ ...base, buckets: [...(spec.buckets ?? [])] }));
    }
  }

  count(metric: CounterKey, labels?: Labels, by = 1): void {
    this.#counters.get(metric)?.inc(labelsFor(metric, labels), by);
  }

  observe(metric: HistogramKey, value: number, labels?: Labels): void {
    this.#histograms.get(metric)?.observe(labelsFor(metric, labels), value);
  }

  set(metric: GaugeKey, value: number, labels?: Labels): void {
    this.#gauges.get(metric)?.set(labelsFor(metric, labels), value);
  }

  /** The exposition text and its content type, for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** CloudWatch EMF through Powertools: one EMF line per measurement, with its labels as dimensions. */
export class EmfMetrics implements MetricsPort {
  readonly #metrics: PowertoolsMetrics;

  constructor(options: { namespace?: string; serviceName?: string } = {}) {
    this.#metrics = new PowertoolsMetrics({
      namespace: options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OMS',
      serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'oms',
    });
  }

  #emit(metric: MetricKey, value: number, labels: Labels | undefined): void {
    const spec = METRICS[metric];
    const single = this.#metrics.singleMetric();
    const dimensions = labelsFor(metric, labels);
    // CloudWatch refuses empty dimension values.
    for (const [name, v] of Object.entries(dimensions)) if (v !== '') single.addDimension(name, v);
    single.addMetric(spec.name, spec.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
  }

  count(metric: CounterKey, labels?: Labels, by = 1): void {
    this.#emit(metric, by, labels);
  }

  observe(metric: HistogramKey, value: number, labels?: Labels): void {
    this.#emit(metric, value, labels);
  }

  set(metric: GaugeKey, value: number, labels?: Labels): void {
    this.#emit(metric, value, labels);
  }
}

/** The same port with some labels fixed (a bridge's `connection`). */
export function withLabels(port: MetricsPort, fixed: Labels): MetricsPort {
  return {
    count: (m, labels, by) => port.count(m, { ...fixed, ...labels }, by),
    observe: (m, v, labels) => port.observe(m, v, { ...fixed, ...labels }),
    set: (m, v, labels) => port.set(m, v, { ...fixed, ...labels }),
  };
}

/** Which writer this process uses. */
export function metricsBackend(env: NodeJS.ProcessEnv = process.env): 'emf' | 'prometheus' {
  const chosen = env.OMS_METRICS;
  if (chosen === 'emf' || chosen === 'prometheus') return chosen;
  return env.AWS_LAMBDA_FUNCTION_NAME ? 'emf' : 'prometheus';
}

let shared: MetricsPort | undefined;
let prometheus: PrometheusMetrics | undefined;

/** The process's metrics, created once (a Lambda pays for it at cold start only). */
export function metrics(): MetricsPort {
  if (!shared) {
    if (metricsBackend() === 'emf') shared = new EmfMetrics();
    else shared = prometheus = new PrometheusMetrics();
  }
  return shared;
}

/** The Prometheus exposition of this process's metrics; undefined when it writes EMF. */
export async function prometheusExposition(): Promise<{ contentType: string; body: string } | undefined> {
  metrics();
  return prometheus?.exposition();
}
