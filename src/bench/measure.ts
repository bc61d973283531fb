// How numbers are taken: warm-up, calibration, interleaved repeated samples,
// order statistics. Everything a suite reports goes through here.
import type { Arm, ArmResult, CaseResult, CompareOptions, LatencyRecord, OnceOptions, Tier } from './suite.js';
import { summarize } from './stats.js';
import type { Progress } from './progress.js';

export interface MeasureEnv {
  readonly suite: { readonly name: string; readonly tier: Tier };
  readonly quick: boolean;
  readonly signal: AbortSignal;
  readonly progress: Progress;
}

/** Defaults for a full run and for quick (test/CI-sized) runs. */
export const DEFAULTS = {
  full: { samples: 12, sampleMs: 60, warmupMs: 150 },
  quick: { samples: 3, sampleMs: 3, warmupMs: 2 },
} as const;

/** At most this many per-request latencies are kept in a results file (quantiles of the rest). */
export const MAX_KEPT_LATENCIES = 2000;

const now = (): bigint => process.hrtime.bigint();
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

// Results go here so the engine cannot drop a call whose value is unused.
let sink: unknown;
export function blackhole(): unknown { return sink; }

interface LiveArm {
  readonly arm: Arm;
  readonly noise: boolean;
  isAsync: boolean;
  callsPerSample: number;
  readonly samplesNs: number[];
  cpuNs: number;
  calls: number;
  failed?: string;
}

async function callMany(a: LiveArm, n: number): Promise<void> {
  const fn = a.arm.fn;
  if (a.isAsync) {
    for (let i = 0; i < n; i++) sink = await fn();
  } else {
    for (let i = 0; i < n; i++) sink = fn();
  }
}

/** Warm-up in doubling batches until warmupMs has passed; returns ns per call. */
async function warmUp(a: LiveArm, warmupMs: number, maxCalls: number): Promise<number> {
  const first0 = now();
  const r = a.arm.fn();
  if (isThenable(r)) { a.isAsync = true; sink = await r; } else sink = r;
  let elapsed = Number(now() - first0);
  let calls = 1;
  let batch = 1;
  while (elapsed < warmupMs * 1e6 && calls < maxCalls * 4) {
    const t0 = now();
    await callMany(a, batch);
    elapsed += Number(now() - t0);
    calls += batch;
    batch *= 2;
  }
  return elapsed / calls;
}

function armStats(a: LiveArm, baselineMedian: number | undefined): ArmResult {
  const base: ArmResult = { name: a.arm.name, samplesNs: a.samplesNs, ...(a.noise ? { noise: true } : {}), ...(a.arm.note ? { note: a.arm.note } : {}) };
  if (a.failed) return { ...base, skipped: a.failed };
  if (a.samplesNs.length === 0) return { ...base, skipped: 'no sample taken (interrupted)' };
  const s = summarize(a.samplesNs);
  const opsPerSec = 1e9 / s.median;
  return {
    ...base,
    callsPerSample: a.callsPerSample,
    medianNs: s.median,
    p99Ns: s.p99,
    minNs: s.min,
    maxNs: s.max,
    spread: s.spread,
    opsPerSec,
    ...(a.arm.itemsPerOp ? { itemsPerSec: opsPerSec * a.arm.itemsPerOp } : {}),
    ...(a.arm.bytesPerOp ? { bytesPerSec: opsPerSec * a.arm.bytesPerOp } : {}),
    ...(baselineMedian !== undefined ? { speedup: baselineMedian / s.median } : {}),
    cpuNsPerCall: a.calls > 0 ? a.cpuNs / a.calls : undefined,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Warm up every arm, then take `samples` rounds; in each round every arm is
 * sampled once, starting from a different arm each round, so slow drifts of
 * the machine (thermal, neighbours) fall on all arms alike.
 */
export async function runCompare(env: MeasureEnv, caseName: string, arms: readonly Arm[], options: CompareOptions = {}): Promise<CaseResult> {
  const d = env.quick ? DEFAULTS.quick : DEFAULTS.full;
  const samples = Math.max(1, env.quick ? Math.min(options.samples ?? d.samples, d.samples) : options.samples ?? d.samples);
  const sampleMs = env.quick ? d.sampleMs : options.sampleMs ?? d.sampleMs;
  const warmupMs = env.quick ? d.warmupMs : options.warmupMs ?? d.warmupMs;
  const maxCalls = options.maxCallsPerSample ?? Number.MAX_SAFE_INTEGER;

  const names = new Set<string>();
  for (const arm of arms) {
    if (names.has(arm.name)) throw new Error(`case "${caseName}": two arms named "${arm.name}"`);
    names.add(arm.name);
  }
  const live: LiveArm[] = arms.map((arm) => ({ arm, noise: false, isAsync: false, callsPerSample: 1, samplesNs: [], cpuNs: 0, calls: 0, ...(arm.skip ? { failed: arm.skip } : {}) }));
  if (options.noisePair) {
    const twinName = typeof options.noisePair === 'string' ? options.noisePair : live.find((a) => !a.failed)?.arm.name;
    const twin = live.find((a) => a.arm.name === twinName && !a.failed);
    if (twin) live.push({ ...twin, arm: { ...twin.arm, name: `${twin.arm.name} (same code)` }, noise: true, samplesNs: [], cpuNs: 0, calls: 0 });
  }
  const running = () => live.filter((a) => !a.failed);
  const notes: string[] = [];
  let interrupted = false;

  const ticker = env.progress.start(`${env.suite.name}: ${caseName}`, running().length * (samples + 1));
  try {
    for (const a of running()) {
      if (env.signal.aborted) { interrupted = true; break; }
      try {
        const perCall = await warmUp(a, warmupMs, maxCalls);
        a.callsPerSample = Math.max(1, Math.min(maxCalls, Math.round((sampleMs * 1e6) / Math.max(perCall, 1))));
      } catch (err) {
        a.failed = `failed: ${message(err)}`;
      }
      ticker.tick();
      await yieldToEventLoop();
    }
    for (let round = 0; round < samples && !interrupted; round++) {
      const order = running();
      for (let i = 0; i < order.length; i++) {
        if (env.signal.aborted) { interrupted = true; break; }
        const a = order[(i + round) % order.length]!;
        if (a.failed) continue;
        try {
          const cpu0 = process.cpuUsage();
          const t0 = now();
          await callMany(a, a.callsPerSample);
          const t1 = now();
          const cpu = process.cpuUsage(cpu0);
          a.samplesNs.push(Number(t1 - t0) / a.callsPerSample);
          a.cpuNs += (cpu.user + cpu.system) * 1000;
          a.calls += a.callsPerSample;
        } catch (err) {
          a.failed = `failed: ${message(err)}`;
        }
        ticker.tick();
        // Let signals (Ctrl-C) and timers run between samples.
        await yieldToEventLoop();
      }
    }
  } finally {
    ticker.done();
  }

  const measured = live.filter((a) => !a.failed && a.samplesNs.length > 0);
  const baselineName = options.baseline ?? measured.find((a) => !a.noise)?.arm.name;
  const baselineArm = measured.find((a) => a.arm.name === baselineName);
  if (options.baseline && !baselineArm) notes.push(`baseline "${options.baseline}" did not run; no ratios`);
  const baselineMedian = baselineArm ? summarize(baselineArm.samplesNs).median : undefined;
  if (interrupted) notes.push('interrupted: fewer samples than planned');

  return {
    suite: env.suite.name,
    tier: env.suite.tier,
    name: caseName,
    kind: 'compare',
    arms: live.map((a) => armStats(a, baselineMedian)),
    ...(baselineArm ? { baseline: baselineArm.arm.name } : {}),
    ...groupFields(options),
    ...(notes.length ? { notes } : {}),
    ...(interrupted ? { interrupted: true } : {}),
  };
}

function groupFields(o: Pick<CompareOptions, 'group' | 'x' | 'xLabel' | 'params'>): Partial<CaseResult> {
  return {
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.x !== undefined ? { x: o.x } : {}),
    ...(o.xLabel !== undefined ? { xLabel: o.xLabel } : {}),
    ...(o.params !== undefined ? { params: o.params } : {}),
  };
}

/** A heavy call, run a few times: wall time, CPU time, peak RSS growth. */
export async function runOnce(env: MeasureEnv, caseName: string, fn: () => unknown, options: OnceOptions = {}): Promise<CaseResult> {
  const runs = env.quick ? 1 : Math.max(1, options.runs ?? 3);
  const wall: number[] = [];
  let cpuNs = 0;
  let rssDelta = 0;
  let peakExact = true;
  let failed: string | undefined;
  const ticker = env.progress.start(`${env.suite.name}: ${caseName}`, runs);
  try {
    for (let i = 0; i < runs; i++) {
      if (env.signal.aborted) break;
      const peak0 = process.resourceUsage().maxRSS * 1024;
      const rss0 = process.memoryUsage.rss();
      const cpu0 = process.cpuUsage();
      const t0 = now();
      try {
        const r = fn();
        sink = isThenable(r) ? await r : r;
      } catch (err) {
        failed = `failed: ${message(err)}`;
        break;
      }
      const t1 = now();
      const cpu = process.cpuUsage(cpu0);
      const peak1 = process.resourceUsage().maxRSS * 1024;
      wall.push(Number(t1 - t0));
      cpuNs += (cpu.user + cpu.system) * 1000;
      // The peak during the call is known only when it raised the process's peak.
      if (peak1 > peak0) rssDelta = Math.max(rssDelta, peak1 - rss0);
      else { peakExact = false; rssDelta = Math.max(rssDelta, process.memoryUsage.rss() - rss0); }
      ticker.tick();
      await yieldToEventLoop();
    }
  } finally {
    ticker.done();
  }
  const interrupted = env.signal.aborted && wall.length < runs && !failed;
  const name = options.arm ?? 'run';
  let arm: ArmResult;
  if (failed) arm = { name, samplesNs: wall, skipped: failed };
  else if (wall.length === 0) arm = { name, samplesNs: [], skipped: 'no run completed (interrupted)' };
  else {
    const s = summarize(wall);
    arm = {
      name,
      samplesNs: wall,
      callsPerSample: 1,
      medianNs: s.median,
      p99Ns: s.p99,
      minNs: s.min,
      maxNs: s.max,
      spread: s.spread,
      opsPerSec: 1e9 / s.median,
      ...(options.items ? { itemsPerSec: (options.items * 1e9) / s.median } : {}),
      ...(options.bytes ? { bytesPerSec: (options.bytes * 1e9) / s.median } : {}),
      cpuNsPerCall: cpuNs / wall.length,
      rssDeltaBytes: Math.max(0, rssDelta),
      ...(peakExact ? {} : { extra: { rssNote: 'peak below an earlier peak: RSS growth after the call' } }),
    };
  }
  return {
    suite: env.suite.name,
    tier: env.suite.tier,
    name: caseName,
    kind: 'once',
    arms: [arm],
    ...groupFields(options),
    ...(interrupted ? { interrupted: true, notes: ['interrupted: fewer runs than planned'] } : {}),
  };
}

/** Keeps at most `max` values: evenly spaced order statistics of the sorted input. */
export function downsampleSorted(values: readonly number[], max = MAX_KEPT_LATENCIES): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= max) return sorted;
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!);
  return out;
}

/** Latencies measured by a suite (macro): distribution and throughput per arm. */
export function latencyCase(
  env: Pick<MeasureEnv, 'suite' | 'signal'>,
  caseName: string,
  records: readonly LatencyRecord[],
  options: Pick<CompareOptions, 'group' | 'x' | 'xLabel' | 'params' | 'baseline'> & { notes?: string[] } = {},
): CaseResult {
  const arms: ArmResult[] = records.map((r) => {
    // a record of no requests is skipped, unless it carries a server figure (RSS at rest)
    if (r.latenciesNs.length === 0 && r.serverRssBytes !== undefined && r.note === undefined) {
      return { name: r.arm, samplesNs: [], serverRssBytes: r.serverRssBytes, extra: { ...(r.extra ?? {}) } };
    }
    if (r.latenciesNs.length === 0) return { name: r.arm, samplesNs: [], skipped: r.note ?? 'no request completed' };
    const s = summarize(r.latenciesNs);
    const requests = r.requests ?? r.latenciesNs.length;
    const opsPerSec = r.wallNs > 0 ? (requests * 1e9) / r.wallNs : undefined;
    return {
      name: r.arm,
      samplesNs: downsampleSorted(r.latenciesNs),
      callsPerSample: 1,
      medianNs: s.median,
      p99Ns: s.p99,
      minNs: s.min,
      maxNs: s.max,
      spread: s.spread,
      ...(opsPerSec !== undefined ? { opsPerSec } : {}),
      ...(opsPerSec !== undefined && r.bytesPerOp ? { bytesPerSec: opsPerSec * r.bytesPerOp } : {}),
      ...(r.serverCpuNs !== undefined ? { serverCpuNsPerOp: r.serverCpuNs / requests } : {}),
      ...(r.serverRssBytes !== undefined ? { serverRssBytes: r.serverRssBytes } : {}),
      ...(r.note ? { note: r.note } : {}),
      extra: { requests, wallMs: Math.round(r.wallNs / 1e6), ...(r.extra ?? {}) },
    };
  });
  // ratios only when there is something to compare with
  const baseName = options.baseline ?? (arms.length > 1 ? arms.find((a) => a.opsPerSec !== undefined)?.name : undefined);
  const base = arms.find((a) => a.name === baseName && a.opsPerSec !== undefined);
  const withRatios = base ? arms.map((a) => (a.opsPerSec !== undefined ? { ...a, speedup: a.opsPerSec / base.opsPerSec! } : a)) : arms;
  return {
    suite: env.suite.name,
    tier: env.suite.tier,
    name: caseName,
    kind: 'latency',
    arms: withRatios,
    ...(base ? { baseline: base.name } : {}),
    ...groupFields(options),
    ...(options.notes?.length ? { notes: options.notes } : {}),
    ...(env.signal.aborted ? { interrupted: true } : {}),
  };
}
