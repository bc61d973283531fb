// Prometheus metrics (prom-client), one registry per server so tests can run several.
// Served at config `metrics.path` (default /_myelin/metrics) on the main listener.
// Imported module by module (types: ./prom-client-parts.d.ts): prom-client's index also
// loads its Pushgateway and with it node:http, https and zlib (~1.5 MB RSS).
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import gc from 'prom-client/lib/metrics/gc.js';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';
import Registry from 'prom-client/lib/registry.js';
import { registerEventLoopLag, type LoopLag } from './loop-lag.js';
import { RouteLatency } from './route-latency.js';

/**
 * The CPU counters of prom-client's default metrics (process_cpu_user_seconds_total,
 * process_cpu_system_seconds_total, process_cpu_seconds_total), counted the same way:
 * process.cpuUsage() since the metrics were set up, brought up to date when scraped.
 * Kept here because prom-client's own processCpuTotal loads @opentelemetry/api (19
 * modules, ~0.5 MB resident) for exemplars, which Myelin does not enable.
 */
function processCpuTotal(registry: Registry, prefix: string): void {
  let last = process.cpuUsage();
  const user: Counter = new Counter({
    name: `${prefix}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    registers: [registry],
    // one collect (this counter is read first) brings all three up to date
    collect() {
      const now = process.cpuUsage();
      const userMicros = now.user - last.user;
      const systemMicros = now.system - last.system;
      last = now;
      user.inc(userMicros / 1e6);
      system.inc(systemMicros / 1e6);
      total.inc((userMicros + systemMicros) / 1e6);
    },
  });
  const system = new Counter({ name: `${prefix}process_cpu_system_seconds_total`, help: 'Total system CPU time spent in seconds.', registers: [registry] });
  const total = new Counter({ name: `${prefix}process_cpu_seconds_total`, help: 'Total user and system CPU time spent in seconds.', registers: [registry] });
}

/**
 * prom-client's collectDefaultMetrics, metric for metric and in its order (the same
 * exposition), with the CPU counters above in place of its processCpuTotal and the
 * event-loop lag of ./loop-lag.ts (sampled only while there is work) in place of its
 * eventLoopLag (a 10 ms timer for good). Returns the lag sampler, for requests to wake.
 */
export function collectProcessMetrics(registry: Registry, prefix: string): LoopLag {
  const config = { prefix };
  processCpuTotal(registry, prefix);
  processStartTime(registry, config);
  osMemoryHeap(registry, config);
  processOpenFileDescriptors(registry, config);
  processMaxFileDescriptors(registry, config);
  const lag = registerEventLoopLag(registry, prefix);
  if (typeof (process as { getActiveResourcesInfo?: unknown }).getActiveResourcesInfo === 'function') processResources(registry, config);
  processHandles(registry, config);
  processRequests(registry, config);
  heapSizeAndUsed(registry, config);
  heapSpacesSizeAndUsed(registry, config);
  version(registry, config);
  gc(registry, config);
  return lag;
}

/** The latency histogram; its child(), called once per request, also signals the request. */
class ServedRouteLatency extends RouteLatency {
  constructor(name: string, help: string, buckets: readonly number[], registry: Registry, private readonly onRequest: () => void) {
    super(name, help, buckets, registry);
  }

  override child(route: string, method: string, status: number): { observe(seconds: number): void } {
    this.onRequest();
    return super.child(route, method, status);
  }
}

export class Metrics {
  readonly registry = new Registry();
  /** the event-loop lag sampler (process metrics only): requests wake it */
  private lag: LoopLag | undefined;
  /** request latency per route (label: the route's path pattern, e.g. /_matrix/client/{v}/sync) */
  readonly requestDuration: RouteLatency = new ServedRouteLatency(
    'myelin_http_request_duration_seconds',
    'HTTP request latency by route, method and status',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    this.registry,
    () => this.lag?.wake(),
  );
  /** S2's pipeline increments this once per event persisted (label: 'local' | 'federated', outcome) */
  readonly eventsPersisted = new Counter({
    name: 'myelin_events_persisted_total',
    help: 'Events persisted by the event pipeline',
    labelNames: ['origin'] as const,
    registers: [this.registry],
  });
  /** S5's notifier sets/inc/dec this: /sync requests currently long-polling */
  readonly syncWaiters = new Gauge({
    name: 'myelin_sync_waiters',
    help: 'Sync requests currently waiting for new data',
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'myelin_rate_limited_total',
    help: 'Requests answered M_LIMIT_EXCEEDED by rate-limit class',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) this.lag = collectProcessMetrics(this.registry, 'myelin_');
  }

  /** The event-loop delay is being sampled (the server had work lately). */
  get lagSampling(): boolean {
    return this.lag?.sampling ?? false;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
