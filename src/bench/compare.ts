// `--compare other.json`: two runs side by side, as ratios per case and arm.
// ratio > 1 means this run is faster (more operations per second) than the other.
import type { ArmResult } from './suite.js';
import type { BenchResults } from './results.js';
import { caseKey } from './results.js';

export interface ComparisonRow {
  readonly case: string;
  readonly arm: string;
  /** median ns per call (or per request) in this run and in the other */
  readonly thisMedianNs?: number;
  readonly otherMedianNs?: number;
  readonly thisOpsPerSec?: number;
  readonly otherOpsPerSec?: number;
  /** throughput of this run / throughput of the other; undefined when one side is missing */
  readonly ratio?: number;
  /** p99 latency of the other / p99 of this run (> 1: this run has the lower tail) */
  readonly p99Ratio?: number;
  readonly missing?: 'this' | 'other';
}

export interface Comparison {
  readonly thisRun: { readonly startedAt: string; readonly machine: string; readonly target?: string };
  readonly otherRun: { readonly startedAt: string; readonly machine: string; readonly target?: string };
  readonly rows: readonly ComparisonRow[];
  /** geometric mean of the ratios of rows present in both runs */
  readonly geomean?: number;
}

/** Throughput of an arm: its ops/s, else derived from the median time. */
function throughput(a: ArmResult | undefined): number | undefined {
  if (!a || a.skipped) return undefined;
  if (a.opsPerSec !== undefined && Number.isFinite(a.opsPerSec) && a.opsPerSec > 0) return a.opsPerSec;
  if (a.medianNs !== undefined && a.medianNs > 0) return 1e9 / a.medianNs;
  return undefined;
}

function describe(r: BenchResults): Comparison['thisRun'] {
  return { startedAt: r.startedAt, machine: `${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.kernelPathInUse}`, ...(r.target ? { target: r.target.url } : {}) };
}

export function compareResults(thisRun: BenchResults, otherRun: BenchResults): Comparison {
  const other = new Map(otherRun.cases.map((c) => [caseKey(c), c] as const));
  const seen = new Set<string>();
  const rows: ComparisonRow[] = [];
  for (const c of thisRun.cases) {
    const key = caseKey(c);
    seen.add(key);
    const o = other.get(key);
    const otherArms = new Map((o?.arms ?? []).map((a) => [a.name, a] as const));
    for (const a of c.arms) {
      const b = otherArms.get(a.name);
      otherArms.delete(a.name);
      const t = throughput(a);
      const u = throughput(b);
      // a figure with no rate on either side (the server's RSS at rest) is no throughput comparison
      if (t === undefined && u === undefined && b && !a.skipped && !b.skipped) continue;
      rows.push({
        case: key,
        arm: a.name,
        ...(a.medianNs !== undefined && !a.skipped ? { thisMedianNs: a.medianNs } : {}),
        ...(b?.medianNs !== undefined && !b.skipped ? { otherMedianNs: b.medianNs } : {}),
        ...(t !== undefined ? { thisOpsPerSec: t } : {}),
        ...(u !== undefined ? { otherOpsPerSec: u } : {}),
        ...(t !== undefined && u !== undefined ? { ratio: t / u } : {}),
        ...(a.p99Ns && b?.p99Ns && !a.skipped && !b.skipped ? { p99Ratio: b.p99Ns / a.p99Ns } : {}),
        ...(b === undefined ? { missing: 'other' as const } : t === undefined ? { missing: 'this' as const } : u === undefined ? { missing: 'other' as const } : {}),
      });
    }
    for (const b of otherArms.values()) {
      const u = throughput(b);
      rows.push({ case: key, arm: b.name, ...(b.medianNs !== undefined ? { otherMedianNs: b.medianNs } : {}), ...(u !== undefined ? { otherOpsPerSec: u } : {}), missing: 'this' });
    }
  }
  for (const o of otherRun.cases) {
    if (seen.has(caseKey(o))) continue;
    for (const b of o.arms) {
      const u = throughput(b);
      rows.push({ case: caseKey(o), arm: b.name, ...(b.medianNs !== undefined ? { otherMedianNs: b.medianNs } : {}), ...(u !== undefined ? { otherOpsPerSec: u } : {}), missing: 'this' });
    }
  }
  const ratios = rows.map((r) => r.ratio).filter((x): x is number => x !== undefined && x > 0);
  const geomean = ratios.length ? Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length) : undefined;
  return { thisRun: describe(thisRun), otherRun: describe(otherRun), rows, ...(geomean !== undefined ? { geomean } : {}) };
}
