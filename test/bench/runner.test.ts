// The runner and measurement: what a run records, results-file schema, and
// interruption keeping partial results. Nothing here asserts a speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSuites, selectSuites } from '../../src/bench/runner.js';
import { validateResults, ResultsFileError, RESULTS_SCHEMA } from '../../src/bench/results.js';
import { fakeSuite, silentProgress, testMachine } from './helpers.js';

const env = { machine: testMachine, quick: true };

async function run(reg: Parameters<typeof selectSuites>[0], controller = new AbortController(), onUpdate?: (r: unknown) => void) {
  const { progress } = silentProgress();
  return runSuites({ selection: selectSuites(reg, ['all'], env), asked: ['all'], machine: testMachine, quick: true, signal: controller.signal, progress, ...(onUpdate ? { onUpdate } : {}) });
}

test('compare: every arm sampled, noise pair added, ratios against the baseline, skipped and failing arms reported', async () => {
  let calls = 0;
  const r = await run([fakeSuite('s', 'micro', async (ctx) => {
    await ctx.compare('case', [
      { name: 'a', fn: () => { calls++; return calls; }, bytesPerOp: 100, itemsPerOp: 4 },
      { name: 'b', fn: () => [1, 2, 3].map((x) => x * 2) },
      { name: 'missing', fn: () => 0, skip: 'package not installed' },
      { name: 'broken', fn: () => { throw new Error('kaput'); } },
    ], { noisePair: true, baseline: 'b', group: 'g', x: 7, params: { size: 7 } });
  })]);
  const c = r.cases[0]!;
  assert.equal(c.kind, 'compare');
  assert.equal(c.baseline, 'b');
  assert.equal(c.group, 'g');
  assert.equal(c.x, 7);
  assert.deepEqual(c.arms.map((a) => a.name), ['a', 'b', 'missing', 'broken', 'a (same code)']);
  const [a, b, missing, broken, noise] = c.arms;
  assert.equal(a!.samplesNs.length, 3);
  assert.equal(b!.speedup, 1);
  assert.equal(a!.speedup, b!.medianNs! / a!.medianNs!);
  assert.equal(a!.bytesPerSec, a!.opsPerSec! * 100);
  assert.equal(a!.itemsPerSec, a!.opsPerSec! * 4);
  assert.equal(missing!.skipped, 'package not installed');
  assert.match(broken!.skipped!, /^failed: kaput/);
  assert.equal(noise!.noise, true);
  assert.equal(noise!.samplesNs.length, 3);
  assert.ok(calls > 6, 'the measured function was really called');
});

test('compare refuses two arms with one name', async () => {
  const r = await run([fakeSuite('s', 'micro', async (ctx) => {
    await ctx.compare('dup', [{ name: 'x', fn: () => 1 }, { name: 'x', fn: () => 2 }]);
  })]);
  assert.equal(r.suites[0]!.status, 'failed');
  assert.match(r.suites[0]!.reason!, /two arms named "x"/);
});

test('async arms are awaited; measureOnce and latency record their numbers', async () => {
  let resolved = 0;
  const r = await run([fakeSuite('s', 'macro', async (ctx) => {
    await ctx.compare('async', [{ name: 'p', fn: () => new Promise<void>((res) => setImmediate(() => { resolved++; res(); })) }]);
    await ctx.measureOnce('heavy', () => new Array(1000).fill(0).map((_, i) => i), { items: 1000, bytes: 8000 });
    ctx.latency('lat', [{ arm: 'server', latenciesNs: [3e6, 1e6, 2e6, 4e6], wallNs: 2e9, serverCpuNs: 8e6 }, { arm: 'empty', latenciesNs: [], wallNs: 0, note: 'no requests' }]);
    ctx.note('load generator: test');
  })]);
  assert.ok(resolved >= 3);
  const [asyncCase, once, lat] = r.cases;
  assert.equal(asyncCase!.arms[0]!.samplesNs.length, 3);
  assert.equal(once!.kind, 'once');
  assert.equal(once!.arms[0]!.samplesNs.length, 1);
  assert.ok(Math.abs(once!.arms[0]!.itemsPerSec! / (1000 * once!.arms[0]!.opsPerSec!) - 1) < 1e-12);
  assert.ok(once!.arms[0]!.rssDeltaBytes! >= 0);
  assert.equal(lat!.kind, 'latency');
  const server = lat!.arms[0]!;
  assert.equal(server.medianNs, 2.5e6);
  assert.equal(server.opsPerSec, 2); // 4 requests in 2 s
  assert.equal(server.serverCpuNsPerOp, 2e6);
  assert.deepEqual(server.samplesNs, [1e6, 2e6, 3e6, 4e6]);
  assert.equal(lat!.arms[1]!.skipped, 'no requests');
  assert.deepEqual(r.notes, ['s: load generator: test']);
});

test('results document: schema, machine, suites and cases survive a JSON round trip and validate', async () => {
  const r = await run([
    fakeSuite('one', 'micro', async (ctx) => { await ctx.compare('c', [{ name: 'x', fn: () => 1 }]); }),
    fakeSuite('two', 'macro', async () => {}, () => 'needs --target URL'),
  ]);
  const doc = JSON.parse(JSON.stringify(r));
  const v = validateResults(doc);
  assert.equal(v.schema, RESULTS_SCHEMA);
  assert.equal(v.interrupted, false);
  assert.equal(v.machine.cpuModel, 'Test CPU');
  assert.deepEqual(v.suites.map((s) => [s.name, s.status]), [['two', 'skipped'], ['one', 'ran']]);
  assert.equal(v.suites[0]!.reason, 'needs --target URL');
  assert.equal(v.cases.length, 1);
});

test('validateResults names the first problem of a bad file', () => {
  const good = { schema: RESULTS_SCHEMA, startedAt: 'x', finishedAt: 'y', interrupted: false, quick: true, selection: [], notes: [], suites: [], cases: [],
    machine: { cpuModel: 'c', node: 'v20', cores: 2 } };
  assert.doesNotThrow(() => validateResults(good));
  assert.throws(() => validateResults([]), ResultsFileError);
  assert.throws(() => validateResults({ ...good, schema: 'other/2' }), /unknown schema "other\/2"/);
  assert.throws(() => validateResults({ ...good, machine: undefined }), /"machine" must be an object/);
  assert.throws(() => validateResults({ ...good, cases: [{ suite: 's', name: 'n', tier: 'micro', kind: 'compare', arms: [{ name: 'a', samplesNs: ['x'] }] }] }), /cases\[0\]\.arms\[0\]: "samplesNs" must hold numbers/);
  assert.throws(() => validateResults({ ...good, cases: [{ suite: 's', name: 'n', tier: 'mega', kind: 'compare', arms: [] }] }), /"tier" must be one of/);
});

test('interruption: the current case keeps its samples, later suites are not run, the run is marked interrupted', async () => {
  const controller = new AbortController();
  const updates: unknown[] = [];
  let laterRan = false;
  let rounds = 0;
  const r = await run([
    fakeSuite('first', 'micro', async (ctx) => {
      await ctx.compare('done before Ctrl-C', [{ name: 'x', fn: () => 1 }]);
      // Ctrl-C arrives while the second case is being sampled
      await ctx.compare('cut short', [{ name: 'x', fn: () => { if (++rounds === 40) controller.abort(); return rounds; } }], { samples: 3 });
      if (!ctx.signal.aborted) await ctx.compare('never', [{ name: 'x', fn: () => 1 }]);
    }),
    fakeSuite('second', 'core', async () => { laterRan = true; }),
  ], controller, (u) => updates.push(u));
  assert.equal(r.interrupted, true);
  assert.equal(laterRan, false);
  assert.deepEqual(r.cases.map((c) => c.name), ['done before Ctrl-C', 'cut short']);
  assert.equal(r.cases[0]!.interrupted, undefined);
  assert.equal(r.cases[1]!.interrupted, true);
  assert.deepEqual(r.suites.map((s) => [s.name, s.status]), [['first', 'interrupted'], ['second', 'not-run']]);
  // partial results were handed out as they came, each a valid results document
  assert.ok(updates.length >= 2);
  for (const u of updates) validateResults(JSON.parse(JSON.stringify(u)));
  assert.equal((updates[0] as { interrupted: boolean }).interrupted, true, 'a partial snapshot is marked interrupted until the run finishes');
});

test('a suite that throws is recorded as failed and the run goes on', async () => {
  const r = await run([
    fakeSuite('bad', 'micro', async () => { throw new Error('no inputs'); }),
    fakeSuite('good', 'micro', async (ctx) => { await ctx.compare('c', [{ name: 'x', fn: () => 1 }]); }),
  ]);
  assert.deepEqual(r.suites.map((s) => [s.name, s.status, s.reason]), [['bad', 'failed', 'no inputs'], ['good', 'ran', undefined]]);
  assert.equal(r.interrupted, false);
});
