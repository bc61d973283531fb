// The Prometheus exposition: Myelin's own metrics, then prom-client's default process
// metrics exactly as its collectDefaultMetrics registers them (src/server/metrics.ts keeps
// the CPU counters itself; this catches any drift from prom-client's list).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Metrics } from '../../src/server/metrics.js';
import { LAG_RESOLUTION_MS, registerEventLoopLag } from '../../src/server/loop-lag.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** the `# HELP` and `# TYPE` lines, in order */
const declarations = (text: string) => text.split('\n').filter((l) => l.startsWith('# HELP ') || l.startsWith('# TYPE '));
const valueOf = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.slice(name.length + 1));
};

describe('metrics', () => {
  it("exposes prom-client's default process metrics, each with its name, help and type, in its order", async () => {
    const reference = new Registry();
    collectDefaultMetrics({ register: reference, prefix: 'myelin_' });
    const expected = declarations(await reference.metrics());
    const ours = declarations(await new Metrics().render());
    const own = ['myelin_http_request_duration_seconds', 'myelin_events_persisted_total', 'myelin_sync_waiters', 'myelin_rate_limited_total'];
    assert.deepEqual(ours.filter((l) => !own.includes(l.split(' ')[2]!)), expected);
    assert.ok(expected.some((l) => l.startsWith('# TYPE myelin_process_cpu_user_seconds_total counter')));
  });

  it('counts CPU time: user + system = total, growing as the process works', async () => {
    const metrics = new Metrics();
    const first = await metrics.render();
    const start = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(start).user < 30_000) x += Math.sqrt(x + 1);
    assert.ok(x > 0);
    const second = await metrics.render();
    for (const text of [first, second]) {
      const user = valueOf(text, 'myelin_process_cpu_user_seconds_total');
      const system = valueOf(text, 'myelin_process_cpu_system_seconds_total');
      assert.ok(Math.abs(valueOf(text, 'myelin_process_cpu_seconds_total') - (user + system)) < 1e-6);
    }
    const grew = valueOf(second, 'myelin_process_cpu_user_seconds_total') - valueOf(first, 'myelin_process_cpu_user_seconds_total');
    assert.ok(grew >= 0.03, `user CPU grew by ${grew} s`);
  });

  it('samples the event-loop delay only while there is work: a request or a scrape wakes it, an idle spell puts it to sleep', async () => {
    const registry = new Registry();
    // the default 1 s check: the block below falls in the first second after the scrape woke it
    const lag = registerEventLoopLag(registry, 't_');
    assert.equal(lag.sampling, false, 'an idle process samples nothing');
    const first = await registry.metrics();
    assert.ok(Number.isNaN(valueOf(first, 't_nodejs_eventloop_lag_p50_seconds')), 'a scrape with no sample since the last says so (NaN), it does not make a delay up');
    assert.equal(lag.sampling, true, 'the scrape woke the sampler');
    await sleep(120);
    const blockedUntil = performance.now() + 60;
    while (performance.now() < blockedUntil) { /* the loop is blocked for 60 ms */ }
    await sleep(40);
    const second = await registry.metrics();
    const p50 = valueOf(second, 't_nodejs_eventloop_lag_p50_seconds');
    const max = valueOf(second, 't_nodejs_eventloop_lag_max_seconds');
    // the values include the timer's resolution, as prom-client's do
    assert.ok(p50 >= (LAG_RESOLUTION_MS / 1000) * 0.5 && p50 < 0.06, `p50 ${p50} s`);
    assert.ok(max >= 0.05, `the 60 ms block is seen: max ${max} s`);
    for (let i = 0; i < 100 && lag.sampling; i++) await sleep(50);
    assert.equal(lag.sampling, false, 'asleep after an idle second');
    lag.wake();
    assert.equal(lag.sampling, true, 'a request wakes it');
  });

  it("each request's latency observation wakes the lag sampler", async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 150 && metrics.lagSampling; i++) await sleep(20); // asleep once idle (~1-2 s)
    assert.equal(metrics.lagSampling, false);
    metrics.requestDuration.child('/_matrix/client/versions', 'GET', 200).observe(0.001);
    assert.equal(metrics.lagSampling, true);
    assert.equal(new Metrics({ processMetrics: false }).lagSampling, false);
  });
});
