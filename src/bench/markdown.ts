// A Markdown summary of a results file, for RESULTS.md and issue comments.
import type { BenchResults } from './results.js';
import { evaluateTargets } from './targets.js';
import { formatBytes, formatBytesPerSec, formatNs, formatPercent, formatRate, formatRatio } from './stats.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function markdownSummary(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`- machine: ${m.cpuModel}; ${m.cpuFeatures.join(' ') || 'no SIMD flags found'}; ${m.cores} cores; ${formatBytes(m.memoryBytes)}; ${m.os} ${m.arch}; Node ${m.node}${m.loadAverage ? `; load average at start ${m.loadAverage.join(' / ')} (1 / 5 / 15 min)` : ''}`);
  out.push(`- kernel paths: ${m.kernelPaths.map((k) => `${k.path} ${k.loaded ? 'loaded' : 'not loaded'}`).join(', ')}; in use: ${m.kernelPathInUse}`);
  out.push(`- Myelin commit: ${m.commit ?? 'unknown'}${m.dirty ? ' (with uncommitted changes in the checkout)' : ''}`);
  out.push(`- run: ${r.startedAt} → ${r.finishedAt}; \`myelin bench ${r.selection.join(' ')}\`${r.interrupted ? ' (interrupted: partial)' : ''}${r.target ? `; target ${r.target.url}` : ''}`);
  for (const n of r.notes) out.push(`- ${n}`);
  const verdicts = evaluateTargets(r).filter((v) => v.met !== undefined);
  if (verdicts.length) {
    out.push('', '| target | on this machine | cases |', '| --- | --- | --- |');
    for (const v of verdicts) out.push(`| ${cell(v.description)} | ${v.met ? 'met' : '**not met**'} | ${cell(v.cases.map((c) => `${c.case}: ${c.value}${c.met ? '' : ' ✗'}`).join('; '))} |`);
  }
  let suite = '';
  for (const c of r.cases) {
    if (c.suite !== suite) { suite = c.suite; out.push('', `### ${suite}`); }
    out.push('', `**${cell(c.name)}**${c.interrupted ? ' (interrupted)' : ''}`, '');
    const ratioHead = c.baseline ? `vs ${c.baseline}` : 'ratio';
    out.push(`| arm | median | p99 | spread | CPU per call | throughput | ${cell(ratioHead)} |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const a of c.arms) {
      if (a.skipped) { out.push(`| ${cell(a.name)} | skipped: ${cell(a.skipped)} | | | | | |`); continue; }
      // requests: the rate first (the bytes/s follow it), as the issue-5 targets are rates
      const thr = c.kind === 'latency' && a.opsPerSec !== undefined
        ? `${formatRate(a.opsPerSec, ' req/s')}${a.bytesPerSec !== undefined ? ` (${formatBytesPerSec(a.bytesPerSec)})` : ''}`
        : a.itemsPerSec !== undefined ? formatRate(a.itemsPerSec, ' items/s') : a.bytesPerSec !== undefined ? formatBytesPerSec(a.bytesPerSec) : formatRate(a.opsPerSec, c.kind === 'latency' ? ' req/s' : ' ops/s');
      const generator = typeof a.extra?.driverCpuNsPerOp === 'number' ? `generator ${formatNs(a.extra.driverCpuNsPerOp)}` : '';
      const cpu = c.kind === 'latency' ? [a.serverCpuNsPerOp !== undefined ? `server ${formatNs(a.serverCpuNsPerOp)}` : '', generator].filter(Boolean).join(', ') : formatNs(a.cpuNsPerCall);
      const rssOnly = a.medianNs === undefined && a.serverRssBytes !== undefined ? ` — server RSS ${formatBytes(a.serverRssBytes)}` : '';
      out.push(`| ${cell(a.name)}${a.noise ? ' (noise floor)' : ''}${rssOnly}${a.note ? ` — ${cell(a.note)}` : ''} | ${formatNs(a.medianNs)} | ${formatNs(a.p99Ns)} | ${formatPercent(a.spread)} | ${cpu} | ${thr} | ${a.speedup !== undefined ? formatRatio(a.speedup) : ''} |`);
    }
    for (const n of c.notes ?? []) out.push('', `_${cell(n)}_`);
  }
  return out.join('\n') + '\n';
}
