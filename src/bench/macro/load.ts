// Drives requests and records what the macro suites report: per-request
// latency, wall time, the driver's own CPU (to show whether the load
// generator could be the bottleneck) and the server's CPU and RSS.
import type { LatencyRecord, ProgressTicker, SuiteContext, SuiteEnvironment } from '../suite.js';
import { ServerSampler } from './server-sampler.js';

export interface Timed {
  readonly latencyNs: number;
  readonly bytes?: number;
}

export interface LoadOptions {
  /** requests in flight at once (1: sequential) */
  readonly concurrency?: number;
  /** stop early after this long (a bench is bounded in time as well as count) */
  readonly maxMs?: number;
  readonly ticker?: ProgressTicker;
}

/**
 * Runs `count` requests, `concurrency` at a time, until done, aborted or out
 * of time. A failed request stops the run (a benchmark of errors is no
 * benchmark) and is thrown after the in-flight ones settle.
 */
export async function drive(
  ctx: Pick<SuiteContext, 'signal'> & Pick<SuiteEnvironment, 'target'>,
  arm: string,
  count: number,
  request: (i: number) => Promise<Timed>,
  options: LoadOptions = {},
): Promise<LatencyRecord> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, count));
  const sampler = new ServerSampler(ctx.target?.serverPid);
  const latencies: number[] = [];
  let bytes = 0;
  let next = 0;
  let failure: unknown;
  let stoppedEarly: string | undefined;
  const deadline = options.maxMs !== undefined ? performance.now() + options.maxMs : Infinity;
  sampler.begin();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (failure === undefined) {
      if (ctx.signal.aborted) { stoppedEarly = 'interrupted'; return; }
      if (performance.now() > deadline) { stoppedEarly = `time cap of ${Math.round(options.maxMs! / 1000)}s reached`; return; }
      const i = next++;
      if (i >= count) return;
      try {
        const r = await request(i);
        latencies.push(r.latencyNs);
        bytes += r.bytes ?? 0;
        options.ticker?.tick();
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const server = sampler.end();
  if (failure !== undefined) throw failure;
  const driverCpuNs = (cpu.user + cpu.system) * 1000;
  const driverCpuPct = Math.round((driverCpuNs / wallNs) * 100);
  // the generator's own CPU per request: compare with the server's to see who is the bottleneck
  const driverCpuNsPerOp = latencies.length ? Math.round(driverCpuNs / latencies.length) : undefined;
  const notes: string[] = [];
  if (stoppedEarly) notes.push(`${stoppedEarly} after ${latencies.length} of ${count} requests`);
  if (driverCpuPct >= 80) notes.push(`load generator used ${driverCpuPct}% of a core: it may be the bottleneck`);
  return {
    arm,
    latenciesNs: latencies,
    wallNs,
    ...(latencies.length && bytes ? { bytesPerOp: bytes / latencies.length } : {}),
    ...(server ? server : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
    extra: { concurrency, driverCpuPct, ...(driverCpuNsPerOp !== undefined ? { driverCpuNsPerOp } : {}), ...(latencies.length < count ? { planned: count } : {}) },
  };
}
