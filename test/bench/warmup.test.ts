// The warm-up policy before sequential cases: windows until two consecutive
// ones agree (median and, when known, the server's CPU per request), not
// before a minimum of requests, bounded in time and requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agree, describeWarmup, steadyBetween, warmUp, windowOf, WARMUP_POLICY, type WarmupPolicy, type WarmupWindow } from '../../src/bench/macro/warmup.js';

const policy: WarmupPolicy = { windowMs: 1000, tolerance: 0.1, minWindows: 2, minRequests: 5000, maxMs: 10_000, maxRequests: 20_000 };
const w = (medianMs: number, requests = 2000, cpuMs?: number): WarmupWindow => ({ requests, wallNs: 1e9, medianNs: medianMs * 1e6, ...(cpuMs !== undefined ? { serverCpuNsPerOp: cpuMs * 1e6 } : {}) });

/** A server whose windows are given in advance; records what the warm-up asked for. */
function scripted(windows: WarmupWindow[]) {
  const asked: { index: number; ms: number; max: number }[] = [];
  return {
    asked,
    window: async (index: number, ms: number, max: number) => { asked.push({ index, ms, max }); return windows[index] ?? windows[windows.length - 1]!; },
  };
}

test('agreement is symmetric and relative to the larger value', () => {
  assert.equal(agree(0.2, 0.21, 0.1), true);
  assert.equal(agree(0.21, 0.2, 0.1), true);
  assert.equal(agree(0.61, 0.21, 0.1), false);
  assert.equal(agree(0, 0, 0.1), true);
  assert.equal(steadyBetween(w(0.2, 1, 0.30), w(0.2, 1, 0.27), 0.1), true);
  assert.equal(steadyBetween(w(0.2, 1, 0.58), w(0.2, 1, 0.37), 0.1), false, 'the server CPU per request must settle too');
  assert.equal(steadyBetween(w(0.2, 1), w(0.2, 1, 0.37), 0.1), true, 'CPU compared only when both windows have it');
});

test('the lead\'s fresh-server windows: steady once the medians settle after the JIT tiers up', async () => {
  // medians and CPU per send from Myelin fresh from start (bench/README.md)
  const s = scripted([w(0.91, 1740, 1.45), w(0.61, 3629, 0.58), w(0.21, 5001, 0.37), w(0.20, 6500, 0.36), w(0.185, 7329, 0.27)]);
  const r = await warmUp(new AbortController().signal, policy, s.window);
  assert.equal(r.steady, true);
  assert.equal(r.windows.length, 4);
  assert.equal(r.requests, 1740 + 3629 + 5001 + 6500);
  assert.deepEqual(s.asked.map((a) => a.max), [20_000, 20_000 - 1740, 20_000 - 1740 - 3629, 20_000 - 1740 - 3629 - 5001]);
  assert.match(describeWarmup(r, policy, 'warm-up'), /^warm-up: 16870 requests in 4 windows of ~1 s \(4\.0 s\) until two consecutive windows agreed within 10 %; medians 910 µs → 610 µs → 210 µs → 200 µs; server CPU per request 1\.45 ms → 580 µs → 370 µs → 360 µs$/);
});

test('two slow windows that agree by chance do not end the warm-up before the minimum of requests', async () => {
  const s = scripted([w(4.95, 300), w(5.32, 290), w(5.1, 310), w(0.3, 3000), w(0.29, 3000)]);
  const r = await warmUp(new AbortController().signal, policy, s.window);
  assert.equal(r.steady, true);
  assert.equal(r.windows.length, 5);
});

test('caps: time, requests, interruption; a window with no request ends it', async () => {
  let r = await warmUp(new AbortController().signal, policy, scripted([w(1, 100), w(2, 100)]).window);
  assert.deepEqual([r.steady, r.windows.length, r.stoppedBy], [false, 10, 'time cap of 10 s']);
  assert.match(describeWarmup(r, policy, 'warm-up'), /NOT steady: stopped by time cap of 10 s before 5000 requests/);
  r = await warmUp(new AbortController().signal, policy, scripted([w(1, 8000), w(2, 8000), w(1, 8000)]).window);
  assert.deepEqual([r.steady, r.requests, r.stoppedBy], [false, 24_000, 'cap of 20000 requests']);
  const ac = new AbortController();
  r = await warmUp(ac.signal, policy, async () => { ac.abort(); return w(1, 10); });
  assert.deepEqual([r.steady, r.windows.length, r.stoppedBy], [false, 1, 'interrupted']);
  r = await warmUp(new AbortController().signal, policy, scripted([w(0, 0)]).window);
  assert.deepEqual([r.steady, r.stoppedBy], [false, 'a window completed no request']);
  assert.equal(WARMUP_POLICY.minRequests, 5000);
});

test('a load generator\'s record becomes a window: median, and server CPU per request when sampled', () => {
  const win = windowOf({ arm: 'x', latenciesNs: [3, 1, 2], wallNs: 5, serverCpuNs: 30 });
  assert.deepEqual(win, { requests: 3, wallNs: 5, medianNs: 2, serverCpuNsPerOp: 10 });
  assert.equal(windowOf({ arm: 'wrk', latenciesNs: [1, 2, 3], requests: 900, wallNs: 5 }).requests, 900, 'wrk\'s count, not its percentiles');
});
