// Crash safety: a child process appends events and acknowledges each one
// after its durable commit; we SIGKILL it at random moments, reopen the store
// and check that every acknowledged event is there with its state, and that
// what is there is whole: no event without its bytes, position, state or
// extremity update, no position allocated without its event.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/index.js';
import { CRASH_ROOM, crashEvent, crashEventId } from './crash-writer.js';

const KILLS = 25;
const writer = join(fileURLToPath(new URL('.', import.meta.url)), 'crash-writer.js');

interface Run {
  acks: Map<number, number>;
  exitSignal: NodeJS.Signals | null;
  exitCode: number | null;
  stderr: string;
}

/** Start the writer, wait until it is ready, let it write for `ms`, then SIGKILL it. */
function runAndKill(dir: string, seed: number, ms: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), ms);
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m) acks.set(Number(m[1]), Number(m[2]));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (timer) clearTimeout(timer);
      resolve({ acks, exitSignal: signal, exitCode: code, stderr });
    });
  });
}

/**
 * Reopen the store and check it: every acknowledged event present at its
 * position, the room's head whole, and events after `checkedUpTo` complete.
 * Returns the number of events now stored.
 */
async function verifyStore(dir: string, allAcks: ReadonlyMap<number, number>, checkedUpTo: number, when: string): Promise<number> {
  const store = await openStore({ backend: 'lmdb', path: dir });
  try {
    const timeline = await store.read((tx) => store.events.timeline(tx, CRASH_ROOM));
    const n = timeline.length;
    // Positions: exactly 1..n, allocated together with their events.
    assert.equal(await store.read((tx) => store.positions.current(tx, 'events')), n, 'no position without its event');
    timeline.forEach((e, i) => {
      assert.equal(e.streamPos, i + 1);
      assert.equal(e.eventId, crashEventId(i + 1));
    });
    // Every acknowledged event is present at the position it was acknowledged with.
    for (const [depth, pos] of allAcks) {
      assert.ok(depth <= n, `acknowledged event ${depth} lost (store has ${n}) after ${when}`);
      assert.equal(timeline[depth - 1]!.streamPos, pos);
    }
    // The room's head is whole: one extremity (the last event), current state = its state.
    if (n > 0) {
      const last = timeline[n - 1]!;
      assert.deepEqual(await store.read((tx) => store.extremities.get(tx, CRASH_ROOM)), [last.eventId]);
      assert.equal(await store.read((tx) => store.state.currentSnapshot(tx, CRASH_ROOM)), last.stateAfter);
      const current = await store.read((tx) => store.state.current(tx, CRASH_ROOM));
      assert.deepEqual(new Map(current), new Map(await store.read((tx) => store.state.at(tx, last.stateAfter!))));
      const joined = (await store.read((tx) => store.membership.ofRoom(tx, CRASH_ROOM, 'join'))).length;
      assert.equal(joined, Math.floor(n / 3), 'one membership row per member event');
    }
    // Events new since the last check: bytes, metadata and state are all there.
    for (let depth = checkedUpTo + 1; depth <= n; depth++) {
      const e = timeline[depth - 1]!;
      const want = crashEvent(depth);
      assert.deepEqual(Buffer.from(e.json), want.json);
      assert.equal(e.type, want.type);
      assert.deepEqual(e.prevEvents, depth === 1 ? [] : [crashEventId(depth - 1)]);
      if (want.stateKey !== undefined) {
        assert.equal(await store.read((tx) => store.state.get(tx, e.stateAfter!, want.type, want.stateKey!)), e.eventId);
      }
      if (depth > 1) assert.equal(e.stateBefore, timeline[depth - 2]!.stateAfter);
    }
    return n;
  } finally {
    await store.close();
  }
}

test(`store survives ${KILLS} SIGKILLs: acknowledged events present, nothing half-written`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-crash-'));
  const allAcks = new Map<number, number>();
  let checkedUpTo = 0;
  let seed = Number(process.env.MYELIN_CRASH_SEED ?? Date.now() % 100_000);
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      // Mostly short lives (kills during startup and first commits), some longer.
      const ms = rand(4) === 0 ? 150 + rand(350) : rand(120);
      const run = await runAndKill(dir, seed + kill, ms);
      assert.equal(run.exitSignal, 'SIGKILL', `writer died on its own (code ${run.exitCode}, ${run.acks.size} acks, kill ${kill}): ${run.stderr}`);
      for (const [depth, pos] of run.acks) allAcks.set(depth, pos);

      checkedUpTo = await verifyStore(dir, allAcks, checkedUpTo, `kill ${kill}`);
    }
    assert.ok(allAcks.size > 0, 'the writer acknowledged events at all');
    t.diagnostic(`${KILLS} kills, ${checkedUpTo} events stored, ${allAcks.size} acknowledged`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two writer processes share one store: one chain, unique positions, every acknowledgement kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-2proc-'));
  try {
    // Both append to the same room, each reading the tip inside its write transaction.
    const runs = await Promise.all([runAndKill(dir, 1, 1500), runAndKill(dir, 2, 1500)]);
    const [a, b] = runs.map((r) => r.acks);
    for (const r of runs) assert.equal(r.exitSignal, 'SIGKILL', `writer died on its own: ${r.stderr}`);
    assert.ok(a!.size > 0 && b!.size > 0, 'both processes wrote');
    for (const depth of a!.keys()) assert.equal(b!.has(depth), false, `event ${depth} acknowledged by both processes`);
    const positions = [...a!.values(), ...b!.values()];
    assert.equal(new Set(positions).size, positions.length, 'positions are unique across processes');
    await verifyStore(dir, new Map([...a!, ...b!]), 0, 'two writers');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
