// Types for the prom-client modules server/metrics.ts imports one by one. The package
// declares only its index, and importing the index also loads its Pushgateway, which
// pulls in node:http, https and zlib (~1.5 MB RSS in a server that never pushes).
declare module 'prom-client/lib/registry.js' {
  import { Registry } from 'prom-client';
  export default Registry;
}
declare module 'prom-client/lib/counter.js' {
  import { Counter } from 'prom-client';
  export default Counter;
}
declare module 'prom-client/lib/gauge.js' {
  import { Gauge } from 'prom-client';
  export default Gauge;
}
declare module 'prom-client/lib/histogram.js' {
  import { Histogram } from 'prom-client';
  export default Histogram;
}
declare module 'prom-client/lib/defaultMetrics.js' {
  import { collectDefaultMetrics } from 'prom-client';
  export default collectDefaultMetrics;
}
declare module 'prom-client/lib/metrics/*.js' {
  import type { Registry } from 'prom-client';
  /** one of collectDefaultMetrics' metrics: registers it (and how it is collected) in `registry` */
  function register(registry: Registry, config?: { prefix?: string; labels?: Record<string, string>; eventLoopMonitoringPrecision?: number; gcDurationBuckets?: number[] }): void;
  export default register;
}
