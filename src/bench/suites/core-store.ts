// Core: the LMDB store (src/store). Events persisted per second — one durable
// write per event (fsync-bound latency), many single writes issued together
// (coalesced into shared commits), and 1,000 events per transaction; state
// at an event in a room grown to 200,000 state events one event at a time
// (one entry, and the whole state); store bytes per event; process RSS.
// `npm run bench -- store`. Stores live in a temp directory, removed after.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/index.js';
import type { PersistEventInput } from '../../store/repositories/events.js';
import { EMPTY_SNAPSHOT, type SnapshotId } from '../../store/repositories/state.js';
import { summarise } from '../../store/stats.js';
import type { Suite, SuiteContext } from '../suite.js';

const ROOM = '!bench:example.org';
const MESSAGE = Buffer.from(
  JSON.stringify({
    auth_events: ['$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
    content: { body: 'Hello, this is a benchmark message of typical length.', msgtype: 'm.text' },
    depth: 12345,
    hashes: { sha256: 'cccccccccccccccccccccccccccccccccccccccccccc' },
    origin_server_ts: 1_700_000_000_000,
    prev_events: ['$ddddddddddddddddddddddddddddddddddddddddddd'],
    room_id: ROOM,
    sender: '@alice:example.org',
    signatures: { 'example.org': { 'ed25519:a_1': 'e'.repeat(86) } },
    type: 'm.room.message',
  }),
);

let counter = 0;
const freshId = (): string => `$bench${++counter}_${Math.random().toString(36).slice(2, 12)}`;

/** Append one message on top of the room's forward extremity, reading the tip inside the transaction. */
function appendMessage(store: Store): Promise<unknown> {
  return store.write(function* (tx) {
    const [tip] = yield* store.extremities.get(tx, ROOM);
    const prev = tip === undefined ? undefined : yield* store.events.get(tx, tip);
    return yield* store.events.persist(tx, {
      eventId: freshId(),
      roomId: ROOM,
      sender: '@alice:example.org',
      type: 'm.room.message',
      depth: (prev?.depth ?? 0) + 1,
      originServerTs: Date.now(),
      prevEvents: prev === undefined ? [] : [prev.eventId],
      authEvents: [],
      json: MESSAGE,
      status: 'timeline',
      stateBefore: { snapshot: prev?.stateAfter ?? EMPTY_SNAPSHOT },
    });
  });
}

function batchOf(n: number, firstDepth: number, prev: string | undefined, state: SnapshotId): PersistEventInput[] {
  const out: PersistEventInput[] = [];
  for (let i = 0; i < n; i++) {
    const id = freshId();
    out.push({
      eventId: id,
      roomId: ROOM,
      sender: '@alice:example.org',
      type: 'm.room.message',
      depth: firstDepth + i,
      originServerTs: Date.now(),
      prevEvents: prev === undefined ? [] : [prev],
      authEvents: [],
      json: MESSAGE,
      status: 'timeline',
      stateBefore: { snapshot: state },
    });
    prev = id;
  }
  return out;
}

async function withStore<T>(fn: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-bench-store-'));
  const store = await openStore({ backend: 'lmdb', path: dir });
  try {
    return await fn(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function totalBytes(store: Store): Promise<number> {
  return summarise(await store.stats()).totalBytes;
}

async function persistRates(ctx: SuiteContext): Promise<void> {
  const singles = ctx.quick ? 50 : 1_000;
  const together = ctx.quick ? 200 : 10_000;
  const batch = 1_000;
  const batches = ctx.quick ? 2 : 20;
  await withStore(async (store) => {
    await appendMessage(store);
    const before = await totalBytes(store);
    await ctx.measureOnce(`persist ${singles} events, one awaited write each`, async () => {
      for (let i = 0; i < singles; i++) await appendMessage(store);
    }, { items: singles, params: { events: singles }, group: 'persist' });
    await ctx.measureOnce(`persist ${together} events, single writes issued together (coalesced)`, async () => {
      await Promise.all(Array.from({ length: together }, () => appendMessage(store)));
    }, { items: together, params: { events: together }, group: 'persist' });
    await ctx.measureOnce(`persist ${batch * batches} events, ${batch} per transaction`, async () => {
      for (let b = 0; b < batches; b++) {
        const tip = (await store.read((tx) => store.extremities.get(tx, ROOM)))[0]!;
        const prev = (await store.read((tx) => store.events.get(tx, tip)))!;
        await store.persistEvents(batchOf(batch, prev.depth + 1, tip, prev.stateAfter!));
      }
    }, { items: batch * batches, params: { events: batch * batches }, group: 'persist' });
    const events = (await store.read((tx) => store.positions.current(tx, 'events')));
    const bytes = (await totalBytes(store)) - before;
    ctx.note(`${events} message events (${MESSAGE.length}-byte JSON) took ${(bytes / 2 ** 20).toFixed(1)} MiB: ${Math.round(bytes / events)} bytes per event, all indexes included`);
  });
}

async function largeState(ctx: SuiteContext): Promise<void> {
  const members = ctx.quick ? 2_000 : 200_000;
  const perTxn = 2_000;
  await withStore(async (store) => {
    const ids: string[] = [];
    const snaps: SnapshotId[] = [];
    let state: SnapshotId = EMPTY_SNAPSHOT;
    let prev: string | undefined;
    const progress = ctx.progress(`growing a room to ${members} state events`, members);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let start = 0; start < members && !ctx.signal.aborted; start += perTxn) {
      const end = Math.min(members, start + perTxn);
      state = await store.write(function* (tx) {
        let s = state;
        for (let i = start; i < end; i++) {
          const id = `$member${i}`;
          const user = `@user${i}:example.org`;
          s = (yield* store.events.persist(tx, {
            eventId: id, roomId: ROOM, sender: user, type: i === 0 ? 'm.room.create' : 'm.room.member', stateKey: i === 0 ? '' : user,
            membership: 'join', depth: i + 1, originServerTs: i, prevEvents: prev === undefined ? [] : [prev], authEvents: [],
            json: Buffer.from(`{"type":"m.room.member","state_key":"${user}","content":{"membership":"join"}}`),
            status: 'timeline', stateBefore: { snapshot: s }, currentState: 'after',
          })).stateAfter!;
          prev = id;
          ids.push(id);
          snaps.push(s);
        }
        return s;
      });
      progress.tick(end - start);
    }
    progress.done();
    if (ctx.signal.aborted) return;
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const stats = summarise(await store.stats());
    const deltas = stats.trees.find((t) => t.tree === 'state.deltas')!;
    const params = {
      'state events': members,
      'store MiB': Math.round(stats.totalBytes / 2 ** 20),
      'bytes per state event': Math.round(stats.totalBytes / members),
      'state bytes per state event': Math.round(deltas.bytes / members),
    };
    ctx.note(
      `room grown to ${members} state events in ${(wallMs / 1000).toFixed(1)} s (${Math.round(members / (wallMs / 1000))} events/s, ` +
        `${((cpu.user + cpu.system) / members).toFixed(0)} µs CPU each, ${perTxn} per transaction); ${params['store MiB']} MiB, ` +
        `${params['bytes per state event']} bytes per state event, ${params['state bytes per state event']} of them state deltas`,
    );
    let seed = 99;
    const pick = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % ids.length;
    };
    await ctx.compare(`state at an event: one entry, room of ${members} state events`, [{
      name: 'state.get (random event, random member)',
      fn: () => {
        const e = pick();
        return store.read((tx) => store.state.get(tx, snaps[e]!, 'm.room.member', `@user${pick() % (e + 1)}:example.org`));
      },
    }, {
      name: 'state.getMany, 8 auth keys',
      itemsPerOp: 8,
      fn: () => {
        const e = pick();
        const keys = ['m.room.create\u0000', 'm.room.power_levels\u0000', 'm.room.join_rules\u0000'];
        for (let k = 0; k < 5; k++) keys.push(`m.room.member\u0000@user${pick() % (e + 1)}:example.org`);
        return store.read((tx) => store.state.getMany(tx, snaps[e]!, keys));
      },
    }], { params, noisePair: true });
    await ctx.compare(`state at an event: whole state, room of ${members} state events`, [{
      name: 'state.at (last event)',
      itemsPerOp: members,
      fn: () => store.read((tx) => store.state.at(tx, snaps[snaps.length - 1]!)),
    }, {
      name: 'state.at (middle event)',
      itemsPerOp: Math.ceil(members / 2),
      fn: () => store.read((tx) => store.state.at(tx, snaps[Math.floor(snaps.length / 2)]!)),
    }], { params, samples: ctx.quick ? 3 : 5, maxCallsPerSample: 1, warmupMs: 0 });
    ctx.note(`process RSS after the ${members}-state-event room: ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MiB`);
  });
}

export const coreStoreSuite: Suite = {
  name: 'store',
  tier: 'core',
  description: 'LMDB store: events persisted/s (single, coalesced, batched), state at an event in a 200k-state room, bytes per event, RSS',
  fits: (env) => (env.machine.freeMemoryBytes > 512 * 2 ** 20 ? true : 'needs 512 MiB of free memory'),
  async run(ctx) {
    await persistRates(ctx);
    if (ctx.signal.aborted) return;
    await largeState(ctx);
  },
};
