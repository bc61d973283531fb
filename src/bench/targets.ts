// Performance targets the project has set itself (issue 2), checked against a
// results file so the report says plainly whether each is met on this machine.
import type { ArmResult, CaseResult } from './suite.js';
import type { BenchResults } from './results.js';
import { formatBytesPerSec, formatRatio } from './stats.js';

export interface Target {
  readonly id: string;
  readonly description: string;
  /** the cases this target speaks about */
  readonly cases: (c: CaseResult) => boolean;
  /** measured value and whether it meets the target, for one case */
  readonly check: (c: CaseResult) => { value: string; met: boolean } | undefined;
}

export interface TargetVerdict {
  readonly id: string;
  readonly description: string;
  /** undefined when no case of the run speaks about it */
  readonly met?: boolean;
  readonly cases: readonly { readonly case: string; readonly value: string; readonly met: boolean }[];
}

const arm = (c: CaseResult, name: string): ArmResult | undefined => c.arms.find((a) => a.name === name && !a.skipped && a.medianNs !== undefined);
const singleEvent = (c: CaseResult) => c.suite === 'micro-canonical-json' && typeof c.params?.bytes === 'number' && c.params.bytes >= 1000 && c.params.bytes <= 65536 && c.params.shape !== undefined;

export const TARGETS: readonly Target[] = [
  {
    id: 'canonical-json-throughput',
    description: 'native canonical JSON ≥ 1 GB/s on 1–64 KB events',
    cases: singleEvent,
    check: (c) => {
      const n = arm(c, 'native');
      if (n?.bytesPerSec === undefined) return undefined;
      // judged on wall time; CPU time is shown too, since a busy machine stretches wall time
      const cpu = n.cpuNsPerCall && typeof c.params?.bytes === 'number' ? ` (CPU time: ${formatBytesPerSec((c.params.bytes * 1e9) / n.cpuNsPerCall)})` : '';
      return { value: formatBytesPerSec(n.bytesPerSec) + cpu, met: n.bytesPerSec >= 1e9 };
    },
  },
  {
    id: 'canonical-json-vs-js',
    description: 'native canonical JSON ≥ 5× the js path on 1–64 KB events',
    cases: singleEvent,
    check: (c) => {
      const n = arm(c, 'native'), j = arm(c, 'js');
      if (!n || !j) return undefined;
      const r = j.medianNs! / n.medianNs!;
      return { value: formatRatio(r), met: r >= 5 };
    },
  },
  {
    id: 'verify-batch-vs-js',
    description: 'verifyBatch of 10,000 events (canonicalize + verify) ≥ 3× the js path end to end',
    cases: (c) => c.suite === 'micro-ed25519' && c.params?.events === 10_000,
    check: (c) => {
      const n = arm(c, 'native'), j = arm(c, 'js');
      if (!n || !j) return undefined;
      const r = j.medianNs! / n.medianNs!;
      return { value: formatRatio(r), met: r >= 3 };
    },
  },
];

export function evaluateTargets(r: BenchResults, targets: readonly Target[] = TARGETS): TargetVerdict[] {
  return targets.map((t) => {
    const cases = r.cases.filter(t.cases).flatMap((c) => {
      const v = t.check(c);
      return v ? [{ case: c.name, ...v }] : [];
    });
    return { id: t.id, description: t.description, ...(cases.length ? { met: cases.every((c) => c.met) } : {}), cases };
  });
}

export function targetsText(verdicts: readonly TargetVerdict[]): string {
  const lines: string[] = [];
  for (const v of verdicts) {
    if (v.met === undefined) continue;
    lines.push(`target: ${v.description}: ${v.met ? 'MET' : 'NOT MET'} (${v.cases.map((c) => `${c.case} ${c.value}${c.met ? '' : ' ✗'}`).join('; ')})`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
