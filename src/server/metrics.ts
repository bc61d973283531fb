// Prometheus metrics (prom-client), one registry per server so tests can run several.
// Served at config `metrics.path` (default /_myelin/metrics) on the main listener.
// Imported module by module (types: ./prom-client-parts.d.ts): prom-client's index also
// loads its Pushgateway and with it node:http, https and zlib (~1.5 MB RSS).
import Counter from 'prom-client/lib/counter.js';
import collectDefaultMetrics from 'prom-client/lib/defaultMetrics.js';
import Gauge from 'prom-client/lib/gauge.js';
import Registry from 'prom-client/lib/registry.js';
import { RouteLatency } from './route-latency.js';

export class Metrics {
  readonly registry = new Registry();
  /** request latency per route (label: the route's path pattern, e.g. /_matrix/client/{v}/sync) */
  readonly requestDuration = new RouteLatency(
    'myelin_http_request_duration_seconds',
    'HTTP request latency by route, method and status',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    this.registry,
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
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'myelin_' });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
