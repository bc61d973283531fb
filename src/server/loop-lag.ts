// prom-client's event-loop lag metrics (nodejs_eventloop_lag_*: same names, help,
// aggregators and values), measured only while the server has work. prom-client keeps
// perf_hooks.monitorEventLoopDelay enabled for good: a libuv timer firing every 10 ms,
// 100 wake-ups a second of an idle server (issue 5: an idle server should sleep). Here
// the histogram is enabled while an ActivityClock is awake (a request, a scrape, a
// garbage collection wakes it; a second without any of them and with the loop under
// 5 % busy puts it back to sleep), so the samples cover the time the loop had work,
// plus a second or two after. The lag of an idle loop is nothing to measure; the first
// request after a quiet spell wakes the sampler as it ends, so its own delay is not
// sampled.
// A scrape that finds no sample since the last one (the loop slept throughout) reads
// NaN ("no data"), not a made-up delay. The single-shot nodejs_eventloop_lag_seconds
// (a setImmediate at scrape time) is prom-client's own.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Gauge from 'prom-client/lib/gauge.js';
import type Registry from 'prom-client/lib/registry.js';
import { ActivityClock } from './activity-clock.js';

/** prom-client's default eventLoopMonitoringPrecision (ms): the values include it, as prom-client's do */
export const LAG_RESOLUTION_MS = 10;
/** a second with the loop busier than this keeps sampling, even without a request or a GC in it (the sampler itself costs ~0.3 %) */
const BUSY_UTILIZATION = 0.05;

export interface LoopLag {
  /** a sign of work (a request): sample from now on (a field check when already sampling) */
  wake(): void;
  /** the delay histogram is enabled */
  readonly sampling: boolean;
}

/** Registers the eight nodejs_eventloop_lag_* gauges (prom-client's order) in `registry`. */
export function registerEventLoopLag(registry: Registry, prefix: string): LoopLag {
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const clock = new ActivityClock({
    tick: (utilization, woken) => woken || utilization >= BUSY_UTILIZATION,
    onWake: () => histogram.enable(),
    onSleep: () => histogram.disable(),
  });
  const registers = [registry];
  const reportLag = (start: bigint) => lag.set(Number(process.hrtime.bigint() - start) / 1e9);
  const lag: Gauge = new Gauge({
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    registers,
    aggregator: 'average',
    // this one metric's collect sets all of them
    collect() {
      setImmediate(reportLag, process.hrtime.bigint());
      const sampled = histogram.count > 0;
      const s = (ns: number) => (sampled ? ns / 1e9 : NaN);
      lagMin.set(s(histogram.min));
      lagMax.set(s(histogram.max));
      lagMean.set(s(histogram.mean));
      lagStddev.set(s(histogram.stddev));
      lagP50.set(s(histogram.percentile(50)));
      lagP90.set(s(histogram.percentile(90)));
      lagP99.set(s(histogram.percentile(99)));
      histogram.reset();
      clock.wake(); // a scrape is work; the next one then has samples
    },
  });
  const gauge = (name: string, help: string, aggregator: 'min' | 'max' | 'average') => new Gauge({ name: `${prefix}${name}`, help, registers, aggregator });
  const lagMin = gauge('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.', 'min');
  const lagMax = gauge('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', 'max');
  const lagMean = gauge('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.', 'average');
  const lagStddev = gauge('nodejs_eventloop_lag_stddev_seconds', 'The standard deviation of the recorded event loop delays.', 'average');
  const lagP50 = gauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.', 'average');
  const lagP90 = gauge('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.', 'average');
  const lagP99 = gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.', 'average');
  return {
    wake: () => clock.wake(),
    get sampling() { return clock.awake; },
  };
}
