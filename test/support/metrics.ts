/** Reads a `/metrics` endpoint with a Prometheus text-format parser (not regexes) for tests. */
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export class Scrape {
  /** Every family as the parser reads the exposition (it throws on an invalid line). */
  readonly families: ParsedFamily[];
  /**
   * The same text with histograms read as untyped, so `_bucket`, `_sum` and `_count` come out as
   * series of their own with their labels: the parser folds a histogram's label sets into one.
   */
  readonly #series: ParsedFamily[];

  constructor(text: string) {
    this.families = parsePrometheusTextFormat(text);
    const histograms = new Set(this.families.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name));
    const untyped = text
      .split('\n')
      .map((line) => {
        const [hash, keyword, name] = line.split(' ');
        return hash === '#' && keyword === 'TYPE' && name && histograms.has(name)
          ? `# TYPE ${name} untyped`
          : line;
      })
      .join('\n');
    this.#series = parsePrometheusTextFormat(untyped);
  }

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (!/^text\/plain/.test(res.headers.get('content-type') ?? '')) throw new Error('not Prometheus text');
    return new Scrape(await res.text());
  }

  family(name: string): ParsedFamily {
    const found = this.families.find((f) => f.name === name);
    if (!found) throw new Error(`no metric ${name}`);
    return found;
  }

  /** A counter's or gauge's value for exactly these labels (0 when the series is not there yet). */
  value(name: string, labels: Record<string, string> = {}): number {
    this.family(name);
    const sample = this.#sample(name, labels);
    return sample ? Number(sample.value) : 0;
  }

  /** A histogram's observation count for these labels. */
  count(name: string, labels: Record<string, string> = {}): number {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    const sample = this.#sample(`${name}_count`, labels, this.#series);
    return sample ? Number(sample.value) : 0;
  }

  #sample(name: string, labels: Record<string, string>, families = this.#series) {
    // Read untyped, a histogram's series of each label set come as a family of their own.
    // A labelled metric nobody has moved yet has no series at all.
    const samples = families.filter((f) => f.name === name).flatMap((f) => f.metrics);
    return samples.find((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v));
  }
}
