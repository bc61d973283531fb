// The benchmark suite interface: what a suite declares and what the harness
// (runner, stats, progress, report) offers it. Suites are listed in ONE place,
// src/bench/suites/index.ts; `myelin bench` runs them.
//
// Writing a suite (a core suite, say):
//
//   export const stateResSuite: Suite = {
//     name: 'core-stateres',
//     tier: 'core',
//     description: 'state resolution v2 on synthetic rooms of growing size',
//     fits: (env) => env.machine.memoryBytes >= 2 * GiB || 'needs 2 GiB of memory',
//     async run(ctx) {
//       for (const members of ctx.quick ? [10, 100] : [10, 100, 1000, 10000]) {
//         if (ctx.signal.aborted) return;          // Ctrl-C: stop between cases
//         const room = buildRoom(members);         // setup is not timed
//         await ctx.compare(`resolve ${members} members`, [
//           { name: 'native', fn: () => resolveNative(room) },
//           { name: 'js', fn: () => resolveJs(room) },
//         ], { group: 'resolve', x: members, xLabel: 'room members', noisePair: true });
//       }
//     },
//   };
//
// Rules the harness relies on (it makes the numbers honest, so keep to them):
// - Do setup outside `fn`; `fn` is the measured operation and is called many
//   times. It may return a Promise (macro suites); the harness awaits it.
// - Check `ctx.signal.aborted` between cases; the harness also stops sampling
//   as soon as it is aborted and keeps what was measured (marked interrupted).
// - Honour `ctx.quick`: tests and CI run every suite with quick set, so use
//   small inputs and few sizes; the harness also shrinks samples and times.
// - Never time anything yourself with Date.now() for a reported number: use
//   compare / measureOnce / record so the report, JSON and compare mode see it.

export type Tier = 'micro' | 'core' | 'macro';
export const TIERS: readonly Tier[] = ['micro', 'core', 'macro'];

/** The machine a run happened on; written into the results file. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** CPU feature flags of interest found on this machine (sse4_2, avx2, avx512f, sha_ni, neon, ...) */
  readonly cpuFeatures: readonly string[];
  /** logical CPUs visible to this process */
  readonly cores: number;
  readonly memoryBytes: number;
  readonly freeMemoryBytes: number;
  readonly os: string;
  readonly arch: string;
  readonly node: string;
  /** kernel paths that loaded, best first, with the SIMD level each kernel uses */
  readonly kernelPaths: readonly { path: string; loaded: boolean; features?: Record<string, string>; error?: string }[];
  /** the path the server would use (MYELIN_ACCEL or auto) */
  readonly kernelPathInUse: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews numbers */
  readonly loadAverage?: readonly number[];
  /** `git rev-parse HEAD` of the Myelin checkout, when available */
  readonly commit?: string;
  readonly dirty?: boolean;
}

/** A homeserver to drive over the client-server API (macro suites). */
export interface Target {
  /** base URL, e.g. http://127.0.0.1:8008 (loopback only) */
  readonly url: string;
  /** Synapse-style registration shared secret (`/_synapse/admin/v1/register`) */
  readonly sharedSecret?: string;
  /** registration token (m.login.registration_token), if the server requires one */
  readonly registrationToken?: string;
  /** PID of the server process on this machine, to sample its CPU time and RSS */
  readonly serverPid?: number;
  /** RSS of the server at rest right after it started (--self measures it before any load) */
  readonly idleRssBytes?: number;
}

/** What `fits` can look at before a suite is run. */
export interface SuiteEnvironment {
  readonly machine: MachineInfo;
  readonly target?: Target;
  readonly quick: boolean;
}

/** One contender in a comparison: a kernel path, an npm package, a server... */
export interface Arm {
  readonly name: string;
  /** the measured operation; setup belongs outside. May return a Promise. */
  readonly fn: () => unknown;
  /** bytes processed by one call, to report bytes/s */
  readonly bytesPerOp?: number;
  /** operations done by one call (e.g. 10,000 for a batch call), to report ops/s per item */
  readonly itemsPerOp?: number;
  /** set instead of fn when this arm cannot run here; reported as skipped with this reason */
  readonly skip?: string;
  /** free-form facts shown with the arm (e.g. "sorts keys by UTF-16 units: wrong on astral keys") */
  readonly note?: string;
}

export interface CompareOptions {
  /** add a second copy of this arm (default: the first arm) to show the noise floor */
  readonly noisePair?: boolean | string;
  /** the arm others are compared to (ratios); default the first arm that ran */
  readonly baseline?: string;
  /** number of measured samples per arm (default 15; quick: 3) */
  readonly samples?: number;
  /** target duration of one sample in ms (default 100; quick: 5) */
  readonly sampleMs?: number;
  /** warm-up per arm in ms before sampling (default 200; quick: 5) */
  readonly warmupMs?: number;
  /** cap on calls per sample (e.g. 1 for calls that take seconds) */
  readonly maxCallsPerSample?: number;
  /** cases sharing a group form a series in the report (cost vs x) */
  readonly group?: string;
  /** position of this case on the group's x axis (event size, room members, ...) */
  readonly x?: number;
  readonly xLabel?: string;
  /** input facts shown with the case (sizes, counts) */
  readonly params?: Record<string, string | number>;
}

export interface OnceOptions extends Pick<CompareOptions, 'group' | 'x' | 'xLabel' | 'params'> {
  /** bytes processed by one call, for bytes/s */
  readonly bytes?: number;
  /** items processed by one call, for items/s */
  readonly items?: number;
  /** how many times to repeat (default 3; quick: 1); the median is reported */
  readonly runs?: number;
  /** name of the single arm (default "run") */
  readonly arm?: string;
}

/** Measured numbers of one arm in one case. Times are nanoseconds per call. */
export interface ArmResult {
  readonly name: string;
  readonly skipped?: string;
  readonly note?: string;
  /** true for the same-code copy added to show the noise floor */
  readonly noise?: boolean;
  /** per-sample time per call (ns); for latency results, per-request latencies (ns) */
  readonly samplesNs: readonly number[];
  readonly callsPerSample?: number;
  readonly medianNs?: number;
  readonly p99Ns?: number;
  readonly minNs?: number;
  readonly maxNs?: number;
  /** (p75 − p25) / median: how far the samples spread */
  readonly spread?: number;
  /** calls per second at the median */
  readonly opsPerSec?: number;
  /** items per second at the median (itemsPerOp × opsPerSec) */
  readonly itemsPerSec?: number;
  readonly bytesPerSec?: number;
  /** baseline median / this median: > 1 means faster than the baseline */
  readonly speedup?: number;
  /** CPU time of this process (user + system) per call, ns */
  readonly cpuNsPerCall?: number;
  /** for measureOnce and macro cases: peak RSS growth during the case */
  readonly rssDeltaBytes?: number;
  /** for macro cases: the server's CPU time per request (ns) and RSS when sampled */
  readonly serverCpuNsPerOp?: number;
  readonly serverRssBytes?: number;
  readonly extra?: Record<string, string | number>;
}

export type CaseKind = 'compare' | 'once' | 'latency';

export interface CaseResult {
  readonly suite: string;
  readonly tier: Tier;
  readonly name: string;
  readonly kind: CaseKind;
  readonly arms: readonly ArmResult[];
  readonly baseline?: string;
  readonly group?: string;
  readonly x?: number;
  readonly xLabel?: string;
  readonly params?: Record<string, string | number>;
  readonly notes?: readonly string[];
  /** the run was stopped (Ctrl-C) while this case was being measured */
  readonly interrupted?: boolean;
}

export interface ProgressTicker {
  /** advance by n (default 1) */
  tick(n?: number): void;
  /** finish and erase the bar */
  done(): void;
}

/** A latency distribution measured by the suite itself (macro: per-request times). */
export interface LatencyRecord {
  readonly arm: string;
  readonly latenciesNs: readonly number[];
  /** wall time of the whole run, to derive throughput (requests/s) */
  readonly wallNs: number;
  /** requests made, when latenciesNs is a summary (e.g. wrk's percentiles) rather than one per request */
  readonly requests?: number;
  readonly bytesPerOp?: number;
  readonly serverCpuNs?: number;
  readonly serverRssBytes?: number;
  readonly note?: string;
  readonly extra?: Record<string, string | number>;
}

export interface SuiteContext extends SuiteEnvironment {
  /** aborted on Ctrl-C (or a time limit): stop at the next convenient point */
  readonly signal: AbortSignal;
  /** a line for the terminal (above the progress bar) */
  log(message: string): void;
  /** warm up, then interleave repeated samples of every arm; median, p99, spread, ratios */
  compare(caseName: string, arms: readonly Arm[], options?: CompareOptions): Promise<CaseResult>;
  /** one heavy call: wall time, CPU time and peak RSS growth */
  measureOnce(caseName: string, fn: () => unknown, options?: OnceOptions): Promise<CaseResult>;
  /** record per-operation latencies collected by the suite (macro suites) */
  latency(caseName: string, records: readonly LatencyRecord[], options?: Pick<CompareOptions, 'group' | 'x' | 'xLabel' | 'params' | 'baseline'> & { notes?: string[] }): CaseResult;
  /** add a note to the results (e.g. which load generator was used) */
  note(message: string): void;
  /** a progress bar with ETA, for anything that takes more than a moment */
  progress(label: string, total: number): ProgressTicker;
}

export interface Suite {
  /** unique, lower-case, e.g. "micro-canonical-json"; `myelin bench <name>` runs it */
  readonly name: string;
  readonly tier: Tier;
  /** one line for `myelin bench` (the listing) */
  readonly description: string;
  /** true when the suite can run here, else the reason it is skipped */
  fits(env: SuiteEnvironment): true | string;
  run(ctx: SuiteContext): Promise<void>;
}

export const GiB = 1024 ** 3;
