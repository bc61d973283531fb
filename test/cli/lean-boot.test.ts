// Lean start-up (src/cli/lean-boot.ts): it steps aside when the operator passed V8 flags
// of their own, once ended V8 optimises hot code again, and it ends under load, not
// while the process is idle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { beginLeanBoot, endLeanBoot, leanBootActive, leanBootAllowed } from '../../src/cli/lean-boot.js';

describe('lean start-up', () => {
  it('applies unless the operator set V8 flags it would override', () => {
    assert.equal(leanBootAllowed([], ''), true);
    assert.equal(leanBootAllowed(['--enable-source-maps', '--trace-opt'], '--max-old-space-size=512'), true);
    assert.equal(leanBootAllowed(['--max-semi-space-size=4'], ''), false);
    assert.equal(leanBootAllowed([], '--no-opt'), false);
    assert.equal(leanBootAllowed(['--jitless'], ''), false);
    assert.equal(leanBootAllowed([], '--semi_space_growth_factor=4'), false);
    assert.equal(leanBootAllowed(['--no-sparkplug'], ''), false);
  });

  it('is in force between begin and end, and ending twice is harmless', () => {
    if (!leanBootAllowed()) return; // this test process was started with such flags
    beginLeanBoot();
    try {
      assert.equal(leanBootActive(), true);
    } finally {
      endLeanBoot();
    }
    assert.equal(leanBootActive(), false);
    endLeanBoot();
    assert.equal(leanBootActive(), false);
  });

  it('after it ends, hot code is optimised again (checked in a child with V8 natives)', () => {
    const lean = new URL('../../src/cli/lean-boot.js', import.meta.url).href;
    const script = `
      const { beginLeanBoot, endLeanBoot } = await import(${JSON.stringify(lean)});
      function hot(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }
      const optimized = () => (%GetOptimizationStatus(hot) & 16) !== 0; // V8's kOptimized bit
      beginLeanBoot();
      for (let k = 0; k < 300; k++) hot(1000);
      const during = optimized();
      endLeanBoot();
      for (let k = 0; k < 300 && !optimized(); k++) { hot(1000); await new Promise((r) => setImmediate(r)); }
      process.stdout.write(JSON.stringify({ during, after: optimized() }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { during: false, after: true });
  });

  it('releaseStartupGarbage shrinks a grown young generation back (checked in a child)', () => {
    const lean = new URL('../../src/cli/lean-boot.js', import.meta.url).href;
    const script = `
      const v8 = await import('node:v8');
      const { releaseStartupGarbage } = await import(${JSON.stringify(lean)});
      const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').physical_space_size;
      let keep = [];
      for (let i = 0; i < 300000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50000) keep = []; }
      keep = undefined;
      const before = young();
      const ran = await releaseStartupGarbage();
      process.stdout.write(JSON.stringify({ ran, before, after: young() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.status, 0, r.stderr);
    const { ran, before, after } = JSON.parse(r.stdout) as { ran: boolean; before: number; after: number };
    assert.equal(ran, true);
    assert.ok(after < before, `young generation ${before} → ${after} bytes`);
  });

  it('after start-up it stays in force while the process is idle and ends once the event loop is busy (in a child)', () => {
    const lean = new URL('../../src/cli/lean-boot.js', import.meta.url).href;
    const script = `
      const { beginLeanBoot, endLeanBootWhenBusy, leanBootActive } = await import(${JSON.stringify(lean)});
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      beginLeanBoot();
      endLeanBootWhenBusy();
      await sleep(2300); // two seconds idle
      const idle = leanBootActive();
      // light load: 30 ms of work every 100 ms, allocating as requests do (the check wakes
      // on a garbage collection, then judges the seconds that follow)
      let kept = 0;
      for (let i = 0; i < 30 && leanBootActive(); i++) {
        const until = performance.now() + 30;
        while (performance.now() < until) kept += JSON.stringify({ body: 'x'.repeat(200), n: kept }).length;
        await sleep(70);
      }
      process.stdout.write(JSON.stringify({ idle, afterWork: leanBootActive() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { idle: true, afterWork: false });
  });
});
