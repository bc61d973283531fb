// The terminal table: one block per case, one row per arm.
import type { CaseResult } from './suite.js';
import type { BenchResults } from './results.js';
import type { Comparison } from './compare.js';
import { evaluateTargets, targetsText } from './targets.js';
import { formatBytes, formatBytesPerSec, formatNs, formatPercent, formatRate, formatRatio } from './stats.js';

function pad(cells: readonly string[][], rightAligned: readonly boolean[]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function caseTable(c: CaseResult): string {
  const header = ['  arm', c.kind === 'latency' ? 'median lat.' : 'median', c.kind === 'latency' ? 'p99 lat.' : 'p99', 'spread', 'ops/s', 'throughput', c.baseline ? `vs ${c.baseline}` : 'ratio', 'notes'];
  const rows: string[][] = [header];
  for (const a of c.arms) {
    if (a.skipped) { rows.push([`  ${a.name}`, '–', '–', '–', '–', '–', '–', `skipped: ${a.skipped}`]); continue; }
    const notes: string[] = [];
    if (a.noise) notes.push('same code: noise floor');
    if (a.itemsPerSec !== undefined) notes.push(`${formatRate(a.itemsPerSec, ' items/s')}`);
    if (a.rssDeltaBytes !== undefined) notes.push(`RSS +${formatBytes(a.rssDeltaBytes)}`);
    if (a.cpuNsPerCall !== undefined && a.medianNs && c.kind === 'once') notes.push(`CPU ${formatNs(a.cpuNsPerCall)}`);
    if (a.serverCpuNsPerOp !== undefined) notes.push(`server CPU ${formatNs(a.serverCpuNsPerOp)}/req`);
    // the load generator's own CPU beside the server's: is the generator the limit?
    if (typeof a.extra?.driverCpuNsPerOp === 'number') notes.push(`generator CPU ${formatNs(a.extra.driverCpuNsPerOp)}/req`);
    if (a.serverRssBytes !== undefined) notes.push(`server RSS ${formatBytes(a.serverRssBytes)}`);
    if (a.note) notes.push(a.note);
    rows.push([
      `  ${a.name}`,
      formatNs(a.medianNs),
      formatNs(a.p99Ns),
      formatPercent(a.spread),
      formatRate(a.opsPerSec),
      a.bytesPerSec !== undefined ? formatBytesPerSec(a.bytesPerSec) : '',
      a.speedup !== undefined ? formatRatio(a.speedup) : '',
      notes.join('; '),
    ]);
  }
  const params = c.params ? ` (${Object.entries(c.params).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  const title = `${c.suite} / ${c.name}${params}${c.interrupted ? '  [interrupted]' : ''}`;
  const lines = [title, ...pad(rows, [false, true, true, true, true, true, true, false])];
  for (const n of c.notes ?? []) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

export function resultsTable(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`machine: ${m.cpuModel} (${m.cpuFeatures.join(' ') || 'no SIMD flags found'}), ${m.cores} cores, ${formatBytes(m.memoryBytes)}, node ${m.node}, kernels: ${m.kernelPathInUse}${m.loadAverage ? `, load ${m.loadAverage.join(' ')}` : ''}${m.commit ? `, commit ${m.commit.slice(0, 12)}${m.dirty ? '+' : ''}` : ''}`);
  if (r.target) out.push(`target: ${r.target.url}`);
  out.push('');
  for (const c of r.cases) { out.push(caseTable(c)); out.push(''); }
  for (const s of r.suites) if (s.status !== 'ran') out.push(`${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  const targets = targetsText(evaluateTargets(r));
  if (targets) out.push(targets.trimEnd());
  if (r.interrupted) out.push('run interrupted: partial results');
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

export function comparisonTable(cmp: Comparison): string {
  const rows: string[][] = [['case', 'arm', 'this', 'other', 'this/other', 'p99 other/this']];
  for (const r of cmp.rows) {
    rows.push([r.case, r.arm, formatNs(r.thisMedianNs), formatNs(r.otherMedianNs), r.ratio !== undefined ? formatRatio(r.ratio) : `missing in ${r.missing === 'this' ? 'this run' : 'other run'}`, r.p99Ratio !== undefined ? formatRatio(r.p99Ratio) : '']);
  }
  const lines = [
    `this run:  ${cmp.thisRun.startedAt} ${cmp.thisRun.machine}${cmp.thisRun.target ? ` target ${cmp.thisRun.target}` : ''}`,
    `other run: ${cmp.otherRun.startedAt} ${cmp.otherRun.machine}${cmp.otherRun.target ? ` target ${cmp.otherRun.target}` : ''}`,
    'ratio = throughput of this run / the other (> 1: this run is faster)',
    ...pad(rows, [false, false, true, true, true, true]),
  ];
  if (cmp.geomean !== undefined) lines.push(`geometric mean of ratios: ${formatRatio(cmp.geomean)}`);
  return lines.join('\n') + '\n';
}
