// Compare mode: two runs side by side as ratios.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../src/bench/compare.js';
import { comparisonTable } from '../../src/bench/table.js';
import type { BenchResults } from '../../src/bench/results.js';
import { RESULTS_SCHEMA } from '../../src/bench/results.js';
import type { ArmResult, CaseResult } from '../../src/bench/suite.js';
import { testMachine } from './helpers.js';

function arm(name: string, medianNs: number, extra: Partial<ArmResult> = {}): ArmResult {
  return { name, samplesNs: [medianNs], medianNs, p99Ns: medianNs * 2, opsPerSec: 1e9 / medianNs, ...extra };
}
function c(name: string, arms: ArmResult[], suite = 's'): CaseResult {
  return { suite, tier: 'micro', name, kind: 'compare', arms };
}
function run(cases: CaseResult[], url?: string): BenchResults {
  return { schema: RESULTS_SCHEMA, startedAt: 't', finishedAt: 't', interrupted: false, quick: false, selection: [], machine: testMachine, suites: [], cases, notes: [], ...(url ? { target: { url } } : {}) };
}

test('ratio is this run’s throughput over the other’s; p99 ratio is other p99 over this p99', () => {
  const mine = run([c('a', [arm('native', 1000), arm('js', 4000)])]);
  const theirs = run([c('a', [arm('native', 2000), arm('js', 4000)])]);
  const cmp = compareResults(mine, theirs);
  assert.deepEqual(cmp.rows.map((r) => [r.case, r.arm, r.ratio, r.p99Ratio]), [['s / a', 'native', 2, 2], ['s / a', 'js', 1, 1]]);
  assert.equal(cmp.rows[0]!.thisMedianNs, 1000);
  assert.equal(cmp.rows[0]!.otherMedianNs, 2000);
  assert.ok(Math.abs(cmp.geomean! - Math.SQRT2) < 1e-12);
});

test('latency cases compare measured throughput (requests/s), not 1/median', () => {
  const lat = (ops: number): CaseResult => ({ suite: 'macro-send', tier: 'macro', name: 'send', kind: 'latency', arms: [arm('client API', 1e6, { opsPerSec: ops })] });
  const cmp = compareResults(run([lat(900)], 'http://127.0.0.1:8008'), run([lat(300)], 'http://127.0.0.1:8448'));
  assert.equal(cmp.rows[0]!.ratio, 3);
  assert.equal(cmp.thisRun.target, 'http://127.0.0.1:8008');
  assert.equal(cmp.otherRun.target, 'http://127.0.0.1:8448');
});

test('cases and arms present on one side only are listed as missing, without a ratio', () => {
  const mine = run([c('a', [arm('native', 1000), arm('wasm', 1500)]), c('only-here', [arm('js', 10)])]);
  const theirs = run([c('a', [arm('native', 1000), arm('js', 3000)]), c('only-there', [arm('js', 10)])]);
  const rows = compareResults(mine, theirs).rows.map((r) => [r.case, r.arm, r.ratio, r.missing]);
  assert.deepEqual(rows, [
    ['s / a', 'native', 1, undefined],
    ['s / a', 'wasm', undefined, 'other'],
    ['s / a', 'js', undefined, 'this'],
    ['s / only-here', 'js', undefined, 'other'],
    ['s / only-there', 'js', undefined, 'this'],
  ]);
});

test('skipped arms have no ratio', () => {
  const mine = run([c('a', [{ name: 'npm', samplesNs: [], skipped: 'not installed' }])]);
  const theirs = run([c('a', [arm('npm', 100)])]);
  const [row] = compareResults(mine, theirs).rows;
  assert.equal(row!.ratio, undefined);
  assert.equal(row!.missing, 'this');
  assert.equal(compareResults(mine, theirs).geomean, undefined);
});

test('the comparison table prints both medians and the ratio', () => {
  const t = comparisonTable(compareResults(run([c('a', [arm('native', 1000)])]), run([c('a', [arm('native', 3000)])])));
  assert.match(t, /s \/ a +native +1\.00 µs +3\.00 µs +3\.00×/);
  assert.match(t, /geometric mean of ratios: 3\.00×/);
});

test('an arm with no rate in either run (server RSS at rest) is left out, not called missing', () => {
  const idle = (rss: number): CaseResult => ({ suite: 'macro-idle', tier: 'macro', name: 'server RSS at rest', kind: 'latency', arms: [{ name: 'idle', samplesNs: [], serverRssBytes: rss }] });
  const send = c('send', [arm('sequential', 1e6)], 'macro-send');
  const cmp = compareResults(run([idle(70e6), send]), run([idle(80e6), send]));
  assert.deepEqual(cmp.rows.map((r) => [r.case, r.arm, r.ratio, r.missing]), [['macro-send / send', 'sequential', 1, undefined]]);
  const onlyHere = compareResults(run([idle(70e6)]), run([send]));
  assert.deepEqual(onlyHere.rows.map((r) => [r.case, r.missing]), [['macro-idle / server RSS at rest', 'other'], ['macro-send / send', 'this']]);
});
