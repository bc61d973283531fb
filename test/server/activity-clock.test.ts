// The activity clock (src/server/activity-clock.ts): it ticks only while there is work,
// sleeps after an idle tick, and wakes on wake() or on a garbage collection.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityClock } from '../../src/server/activity-clock.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** waits (up to `ms`) until `ok` holds */
async function until(ok: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; !ok() && Date.now() < end;) await sleep(10);
  return ok();
}

function counted(keepGoing: (utilization: number, woken: boolean) => boolean) {
  const seen = { ticks: 0, wakes: 0, sleeps: 0, woken: [] as boolean[] };
  const clock = new ActivityClock({
    tick: (u, woken) => { seen.ticks++; seen.woken.push(woken); return keepGoing(u, woken); },
    onWake: () => seen.wakes++,
    onSleep: () => seen.sleeps++,
    intervalMs: 30,
  });
  return { clock, seen };
}

describe('activity clock', () => {
  it('does not tick until woken, then sleeps after a tick that finds no work', async () => {
    const { clock, seen } = counted((_u, woken) => woken);
    try {
      assert.equal(clock.awake, false);
      clock.wake();
      assert.equal(clock.awake, true);
      assert.equal(seen.wakes, 1);
      clock.wake(); // a sign of work while awake: the next tick sees it
      assert.ok(await until(() => !clock.awake, 3000), 'asleep again once a tick found nothing');
      assert.equal(seen.woken[0], true, 'the first tick saw the wake()');
      assert.equal(seen.woken.at(-1), false);
      assert.equal(seen.sleeps, 1);
      const ticks = seen.ticks;
      await sleep(150); // five intervals
      // (a GC in this process could wake it again; then it ticks and sleeps once more)
      assert.ok(seen.ticks === ticks || seen.wakes > 1, `no tick while asleep: ${ticks} → ${seen.ticks}`);
    } finally {
      clock.stop();
    }
  });

  it('a garbage collection wakes it', async () => {
    const { clock, seen } = counted(() => false);
    try {
      let keep: unknown[] = [];
      // allocate until the young generation is collected and the observer is told
      for (let i = 0; i < 200 && seen.wakes === 0; i++) {
        for (let j = 0; j < 20_000; j++) keep.push({ j, s: `x${j}` });
        keep = [];
        await sleep(1);
      }
      assert.ok(seen.wakes >= 1, 'woken by a GC');
    } finally {
      clock.stop();
    }
  });

  it('stopped, it neither ticks nor wakes', async () => {
    const { clock, seen } = counted(() => true);
    clock.wake();
    clock.stop();
    assert.equal(clock.awake, false);
    clock.wake();
    assert.equal(clock.awake, false);
    await sleep(100);
    assert.equal(seen.ticks, 0);
  });
});
