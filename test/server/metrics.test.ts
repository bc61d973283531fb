// The Prometheus exposition: Myelin's own metrics, then prom-client's default process
// metrics exactly as its collectDefaultMetrics registers them (src/server/metrics.ts keeps
// the CPU counters itself; this catches any drift from prom-client's list).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Metrics } from '../../src/server/metrics.js';

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
});
