// The issue-2 targets, judged from results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readResultsFile } from '../../src/bench/results.js';
import { evaluateTargets, targetsText } from '../../src/bench/targets.js';
import { renderReport } from '../../src/bench/report.js';
import { fixture } from './helpers.js';

const results = readResultsFile(fixture('results-v1.json'));

test('targets are judged per case from the fixed results file', () => {
  const v = evaluateTargets(results);
  assert.deepEqual(v.map((t) => [t.id, t.met, t.cases.map((c) => [c.case, c.value, c.met])]), [
    ['canonical-json-throughput', true, [['message event 4.0 KB', '2.05 GB/s (CPU time: 2.04 GB/s)', true], ['message event 64 KB', '2.05 GB/s', true]]],
    ['canonical-json-vs-js', true, [['message event 4.0 KB', '10.0×', true], ['message event 64 KB', '12.5×', true]]],
    ['verify-batch-vs-js', undefined, []],
    ['send-median', undefined, []],
    ['sync-incremental-throughput', undefined, []],
    ['idle-rss', undefined, []],
    ['romeo-juliet-replay', undefined, []],
  ]);
  assert.match(targetsText(v), /target: native canonical JSON ≥ 1 GB\/s on 1–64 KB events: MET/);
  assert.ok(renderReport(results).includes('<h2>Targets</h2>'));
});

test('one short case makes a target not met, and says which', () => {
  const slow = JSON.parse(JSON.stringify(results));
  const native = slow.cases[1].arms[0];
  native.medianNs = 100000; native.bytesPerSec = 655360000; // 64 KB in 100 µs: 0.66 GB/s, 4× js
  const v = evaluateTargets(slow);
  assert.equal(v[0]!.met, false);
  assert.deepEqual(v[0]!.cases.map((c) => c.met), [true, false]);
  assert.equal(v[1]!.met, false);
  assert.match(targetsText(v), /NOT MET \(message event 4\.0 KB 2\.05 GB\/s \(CPU time: 2\.04 GB\/s\); message event 64 KB 655 MB\/s ✗\)/);
});

test('verifyBatch target uses the 10,000-event case only', () => {
  const r = JSON.parse(JSON.stringify(results));
  const arm = (name: string, medianNs: number) => ({ name, samplesNs: [medianNs], medianNs, opsPerSec: 1e9 / medianNs });
  r.cases.push({ suite: 'micro-ed25519', tier: 'micro', name: 'verifyBatch 1000 events', kind: 'compare', params: { events: 1000 }, arms: [arm('native', 1), arm('js', 2)] });
  r.cases.push({ suite: 'micro-ed25519', tier: 'micro', name: 'verifyBatch 10000 events', kind: 'compare', params: { events: 10000 }, arms: [arm('native', 1e9), arm('js', 3.5e9)] });
  const v = evaluateTargets(r)[2]!;
  assert.deepEqual([v.met, v.cases.map((c) => [c.case, c.value])], [true, [['verifyBatch 10000 events', '3.50×']]]);
});

test('issue-5 targets: send median, best incremental sync arm, idle RSS, the full replay only', () => {
  const r = JSON.parse(JSON.stringify(results));
  const lat = (name: string, medianNs: number, opsPerSec: number, extra: Record<string, number> = {}) => ({ name, samplesNs: [medianNs], medianNs, opsPerSec, extra });
  r.cases.push({ suite: 'macro-send', tier: 'macro', name: 'PUT send, sequential', kind: 'latency', arms: [lat('sequential', 0.4e6, 2500)] });
  r.cases.push({ suite: 'macro-sync', tier: 'macro', name: '/sync incremental, rotating since-tokens', kind: 'latency', arms: [lat('incremental, 8 at once', 1e6, 8000), lat('incremental, 32 at once', 1.5e6, 21000)] });
  r.cases.push({ suite: 'macro-idle', tier: 'macro', name: 'server RSS at rest', kind: 'latency', arms: [{ name: 'idle', samplesNs: [], serverRssBytes: 74 * 1024 ** 2 }] });
  r.cases.push({ suite: 'macro-romeo-juliet', tier: 'macro', name: 'replay: 40 lines, in order', kind: 'latency', params: { lines: 40 }, arms: [lat('replay', 1e6, 1000, { wallMs: 40 })] });
  r.cases.push({ suite: 'macro-romeo-juliet', tier: 'macro', name: 'replay: 3123 lines, in order', kind: 'latency', params: { lines: 3123 }, arms: [lat('replay', 1e6, 1000, { wallMs: 3123 })] });
  const v = Object.fromEntries(evaluateTargets(r).map((t) => [t.id, [t.met, t.cases.map((c) => c.value)]]));
  assert.deepEqual(v['send-median'], [true, ['400 µs']]);
  // with wrk's arms beside our client's, the targets are judged on wrk's (the generator that is not the bottleneck)
  r.cases[r.cases.length - 5].arms.unshift(lat('sequential (wrk)', 0.6e6, 1600));
  r.cases[r.cases.length - 1].arms.unshift(lat('replay (wrk)', 0.5e6, 2000, { wallMs: 1800 }));
  const w = Object.fromEntries(evaluateTargets(r).map((t) => [t.id, [t.met, t.cases.map((c) => c.value)]]));
  assert.deepEqual(w['send-median'], [false, ['600 µs (wrk)']]);
  assert.deepEqual(w['romeo-juliet-replay'], [true, ['1.80 s (wrk)']]);
  assert.deepEqual(v['sync-incremental-throughput'], [true, ['21.0 k req/s']]);
  assert.deepEqual(v['idle-rss'], [false, ['74.0 MiB']]);
  assert.deepEqual(v['romeo-juliet-replay'], [false, ['3.12 s']]);
});
