// The HTML report: one self-contained file (inline CSS and SVG, no scripts,
// fonts or images fetched), so it opens from disk on a machine with no network.
// Charts: throughput per arm with the spread of samples, latency distributions
// (CDF), cost against input or room size per group, and compare-mode ratios.
import type { ArmResult, CaseResult } from './suite.js';
import type { BenchResults } from './results.js';
import type { Comparison } from './compare.js';
import { quantile } from './stats.js';
import { evaluateTargets } from './targets.js';
import { formatBytes, formatBytesPerSec, formatNs, formatPercent, formatRate, formatRatio } from './stats.js';

const PALETTE = ['#2f6fdf', '#e4572e', '#29a35a', '#9b59b6', '#f0a202', '#17a2b8', '#c2185b', '#6d4c41', '#7f8c8d', '#3d5a80',
  '#8bc34a', '#ff7043', '#5c6bc0', '#26a69a', '#d4a017', '#ad1457'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

class Colors {
  private readonly map = new Map<string, string>();
  of(arm: string): string {
    const base = arm.replace(/ \(same code\)$/, '');
    let c = this.map.get(base);
    if (!c) { c = PALETTE[this.map.size % PALETTE.length]!; this.map.set(base, c); }
    return c;
  }
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Axis ticks for a log scale between lo and hi: powers of ten (and 2, 5 when few). */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of hi / lo < 100 ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

function linTicks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) out.push(v);
  return out;
}

interface Scale { (v: number): number; ticks: number[] }
function scale(lo: number, hi: number, a: number, b: number, log: boolean): Scale {
  if (log) {
    const l0 = Math.log10(lo), l1 = Math.log10(hi);
    const f = ((v: number) => a + ((Math.log10(Math.max(v, lo)) - l0) / (l1 - l0 || 1)) * (b - a)) as Scale;
    f.ticks = logTicks(lo, hi);
    return f;
  }
  const f = ((v: number) => a + ((v - lo) / (hi - lo || 1)) * (b - a)) as Scale;
  f.ticks = linTicks(lo, hi);
  return f;
}

interface Rate { value: number; lo: number; hi: number; unit: 'bytes' | 'items' | 'ops' }

/** Throughput of an arm with its interquartile range, in the unit the case is best read in. */
function rateOf(a: ArmResult, unit: Rate['unit']): Rate | undefined {
  if (a.skipped || a.opsPerSec === undefined || a.medianNs === undefined) return undefined;
  const per = unit === 'bytes' ? (a.bytesPerSec ?? 0) / a.opsPerSec : unit === 'items' ? (a.itemsPerSec ?? 0) / a.opsPerSec : 1;
  // compare/once arms: samples are ns per call; latency arms: throughput is measured, spread shown on the CDF
  const p25 = a.samplesNs.length > 1 ? quantile(a.samplesNs, 0.25) : a.medianNs;
  const p75 = a.samplesNs.length > 1 ? quantile(a.samplesNs, 0.75) : a.medianNs;
  const value = a.opsPerSec * per;
  if (a.callsPerSample !== undefined && a.samplesNs.length && a.extra?.requests === undefined) return { value, lo: (1e9 / p75) * per, hi: (1e9 / p25) * per, unit };
  return { value, lo: value, hi: value, unit };
}

function rateLabel(v: number, unit: Rate['unit']): string {
  return unit === 'bytes' ? formatBytesPerSec(v) : unit === 'items' ? formatRate(v, ' items/s') : formatRate(v, ' ops/s');
}

function caseUnit(c: CaseResult): Rate['unit'] {
  const ran = c.arms.filter((a) => !a.skipped);
  // a batch reads best in items (events/s), a single input in bytes/s
  if (ran.length && ran.every((a) => a.itemsPerSec !== undefined)) return 'items';
  if (ran.length && ran.every((a) => a.bytesPerSec !== undefined)) return 'bytes';
  return 'ops';
}

/** Horizontal bars: throughput per arm, whiskers at the interquartile range of samples. */
export function throughputChart(c: CaseResult, colors: Colors): string {
  const unit = caseUnit(c);
  const rows = c.arms.map((a) => ({ a, r: rateOf(a, unit) })).filter((x): x is { a: ArmResult; r: Rate } => x.r !== undefined);
  if (rows.length === 0) return '';
  const left = Math.min(320, 24 + 7 * Math.max(...rows.map((x) => x.a.name.length)));
  const W = 720, right = 140, rowH = 24, top = 8, H = top + rows.length * rowH + 26;
  const max = Math.max(...rows.map((x) => x.r.hi));
  const min = Math.min(...rows.map((x) => x.r.lo));
  const log = max / Math.max(min, 1e-9) > 30;
  const sx = scale(log ? min / 2 : 0, max * 1.05, left, W - right, log);
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="throughput of ${escapeHtml(c.name)}">`];
  for (const t of sx.ticks) parts.push(`<line x1="${fmt(sx(t))}" x2="${fmt(sx(t))}" y1="${top}" y2="${H - 20}" class="grid"/><text x="${fmt(sx(t))}" y="${H - 6}" class="tick" text-anchor="middle">${escapeHtml(rateLabel(t, unit))}</text>`);
  rows.forEach(({ a, r }, i) => {
    const y = top + i * rowH;
    const x0 = sx(log ? min / 2 : 0);
    parts.push(`<text x="${left - 6}" y="${y + 16}" text-anchor="end" class="label">${escapeHtml(a.name)}</text>`);
    parts.push(`<rect x="${fmt(x0)}" y="${y + 4}" width="${fmt(Math.max(1, sx(r.value) - x0))}" height="${rowH - 8}" fill="${colors.of(a.name)}"${a.noise ? ' fill-opacity="0.45"' : ''}><title>${escapeHtml(`${a.name}: ${rateLabel(r.value, unit)}`)}</title></rect>`);
    if (r.hi > r.lo) parts.push(`<line x1="${fmt(sx(r.lo))}" x2="${fmt(sx(r.hi))}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" class="whisker"/>`);
    parts.push(`<text x="${fmt(Math.min(sx(r.hi), W - right) + 6)}" y="${y + 16}" class="value">${escapeHtml(rateLabel(r.value, unit))}${a.speedup !== undefined ? ` · ${escapeHtml(formatRatio(a.speedup))}` : ''}</text>`);
  });
  parts.push(`<text x="${W - right}" y="${H - 6}" class="tick" text-anchor="start">${log ? ' (log scale)' : ''}</text></svg>`);
  return parts.join('');
}

/** Latency CDF per arm (log x axis), from the kept per-request latencies; legend below. */
export function latencyChart(c: CaseResult, colors: Colors): string {
  const arms = c.arms.filter((a) => !a.skipped && a.samplesNs.length > 1);
  if (arms.length === 0) return '';
  const left = 50, right = 20, top = 10, plotH = 200, legendH = 16 * arms.length + 8;
  const W = 720, H = top + plotH + 30 + legendH;
  const all = arms.flatMap((a) => a.samplesNs).filter((v) => v > 0);
  const lo = Math.min(...all), hi = Math.max(...all);
  const sx = scale(lo * 0.9, hi * 1.1, left, W - right, true);
  const sy = scale(0, 1, top + plotH, top, false);
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="latency distribution of ${escapeHtml(c.name)}">`];
  for (const t of sx.ticks) parts.push(`<line x1="${fmt(sx(t))}" x2="${fmt(sx(t))}" y1="${top}" y2="${top + plotH}" class="grid"/><text x="${fmt(sx(t))}" y="${top + plotH + 14}" class="tick" text-anchor="middle">${escapeHtml(formatNs(t))}</text>`);
  for (const q of [0, 0.25, 0.5, 0.75, 0.9, 1]) parts.push(`<line x1="${left}" x2="${W - right}" y1="${fmt(sy(q))}" y2="${fmt(sy(q))}" class="grid"/><text x="${left - 4}" y="${fmt(sy(q) + 4)}" class="tick" text-anchor="end">p${Math.round(q * 100)}</text>`);
  parts.push(`<text x="${(left + W - right) / 2}" y="${top + plotH + 28}" class="tick" text-anchor="middle">latency per request (log); share of requests at or below it</text>`);
  arms.forEach((a, i) => {
    const sorted = [...a.samplesNs].sort((x, y) => x - y);
    const pts = sorted.map((v, j) => `${fmt(sx(v))},${fmt(sy((j + 1) / sorted.length))}`).join(' ');
    const col = colors.of(a.name);
    parts.push(`<polyline points="${pts}" fill="none" stroke="${col}" stroke-width="2"><title>${escapeHtml(a.name)}</title></polyline>`);
    const y = top + plotH + 46 + i * 16;
    parts.push(`<rect x="${left}" y="${y - 9}" width="12" height="10" fill="${col}"/><text x="${left + 18}" y="${y}" class="label">${escapeHtml(`${a.name}: p50 ${formatNs(a.medianNs)}, p99 ${formatNs(a.p99Ns)}, max ${formatNs(a.maxNs)}`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Cost against size: median time per call for each arm across the cases of a group. */
export function growthChart(group: string, cases: readonly CaseResult[], colors: Colors): string {
  const pts = cases.filter((c) => c.x !== undefined).flatMap((c) => c.arms.filter((a) => !a.skipped && a.medianNs !== undefined && !a.noise).map((a) => ({ arm: a.name, x: c.x!, y: a.medianNs! })));
  if (pts.length < 2) return '';
  const W = 720, H = 300, left = 70, right = 150, top = 10, bottom = 40;
  const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
  const xlo = Math.min(...xs), xhi = Math.max(...xs), ylo = Math.min(...ys), yhi = Math.max(...ys);
  const xlog = xlo > 0 && xhi / xlo >= 10;
  const sx = scale(xlog ? xlo / 1.2 : Math.min(0, xlo), xhi * 1.1, left, W - right, xlog);
  const sy = scale(ylo / 1.5, yhi * 1.5, H - bottom, top, true);
  const xLabel = cases.find((c) => c.xLabel)?.xLabel ?? 'size';
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="cost by ${escapeHtml(xLabel)} for ${escapeHtml(group)}">`];
  for (const t of sx.ticks) parts.push(`<line x1="${fmt(sx(t))}" x2="${fmt(sx(t))}" y1="${top}" y2="${H - bottom}" class="grid"/><text x="${fmt(sx(t))}" y="${H - bottom + 14}" class="tick" text-anchor="middle">${escapeHtml(t >= 1e4 ? t.toExponential(0) : String(t))}</text>`);
  for (const t of sy.ticks) parts.push(`<line x1="${left}" x2="${W - right}" y1="${fmt(sy(t))}" y2="${fmt(sy(t))}" class="grid"/><text x="${left - 4}" y="${fmt(sy(t) + 4)}" class="tick" text-anchor="end">${escapeHtml(formatNs(t))}</text>`);
  parts.push(`<text x="${(left + W - right) / 2}" y="${H - 6}" class="tick" text-anchor="middle">${escapeHtml(xLabel)}${xlog ? ' (log)' : ''}; time per call (log)</text>`);
  const arms = [...new Set(pts.map((p) => p.arm))];
  arms.forEach((arm, i) => {
    const line = pts.filter((p) => p.arm === arm).sort((a, b) => a.x - b.x);
    const col = colors.of(arm);
    parts.push(`<polyline points="${line.map((p) => `${fmt(sx(p.x))},${fmt(sy(p.y))}`).join(' ')}" fill="none" stroke="${col}" stroke-width="2"/>`);
    for (const p of line) parts.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.y))}" r="3" fill="${col}"><title>${escapeHtml(`${arm} at ${p.x}: ${formatNs(p.y)}`)}</title></circle>`);
    parts.push(`<text x="${W - right + 8}" y="${top + 14 + i * 16}" class="label" fill="${col}">${escapeHtml(arm)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Compare mode: ratio per row on a log axis centred on 1. */
export function ratioChart(cmp: Comparison, colors: Colors): string {
  const rows = cmp.rows.filter((r) => r.ratio !== undefined);
  if (rows.length === 0) return '';
  const W = 720, left = 330, right = 70, rowH = 20, top = 8, H = top + rows.length * rowH + 26;
  const ext = Math.max(2, ...rows.map((r) => Math.max(r.ratio!, 1 / r.ratio!)));
  const sx = scale(1 / ext, ext, left, W - right, true);
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="ratios against the other run">`];
  for (const t of sx.ticks) parts.push(`<line x1="${fmt(sx(t))}" x2="${fmt(sx(t))}" y1="${top}" y2="${H - 20}" class="${t === 1 ? 'axis' : 'grid'}"/><text x="${fmt(sx(t))}" y="${H - 6}" class="tick" text-anchor="middle">${escapeHtml(formatRatio(t))}</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const a = sx(1), b = sx(r.ratio!);
    parts.push(`<text x="${left - 6}" y="${y + 14}" text-anchor="end" class="label">${escapeHtml(`${r.case} · ${r.arm}`.slice(0, 60))}</text>`);
    parts.push(`<rect x="${fmt(Math.min(a, b))}" y="${y + 3}" width="${fmt(Math.max(1, Math.abs(b - a)))}" height="${rowH - 6}" fill="${r.ratio! >= 1 ? '#29a35a' : '#e4572e'}"><title>${escapeHtml(formatRatio(r.ratio))}</title></rect>`);
    parts.push(`<text x="${fmt(Math.max(a, b) + 4)}" y="${y + 14}" class="value">${escapeHtml(formatRatio(r.ratio))}</text>`);
  });
  void colors;
  parts.push('</svg>');
  return parts.join('');
}

function armRow(c: CaseResult, a: ArmResult): string {
  const cells = a.skipped
    ? [escapeHtml(a.name), `<td colspan="6" class="skip">skipped: ${escapeHtml(a.skipped)}</td>`]
    : [
        escapeHtml(a.name) + (a.noise ? ' <span class="tag">noise floor</span>' : ''),
        `<td>${formatNs(a.medianNs)}</td>`,
        `<td>${formatNs(a.p99Ns)}</td>`,
        `<td>${formatPercent(a.spread)}</td>`,
        `<td>${escapeHtml(formatRate(a.opsPerSec))}</td>`,
        `<td>${a.bytesPerSec !== undefined ? escapeHtml(formatBytesPerSec(a.bytesPerSec)) : a.itemsPerSec !== undefined ? escapeHtml(formatRate(a.itemsPerSec, ' items/s')) : ''}</td>`,
        `<td>${a.speedup !== undefined ? formatRatio(a.speedup) : ''}</td>`,
      ];
  const extra: string[] = [];
  if (a.note) extra.push(a.note);
  if (a.cpuNsPerCall !== undefined && c.kind !== 'latency') extra.push(`CPU ${formatNs(a.cpuNsPerCall)}/call`);
  if (a.rssDeltaBytes !== undefined) extra.push(`peak RSS +${formatBytes(a.rssDeltaBytes)}`);
  if (a.serverCpuNsPerOp !== undefined) extra.push(`server CPU ${formatNs(a.serverCpuNsPerOp)}/req`);
  if (a.serverRssBytes !== undefined) extra.push(`server RSS ${formatBytes(a.serverRssBytes)}`);
  if (a.extra) for (const [k, v] of Object.entries(a.extra)) extra.push(`${k} ${v}`);
  return `<tr><td>${cells[0]}</td>${cells.slice(1).join('')}<td class="note">${escapeHtml(extra.join('; '))}</td></tr>`;
}

function caseSection(c: CaseResult, colors: Colors): string {
  const params = c.params ? Object.entries(c.params).map(([k, v]) => `${k} ${v}`).join(', ') : '';
  const chart = c.kind === 'latency' ? latencyChart(c, colors) + throughputChart(c, colors) : throughputChart(c, colors);
  return `<section class="case"><h3>${escapeHtml(c.name)}${c.interrupted ? ' <span class="warn">interrupted</span>' : ''}</h3>
${params ? `<p class="params">${escapeHtml(params)}</p>` : ''}
<table><thead><tr><th>arm</th><th>${c.kind === 'latency' ? 'median latency' : 'median'}</th><th>p99</th><th>spread</th><th>ops/s</th><th>throughput</th><th>${c.baseline ? `vs ${escapeHtml(c.baseline)}` : 'ratio'}</th><th>notes</th></tr></thead>
<tbody>${c.arms.map((a) => armRow(c, a)).join('\n')}</tbody></table>
${(c.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}
${chart}</section>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
td:first-child,th:first-child,td.note,td.skip{text-align:left}td.note{white-space:normal;color:#555;font-size:12px}td.skip{color:#999}
.tag{font-size:11px;background:#eee;border-radius:3px;padding:0 4px;color:#555}.warn{color:#b00;font-size:12px}
.params,.note{color:#555;font-size:12px;margin:2px 0}.chart{display:block;margin:8px 0;max-width:100%;height:auto}
.chart .grid{stroke:#eee}.chart .axis{stroke:#888}.chart .tick{font-size:10px;fill:#777}.chart .label{font-size:12px}.chart .value{font-size:11px;fill:#333}
.chart .whisker{stroke:#222;stroke-width:1.5}dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{color:#666}dd{margin:0}`;

export interface ReportOptions {
  readonly comparison?: Comparison;
  readonly title?: string;
}

export function renderReport(r: BenchResults, options: ReportOptions = {}): string {
  const colors = new Colors();
  const m = r.machine;
  const title = options.title ?? `Myelin benchmarks — ${m.cpuModel}, ${m.cores} cores — ${r.startedAt.slice(0, 16).replace('T', ' ')}`;
  const machine: [string, string][] = [
    ['CPU', m.cpuModel],
    ['CPU features', m.cpuFeatures.join(' ') || '(none found)'],
    ['cores', String(m.cores)],
    ['memory', `${formatBytes(m.memoryBytes)} (${formatBytes(m.freeMemoryBytes)} free at start)`],
    ['OS', `${m.os} ${m.arch}`],
    ['Node', m.node],
    ['kernel path in use', m.kernelPathInUse],
    ['kernel paths', m.kernelPaths.map((k) => `${k.path}: ${k.loaded ? Object.entries(k.features ?? {}).map(([n, v]) => `${n}=${v}`).join(', ') || 'loaded' : `not loaded (${k.error ?? '?'})`}`).join(' · ')],
    ['load average at start (1, 5, 15 min)', m.loadAverage ? `${m.loadAverage.join(', ')} on ${m.cores} cores` : 'unknown'],
    ['Myelin commit', m.commit ? `${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}` : 'unknown'],
    ['run', `${r.startedAt} → ${r.finishedAt}${r.quick ? ' (quick: CI-sized, numbers not representative)' : ''}`],
    ['asked for', r.selection.join(' ')],
  ];
  if (r.target) machine.push(['target', r.target.url + (r.target.serverPid ? ` (server PID ${r.target.serverPid})` : '')]);

  const bySuite = new Map<string, CaseResult[]>();
  for (const c of r.cases) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), c]);
  const groups = new Map<string, CaseResult[]>();
  for (const c of r.cases) if (c.group !== undefined) { const k = `${c.suite} / ${c.group}`; groups.set(k, [...(groups.get(k) ?? []), c]); }

  const body: string[] = [];
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  if (r.interrupted) body.push('<p class="warn">This run was interrupted: the results below are partial.</p>');
  body.push(`<h2>Machine</h2><dl>${machine.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`);
  body.push('<p class="note">Each case: warm-up, then interleaved samples of every arm; median and p99 of per-sample time per call; spread is ±half the interquartile range relative to the median; the "(same code)" arm runs the first arm again to show the noise floor. Ratios: baseline median / arm median (&gt; 1 is faster).</p>');
  if (options.comparison) {
    const cmp = options.comparison;
    body.push(`<h2>Compared with another run</h2><p class="note">this run: ${escapeHtml(`${cmp.thisRun.startedAt} ${cmp.thisRun.machine}${cmp.thisRun.target ? ` ${cmp.thisRun.target}` : ''}`)}<br>other run: ${escapeHtml(`${cmp.otherRun.startedAt} ${cmp.otherRun.machine}${cmp.otherRun.target ? ` ${cmp.otherRun.target}` : ''}`)}<br>ratio = throughput of this run / the other (&gt; 1: this run is faster)${cmp.geomean !== undefined ? `; geometric mean ${escapeHtml(formatRatio(cmp.geomean))}` : ''}</p>`);
    body.push(`<table><thead><tr><th>case</th><th>arm</th><th>this</th><th>other</th><th>ratio</th><th>p99 other/this</th></tr></thead><tbody>${cmp.rows.map((row) => `<tr><td>${escapeHtml(row.case)}</td><td>${escapeHtml(row.arm)}</td><td>${formatNs(row.thisMedianNs)}</td><td>${formatNs(row.otherMedianNs)}</td><td>${row.ratio !== undefined ? formatRatio(row.ratio) : `missing in ${row.missing === 'this' ? 'this run' : 'other run'}`}</td><td>${row.p99Ratio !== undefined ? formatRatio(row.p99Ratio) : ''}</td></tr>`).join('')}</tbody></table>`);
    body.push(ratioChart(cmp, colors));
  }
  const verdicts = evaluateTargets(r).filter((v) => v.met !== undefined);
  if (verdicts.length) {
    body.push(`<h2>Targets</h2><table><thead><tr><th>target</th><th>on this machine</th><th>cases</th></tr></thead><tbody>${verdicts.map((v) => `<tr><td>${escapeHtml(v.description)}</td><td>${v.met ? 'met' : '<span class="warn">not met</span>'}</td><td class="note">${escapeHtml(v.cases.map((c) => `${c.case}: ${c.value}${c.met ? '' : ' (short)'}`).join('; '))}</td></tr>`).join('')}</tbody></table>`);
  }
  if (groups.size) {
    body.push('<h2>Cost as inputs grow</h2>');
    for (const [name, cs] of groups) {
      const chart = growthChart(name, cs, colors);
      if (chart) body.push(`<h3>${escapeHtml(name)}</h3>${chart}`);
    }
  }
  for (const [suite, cs] of bySuite) {
    const rec = r.suites.find((s) => s.name === suite);
    body.push(`<h2>${escapeHtml(suite)}${rec ? ` <span class="tag">${escapeHtml(rec.tier)}</span>` : ''}</h2>${rec ? `<p class="note">${escapeHtml(rec.description)}</p>` : ''}`);
    for (const c of cs) body.push(caseSection(c, colors));
  }
  const notRun = r.suites.filter((s) => s.status !== 'ran');
  if (notRun.length) body.push(`<h2>Suites not run</h2><ul>${notRun.map((s) => `<li>${escapeHtml(s.name)}: ${escapeHtml(s.status)}${s.reason ? ` — ${escapeHtml(s.reason)}` : ''}</li>`).join('')}</ul>`);
  if (r.notes.length) body.push(`<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  // The raw results travel with the report (inert data, never executed).
  const raw = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${body.join('\n')}
<script type="application/json" id="myelin-bench-results">${raw}</script>
</body></html>
`;
}
