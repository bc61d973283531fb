// A room with 200,000 state entries (as after joining a big room over
// federation: the join's state arrives whole), then thousands of state events
// on top of it. State at any event is a short walk (a bounded number of
// deltas, checked structurally, not by timing) and the store grows by deltas,
// not by copies of the 200k-entry state. (The benchmark suite grows a room to
// 200k state events one event at a time and records bytes per event.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { summarise } from '../../src/store/stats.js';
import { EMPTY_SNAPSHOT, type SnapshotId } from '../../src/store/repositories/state.js';
import type { PersistEventInput } from '../../src/store/repositories/events.js';

const ROOM = '!big:example.org';
const MEMBERS = 200_000;
const LATER = 4_096;
const BATCH = 2_048;

const user = (i: number): string => `@user${i}:example.org`;
const eventId = (i: number): string => `$member${i}`;
const memberKey = (i: number): string => `m.room.member\u0000${user(i)}`;

function memberEvent(i: number, stateBefore: SnapshotId, prev: string): PersistEventInput {
  return {
    eventId: eventId(i),
    roomId: ROOM,
    sender: user(i),
    type: 'm.room.member',
    stateKey: user(i),
    membership: 'join',
    depth: i + 1,
    originServerTs: i,
    prevEvents: [prev],
    authEvents: [eventId(0)],
    json: Buffer.from(`{"type":"m.room.member","state_key":"${user(i)}","content":{"membership":"join"}}`),
    status: 'timeline',
    stateBefore: { snapshot: stateBefore },
    currentState: 'after',
  };
}

async function sizes(store: Store): Promise<{ total: number; deltaBytes: number }> {
  const stats = summarise(await store.stats());
  const deltas = stats.trees.find((t) => t.tree === 'state.deltas')!;
  return { total: stats.totalBytes, deltaBytes: deltas.bytes };
}

test(`a room with ${MEMBERS} state entries: lookups walk few deltas, the store grows by deltas`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-large-'));
  const store = await openStore({ backend: 'lmdb', path: dir });
  try {
    // The join: the create event on the timeline, then the room's 200k-entry state as one snapshot.
    const create = await store.persistEvent({
      ...memberEvent(0, EMPTY_SNAPSHOT, ''),
      type: 'm.room.create',
      stateKey: '',
      prevEvents: [],
      authEvents: [],
    });
    const full = new Map<string, string>([['m.room.create\u0000', eventId(0)]]);
    for (let i = 1; i <= MEMBERS; i++) full.set(memberKey(i), eventId(i));
    // Our join event: its state before is the whole state handed over, which becomes the current state.
    const ourJoin = await store.persistEvent({
      ...memberEvent(MEMBERS + LATER + 1, EMPTY_SNAPSHOT, eventId(0)),
      eventId: '$ourjoin',
      stateBefore: { full, parentHint: create.stateAfter! },
      currentState: 'after',
    });
    const base = await sizes(store);

    // Then LATER more members join one event at a time (BATCH events per transaction).
    let state = ourJoin.stateAfter!;
    let prev = '$ourjoin';
    for (let start = MEMBERS + 1; start <= MEMBERS + LATER; start += BATCH) {
      const end = Math.min(MEMBERS + LATER, start + BATCH - 1);
      state = await store.write(function* (tx) {
        let s = state;
        for (let i = start; i <= end; i++) {
          s = (yield* store.events.persist(tx, memberEvent(i, s, prev))).stateAfter!;
          prev = eventId(i);
        }
        return s;
      });
    }
    const grown = await sizes(store);
    const total = MEMBERS + LATER + 2; // + create + our join

    // State at sampled events: all earlier members, none later.
    for (const i of [MEMBERS + 1, MEMBERS + 2, MEMBERS + 1000, MEMBERS + 4096, MEMBERS + LATER - 1, MEMBERS + LATER]) {
      const snap = (await store.read((tx) => store.events.stateSnapshot(tx, eventId(i), 'after')))!;
      assert.equal(await store.read((tx) => store.state.get(tx, snap, 'm.room.member', user(i))), eventId(i));
      assert.equal(await store.read((tx) => store.state.get(tx, snap, 'm.room.member', user(1))), eventId(1));
      assert.equal(await store.read((tx) => store.state.get(tx, snap, 'm.room.member', user(MEMBERS))), eventId(MEMBERS));
      assert.equal(await store.read((tx) => store.state.get(tx, snap, 'm.room.create', '')), eventId(0));
      if (i < MEMBERS + LATER) assert.equal(await store.read((tx) => store.state.get(tx, snap, 'm.room.member', user(i + 1))), undefined);
      // Structural bound: a lookup visits at most popcount(ordinal) ≤ log2(ordinal) + 1 deltas.
      let hops = 0;
      for (let s = snap; s !== EMPTY_SNAPSHOT; hops++) s = (await store.read((tx) => store.state.info(tx, s)))!.base;
      assert.ok(hops <= Math.ceil(Math.log2(2 * total)) + 1, `state of event ${i}: ${hops} deltas to walk`);
    }
    assert.equal((await store.read((tx) => store.state.at(tx, state))).size, total);
    assert.equal((await store.read((tx) => store.state.current(tx, ROOM))).size, total);
    // Membership rows follow the current state; entries whose event we hold say 'join'.
    assert.equal((await store.read((tx) => store.membership.ofRoom(tx, ROOM))).length, total - 1);
    assert.equal((await store.read((tx) => store.membership.ofRoom(tx, ROOM, 'join'))).length, LATER + 1);

    // Sizes: the LATER events added a few 8-byte delta records each, about ½·log2(n) amortised
    // (allow 3× for B-tree page slack); a copy of the state would add 200k records each.
    const perEventDeltaBytes = (grown.deltaBytes - base.deltaBytes) / LATER;
    const perEventBytes = (grown.total - base.total) / LATER;
    t.diagnostic(
      `${MEMBERS}-entry state: ${(base.total / 2 ** 20).toFixed(1)} MiB store; +${LATER} state events: ` +
        `${perEventDeltaBytes.toFixed(0)} bytes of state deltas and ${perEventBytes.toFixed(0)} bytes in all per event`,
    );
    assert.ok(perEventDeltaBytes <= 3 * 8 * (Math.log2(LATER) / 2 + 2), `${perEventDeltaBytes} bytes of state deltas per state event`);
    // A copy of the state per event would be ≥ 200k × 6 bytes ≈ 1.2 MB; all of an event (JSON,
    // metadata, indexes, membership, deltas) stays around a kilobyte.
    assert.ok(perEventBytes < 4096, `store grew ${perEventBytes.toFixed(0)} bytes per state event`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
