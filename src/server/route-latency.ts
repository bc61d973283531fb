// The request latency histogram, kept by hand: prom-client's Histogram hashes
// the label set on every observation (even through `labels()` children),
// which costs more than routing a small request. Here each (route, method,
// status) has its own counters, found once per request by one Map lookup,
// and the registry reads them in prom-client's exposition format.
import type Registry from 'prom-client/lib/registry.js';

/** Counts for one label set: `counts[i]` = observations in bucket i (not cumulative), the last for +Inf. */
class Series {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly labels: Readonly<Record<string, string>>, private readonly upper: readonly number[]) {
    this.counts = new Float64Array(upper.length + 1);
  }

  observe(seconds: number): void {
    let i = 0;
    while (i < this.upper.length && seconds > this.upper[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

interface MetricValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

export class RouteLatency {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();
  /** route → method → status → series: found without building a key string per request */
  private readonly byRoute = new Map<string, Map<string, Series[]>>();

  constructor(readonly name: string, readonly help: string, private readonly buckets: readonly number[], registry: Registry) {
    registry.registerMetric(this as never);
  }

  /** The recorder of one (route, method, status); the caller may keep it. */
  child(route: string, method: string, status: number): { observe(seconds: number): void } {
    const known = this.byRoute.get(route)?.get(method)?.[status];
    if (known !== undefined) return known;
    const key = `${status} ${method} ${route}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = new Series({ route, method, status: String(status) }, this.buckets);
      this.series.set(key, s);
    }
    let methods = this.byRoute.get(route);
    if (methods === undefined) this.byRoute.set(route, (methods = new Map()));
    let statuses = methods.get(method);
    if (statuses === undefined) methods.set(method, (statuses = []));
    // (statuses are HTTP codes: a small sparse array)
    if (Number.isInteger(status) && status >= 0 && status < 1000) statuses[status] = s;
    return s;
  }

  /** prom-client's registry calls this when the metrics are scraped. */
  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { ...s.labels, le: i < this.buckets.length ? this.buckets[i]! : '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
    this.byRoute.clear();
  }
}
