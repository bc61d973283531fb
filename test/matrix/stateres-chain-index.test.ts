// The auth-chain index: auth chains and auth differences read from the chain
// cover agree with walking auth_events, whether the index is built at once,
// event by event, or restored from its serialised form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stateKeyOf, type Pdu } from '../../src/matrix/pdu.js';
import { ChainIndex, ChainIndexError } from '../../src/matrix/stateres/index.js';
import { ensureIndexed } from '../../src/matrix/stateres/auth-chain.js';
import { authDifferenceJs } from '../../src/accel/stateres.js';
import { loadRoomFixture, type RoomFixture } from './stateres-helpers.js';

function walkAuthChain(fx: RoomFixture, ids: Iterable<string>, includeSelf: boolean): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const id of ids) {
    if (includeSelf) out.add(id);
    stack.push(...fx.store.events.get(id)!.authEvents);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...fx.store.events.get(id)!.authEvents);
  }
  return out;
}

/** Events in an order where auth events come first (fixture files list events in DAG order). */
function inAuthOrder(fx: RoomFixture): Pdu[] {
  return [...fx.store.events.values()];
}

function buildIncrementally(fx: RoomFixture): ChainIndex {
  const index = new ChainIndex();
  for (const ev of inAuthOrder(fx)) index.add(ev.eventId, ev.authEvents, stateKeyOf(ev.type, ev.stateKey ?? ''));
  return index;
}

const fixtures = ['stateres-random-v10.json', 'stateres-classic-v6.json', 'stateres-large-2-v6.json'].map(loadRoomFixture);

describe('chain index', () => {
  for (const fx of fixtures) {
    it(`${fx.file}: auth chains from the index equal walking auth_events`, () => {
      const index = buildIncrementally(fx);
      assert.equal(index.size, fx.store.events.size);
      assert.ok(index.chainCount < index.size, 'chains group events');
      let checked = 0;
      for (const ev of fx.store.events.values()) {
        if (checked++ % 7 !== 0) continue; // a sample keeps this quick on the large room
        assert.deepEqual(new Set(index.authChain([ev.eventId])), walkAuthChain(fx, [ev.eventId], false));
        assert.deepEqual(new Set(index.authChain([ev.eventId], true)), walkAuthChain(fx, [ev.eventId], true));
      }
    });

    it(`${fx.file}: auth difference of the fixture's state sets equals ∪C − ∩C`, () => {
      const index = buildIncrementally(fx);
      for (const c of fx.cases) {
        for (const includeSelf of [true, false]) {
          const chains = c.stateSets.map((s) => walkAuthChain(fx, s, includeSelf));
          const union = new Set(chains.flatMap((x) => [...x]));
          const expected = [...union].filter((id) => !chains.every((x) => x.has(id))).sort();
          // the sets given whole, and as what they share plus each one's own events
          const shared = c.stateSets[0]!.filter((id) => c.stateSets.every((s) => s.includes(id)));
          for (const [common, own] of [[[], c.stateSets], [shared, c.stateSets.map((s) => s.filter((id) => !shared.includes(id)))]] as const) {
            const ranges = authDifferenceJs(index.authDifferenceInput(common, own, includeSelf));
            const got: string[] = [];
            for (let i = 0; i < ranges.chain.length; i++) got.push(...index.eventsInRange(ranges.chain[i]!, ranges.lo[i]!, ranges.hi[i]!));
            assert.deepEqual(got.sort(), expected);
          }
        }
      }
    });

    it(`${fx.file}: a serialised index restores to one that answers the same`, () => {
      const index = buildIncrementally(fx);
      const snapshot = JSON.parse(JSON.stringify(index.toSnapshot()));
      const restored = ChainIndex.fromSnapshot(snapshot);
      assert.deepEqual(restored.toSnapshot(), index.toSnapshot());
      const some = [...fx.store.events.keys()].filter((_, i) => i % 11 === 0);
      assert.deepEqual(new Set(restored.authChain(some)), new Set(index.authChain(some)));
    });

    it(`${fx.file}: indexing on demand from the lookup gives the same auth chains as indexing in order`, () => {
      const onDemand = new ChainIndex();
      const ids = [...fx.store.events.keys()].reverse(); // newest first: forces the recursive path
      ensureIndexed(onDemand, ids.slice(0, 50), fx.store.lookup);
      for (const id of ids.slice(0, 50)) assert.deepEqual(new Set(onDemand.authChain([id])), walkAuthChain(fx, [id], false));
    });
  }

  it('refuses an event whose auth events are not indexed, and corrupt snapshots', () => {
    const index = new ChainIndex();
    index.add('$create', [], stateKeyOf('m.room.create', ''));
    assert.throws(() => index.add('$x', ['$missing'], stateKeyOf('m.room.member', '@a:x')), ChainIndexError);
    const good = index.toSnapshot();
    assert.throws(() => ChainIndex.fromSnapshot({ ...good, seq: [2] }), ChainIndexError);
    assert.throws(() => ChainIndex.fromSnapshot({ ...good, links: [0, 1, 5, 1] }), ChainIndexError);
    assert.throws(() => ChainIndex.fromSnapshot({ ...good, format: 'nope' } as never), ChainIndexError);
  });

  it('keeps successive versions of one piece of state on one chain', () => {
    const index = new ChainIndex();
    const pl = stateKeyOf('m.room.power_levels', '');
    index.add('$c', [], stateKeyOf('m.room.create', ''));
    index.add('$p1', ['$c'], pl);
    index.add('$p2', ['$c', '$p1'], pl);
    index.add('$p3', ['$c', '$p2'], pl);
    assert.equal(index.position('$p3')!.chain, index.position('$p1')!.chain);
    assert.equal(index.position('$p3')!.seq, 3);
    assert.deepEqual(new Set(index.authChain(['$p3'])), new Set(['$c', '$p1', '$p2']));
    assert.ok(index.reaches('$p3', '$c'));
    assert.ok(!index.reaches('$p1', '$p2'));
  });
});

describe('resolution with a persisted index', () => {
  it('reads only the events around the conflict, not the whole room', async () => {
    const { syntheticRoom } = await import('../../src/matrix/stateres/synthetic-room.js');
    const { resolveState } = await import('../../src/matrix/stateres/index.js');
    const { roomVersion } = await import('../../src/matrix/room-versions.js');
    const room = syntheticRoom({ stateEvents: 6000, forks: 2, forkShare: 0.005, seed: 5 });
    const rules = roomVersion('10')!;
    const index = new ChainIndex();
    for (const ev of room.events) index.add(ev.eventId, ev.authEvents, stateKeyOf(ev.type, ev.stateKey ?? ''));
    let reads = 0;
    const counted = (id: string) => { reads++; return room.lookup(id); };
    const withIndex = resolveState(rules, room.forkStates, counted, undefined, { authIndex: index });
    const readsWithIndex = reads;
    reads = 0;
    const without = resolveState(rules, room.forkStates, counted);
    assert.deepEqual([...withIndex].sort(), [...without].sort());
    assert.ok(reads >= room.forkStates[0]!.size, `without an index every state event is read (${reads})`);
    assert.ok(readsWithIndex * 5 < reads, `with the index ${readsWithIndex} reads, without ${reads}`);
  });
});
