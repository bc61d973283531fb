// Warm-up before a sequential measurement. A JIT-compiled server (V8 in Node,
// the JVM, PyPy) takes thousands of requests of a kind to reach its steady
// state: Myelin fresh from start, sends from wrk -t1 -c1 in successive 2 s
// windows (2-vCPU VM, 2026-11-28) gave medians 0.91 → 0.61 → 0.21 → 0.20 →
// 0.185 ms while its CPU time per send fell 1.45 → 0.58 → 0.37 → … → 0.27 ms:
// the first ~4–5k sends are slow. A fixed few hundred sends measure the warm-up,
// not the server. So the bench sends in windows of about a second until two
// consecutive windows agree within 10 % on the median latency and, when the
// server's PID is known, on its CPU time per send (it falls 5× while the
// median moves less, and a plateau of medians between two tiers would
// otherwise pass), and not before 5,000 sends: V8 tiers up by invocation
// counts, not time, and on a busy machine two slow windows agree by chance
// (seen: 586 sends, medians 4.95 → 5.32 ms, "steady"). At most 10 s or
// 20,000 sends, then it measures anyway and says the server was not steady.
import { formatNs } from '../stats.js';
import { summarize } from '../stats.js';
import type { LatencyRecord } from '../suite.js';

export interface WarmupPolicy {
  /** length of one window */
  readonly windowMs: number;
  /** two consecutive windows agree when they differ by at most this fraction */
  readonly tolerance: number;
  /** windows at least (2: the first comparison) */
  readonly minWindows: number;
  /** requests at least before two windows may count as steady (JIT tiers come by invocation counts) */
  readonly minRequests: number;
  /** caps: the warm-up stops at whichever comes first */
  readonly maxMs: number;
  readonly maxRequests: number;
}

export const WARMUP_POLICY: WarmupPolicy = { windowMs: 1000, tolerance: 0.1, minWindows: 2, minRequests: 5000, maxMs: 10_000, maxRequests: 20_000 };
/** tests and CI (--quick): a token warm-up, the numbers are not representative anyway */
export const QUICK_WARMUP_POLICY: WarmupPolicy = { windowMs: 50, tolerance: 0.1, minWindows: 2, minRequests: 0, maxMs: 250, maxRequests: 40 };

export interface WarmupWindow {
  readonly requests: number;
  readonly wallNs: number;
  readonly medianNs: number;
  /** the server's CPU time per request over the window, when its PID is known */
  readonly serverCpuNsPerOp?: number;
}

export interface WarmupResult {
  readonly windows: readonly WarmupWindow[];
  readonly requests: number;
  readonly wallNs: number;
  /** the last two windows agreed */
  readonly steady: boolean;
  /** why it stopped when not steady */
  readonly stoppedBy?: string;
}

/** Two measures agree: they differ by at most `tolerance` of the larger. */
export function agree(a: number, b: number, tolerance: number): boolean {
  const top = Math.max(a, b);
  return top === 0 || Math.abs(a - b) <= tolerance * top;
}

/** The server has reached its steady state between two consecutive windows. */
export function steadyBetween(prev: WarmupWindow, last: WarmupWindow, tolerance: number): boolean {
  if (!agree(prev.medianNs, last.medianNs, tolerance)) return false;
  if (prev.serverCpuNsPerOp !== undefined && last.serverCpuNsPerOp !== undefined) return agree(prev.serverCpuNsPerOp, last.serverCpuNsPerOp, tolerance);
  return true;
}

/** A window measured by a load generator, as the warm-up reads it. */
export function windowOf(r: LatencyRecord): WarmupWindow {
  const requests = r.requests ?? r.latenciesNs.length;
  return {
    requests,
    wallNs: r.wallNs,
    medianNs: r.latenciesNs.length ? summarize(r.latenciesNs).median : 0,
    ...(r.serverCpuNs !== undefined && requests > 0 ? { serverCpuNsPerOp: r.serverCpuNs / requests } : {}),
  };
}

/**
 * Runs `window` (which sends for about `ms`, at most `maxRequests`) until two
 * consecutive windows agree, the policy's caps are reached, or `signal` aborts.
 */
export async function warmUp(
  signal: AbortSignal,
  policy: WarmupPolicy,
  window: (index: number, ms: number, maxRequests: number) => Promise<WarmupWindow>,
): Promise<WarmupResult> {
  const windows: WarmupWindow[] = [];
  let requests = 0, wallNs = 0;
  for (let i = 0; ; i++) {
    if (signal.aborted) return { windows, requests, wallNs, steady: false, stoppedBy: 'interrupted' };
    if (wallNs >= policy.maxMs * 1e6) return { windows, requests, wallNs, steady: false, stoppedBy: `time cap of ${policy.maxMs / 1000} s` };
    if (requests >= policy.maxRequests) return { windows, requests, wallNs, steady: false, stoppedBy: `cap of ${policy.maxRequests} requests` };
    const w = await window(i, policy.windowMs, policy.maxRequests - requests);
    windows.push(w);
    requests += w.requests;
    wallNs += w.wallNs;
    if (w.requests === 0) return { windows, requests, wallNs, steady: false, stoppedBy: 'a window completed no request' };
    if (windows.length >= Math.max(2, policy.minWindows) && requests >= policy.minRequests && steadyBetween(windows[windows.length - 2]!, w, policy.tolerance)) {
      return { windows, requests, wallNs, steady: true };
    }
  }
}

/** One line for the results: what the warm-up did and why it stopped. */
export function describeWarmup(r: WarmupResult, policy: WarmupPolicy, what: string): string {
  const ms = (ns: number) => formatNs(ns);
  const medians = r.windows.map((w) => ms(w.medianNs)).join(' → ');
  const cpu = r.windows.every((w) => w.serverCpuNsPerOp !== undefined) && r.windows.length
    ? `; server CPU per request ${r.windows.map((w) => ms(w.serverCpuNsPerOp!)).join(' → ')}`
    : '';
  const verdict = r.steady
    ? `until two consecutive windows agreed within ${Math.round(policy.tolerance * 100)} %`
    : `NOT steady: stopped by ${r.stoppedBy ?? 'its caps'}${policy.minRequests && r.requests < policy.minRequests ? ` before ${policy.minRequests} requests` : ''} (the measurement may include warm-up)`;
  return `${what}: ${r.requests} requests in ${r.windows.length} windows of ~${policy.windowMs >= 1000 ? `${policy.windowMs / 1000} s` : `${policy.windowMs} ms`} (${(r.wallNs / 1e9).toFixed(1)} s) ${verdict}; medians ${medians}${cpu}`;
}
