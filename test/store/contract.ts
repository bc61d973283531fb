// The store contract: one suite every backend must pass (LMDB now, PostgreSQL
// later). It talks to the store only through Store and TreeBackend, and
// always awaits reads, so an asynchronous backend runs it unchanged.
// Usage: runStoreContract('lmdb', () => harnessForLmdb()).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/index.js';
import { TREES, NidKind } from '../../src/store/catalogue.js';
import { ByteWriter } from '../../src/store/keys.js';
import type { Op, ReadTx, WriteTx } from '../../src/store/trees.js';
import { hashPassword, verifyPassword } from '../../src/store/password.js';
import { StoreVersionError } from '../../src/store/migrations.js';
import { EMPTY_SNAPSHOT, type SnapshotId, type StateInput } from '../../src/store/repositories/state.js';
import type { PersistEventInput } from '../../src/store/repositories/events.js';
import { ChainIndex } from '../../src/matrix/stateres/chain-index.js';

export interface StoreHarness {
  /** open (or reopen) the store of this harness */
  open(): Promise<Store>;
  /** remove everything the harness created */
  destroy(): Promise<void>;
}

const ROOM = '!room:example.org';
const CHEAP_SCRYPT = { ln: 10, r: 8, p: 1 };

async function read<T>(store: Store, body: (tx: ReadTx) => Op<T>): Promise<T> {
  return await store.read(body);
}

function sk(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

/** A small room factory: events with sequential ids, each citing the previous by default. */
function ev(id: string, fields: Partial<PersistEventInput> = {}): PersistEventInput {
  return {
    eventId: id,
    roomId: ROOM,
    sender: '@alice:example.org',
    type: 'm.room.message',
    depth: 1,
    originServerTs: 1_700_000_000_000,
    prevEvents: [],
    authEvents: [],
    json: Buffer.from(JSON.stringify({ event_id: id, body: `event ${id}` })),
    status: 'timeline',
    ...fields,
  };
}

async function withStore(makeHarness: () => Promise<StoreHarness>, fn: (store: Store, h: StoreHarness) => Promise<void>): Promise<void> {
  const h = await makeHarness();
  const store = await h.open();
  try {
    await fn(store, h);
  } finally {
    await store.close().catch(() => undefined);
    await h.destroy();
  }
}

export function runStoreContract(backendName: string, makeHarness: () => Promise<StoreHarness>): void {
  const test = (name: string, fn: (store: Store, h: StoreHarness) => Promise<void>): void => {
    it(name, () => withStore(makeHarness, fn));
  };

  describe(`store contract: ${backendName}`, () => {
    describe('trees', () => {
      test('put, get, delete round trip bytes exactly', async (store) => {
        const k = new ByteWriter().uint(7).str('a\u0000b').done();
        const v = Buffer.from([0, 255, 128, 0, 10]);
        await store.write(function* (tx) {
          tx.put(TREES.meta, k, v);
        });
        assert.deepEqual(Buffer.from((await read(store, (tx) => tx.get(TREES.meta, k)))!), v);
        await store.write(function* (tx) {
          tx.delete(TREES.meta, k);
        });
        assert.equal(await read(store, (tx) => tx.get(TREES.meta, k)), undefined);
      });

      test('range scans return keys in order, both directions, bounded and limited', async (store) => {
        const numbers = [0, 1, 2, 255, 256, 65535, 65536, 2 ** 32, 2 ** 53 - 1, 42, 7, 300];
        const shuffled = [...numbers].sort(() => Math.random() - 0.5);
        await store.write(function* (tx) {
          for (const n of shuffled) tx.put(TREES.filters, new ByteWriter().uint(9).uint(n).done(), Buffer.from(String(n)));
          tx.put(TREES.filters, new ByteWriter().uint(10).uint(1).done(), Buffer.from('other prefix'));
        });
        const prefix = new ByteWriter().uint(9).done();
        const asc = (await read(store, (tx) => tx.prefix(TREES.filters, prefix))).map((e) => Number(Buffer.from(e.value).toString()));
        assert.deepEqual(asc, [...numbers].sort((a, b) => a - b));
        const desc = (await read(store, (tx) => tx.prefix(TREES.filters, prefix, { reverse: true, limit: 3 }))).map((e) => Number(Buffer.from(e.value).toString()));
        assert.deepEqual(desc, [2 ** 53 - 1, 2 ** 32, 65536]);
        const mid = await read(store, (tx) =>
          tx.range(TREES.filters, { gte: new ByteWriter().uint(9).uint(7).done(), lt: new ByteWriter().uint(9).uint(300).done() }),
        );
        assert.deepEqual(mid.map((e) => Number(Buffer.from(e.value).toString())), [7, 42, 255, 256]);
      });

      test('strings in keys sort by code point and never run into the next component', async (store) => {
        const names = ['', 'a', 'a\u0000', 'a\u0000b', 'ab', 'b', '\u00e9', '\u{1F600}', 'z'];
        await store.write(function* (tx) {
          for (const s of [...names].reverse()) tx.put(TREES.meta, new ByteWriter().u8(1).str(s).uint(5).done(), Buffer.from(s));
        });
        const got = (await read(store, (tx) => tx.prefix(TREES.meta, Buffer.from([1])))).map((e) => Buffer.from(e.value).toString());
        assert.deepEqual(got, [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      });

      test('a write that throws leaves nothing behind and does not sink writes of the same turn', async (store) => {
        const k = (n: number): Buffer => new ByteWriter().uint(n).done();
        const results = await Promise.allSettled([
          store.write(function* (tx) {
            tx.put(TREES.meta, k(1), Buffer.from('one'));
          }),
          store.write(function* (tx) {
            tx.put(TREES.meta, k(2), Buffer.from('two'));
            throw new Error('boom');
          }),
          store.write(function* (tx) {
            tx.put(TREES.meta, k(3), Buffer.from('three'));
            return (yield* tx.get(TREES.meta, k(3))) !== undefined;
          }),
        ]);
        assert.equal(results[0].status, 'fulfilled');
        assert.equal(results[1].status, 'rejected');
        assert.deepEqual(results[2], { status: 'fulfilled', value: true });
        assert.notEqual(await read(store, (tx) => tx.get(TREES.meta, k(1))), undefined);
        assert.equal(await read(store, (tx) => tx.get(TREES.meta, k(2))), undefined);
        assert.notEqual(await read(store, (tx) => tx.get(TREES.meta, k(3))), undefined);
      });

      test('data survives closing and reopening', async (store, h) => {
        await store.persistEvent(ev('$a', { stateBefore: { snapshot: EMPTY_SNAPSHOT }, type: 'm.room.create', stateKey: '', currentState: 'after' }));
        await store.close();
        const again = await h.open();
        try {
          const e = await read(again, (tx) => again.events.get(tx, '$a'));
          assert.equal(e?.type, 'm.room.create');
          assert.deepEqual([...(await read(again, (tx) => again.state.current(tx, ROOM)))], [[sk('m.room.create', ''), '$a']]);
        } finally {
          await again.close();
        }
      });
    });

    describe('schema', () => {
      test('a store written by a newer schema is refused with a clear message', async (store, h) => {
        await store.write(function* (tx) {
          tx.put(TREES.meta, Buffer.from('schema'), new ByteWriter().uint(99).done());
        });
        await store.close();
        await assert.rejects(h.open(), (err: unknown) => {
          assert.ok(err instanceof StoreVersionError);
          assert.match(err.message, /newer Myelin \(schema version 99\)/);
          return true;
        });
      });
    });

    describe('interning', () => {
      test('a string gets one nid per kind, stable across reopen; reads never allocate', async (store, h) => {
        const long = '@' + 'x'.repeat(1000) + ':example.org';
        const [a, b, a2, r, l] = await store.write(function* (tx) {
          return [
            yield* store.intern.intern(tx, NidKind.user, '@alice:example.org'),
            yield* store.intern.intern(tx, NidKind.user, '@bob:example.org'),
            yield* store.intern.intern(tx, NidKind.user, '@alice:example.org'),
            yield* store.intern.intern(tx, NidKind.room, '@alice:example.org'),
            yield* store.intern.intern(tx, NidKind.user, long),
          ];
        });
        assert.equal(a, a2);
        assert.notEqual(a, b);
        assert.ok(a! < 16 && b! < 16 && r! < 16, 'nids are small integers');
        assert.equal(await read(store, (tx) => store.intern.nid(tx, NidKind.user, '@carol:example.org')), undefined);
        assert.equal(await read(store, (tx) => store.intern.nid(tx, NidKind.user, '@carol:example.org')), undefined);
        await store.close();
        const again = await h.open();
        try {
          assert.equal(await read(again, (tx) => again.intern.nid(tx, NidKind.user, '@alice:example.org')), a);
          assert.equal(await read(again, (tx) => again.intern.string(tx, NidKind.user, l!)), long);
          assert.deepEqual(await read(again, (tx) => again.intern.strings(tx, NidKind.user, [b!, a!])), ['@bob:example.org', '@alice:example.org']);
        } finally {
          await again.close();
        }
      });

      test('an aborted write does not leave an interned id behind, in the store or in a cache', async (store) => {
        await assert.rejects(
          store.write(function* (tx) {
            yield* store.intern.intern(tx, NidKind.event, '$ghost');
            throw new Error('abort');
          }),
        );
        assert.equal(await read(store, (tx) => store.intern.nid(tx, NidKind.event, '$ghost')), undefined);
        const nid = await store.write((tx) => store.intern.intern(tx, NidKind.event, '$real'));
        assert.equal(await read(store, (tx) => store.intern.string(tx, NidKind.event, nid)), '$real');
      });
    });

    describe('stream positions', () => {
      test('positions are unique and strictly increasing in commit order, across concurrent writes', async (store) => {
        const writes: Promise<number>[] = [];
        for (let i = 0; i < 200; i++) writes.push(store.write((tx) => store.positions.next(tx, 'receipts')));
        const got = await Promise.all(writes);
        for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, 'strictly increasing');
        assert.equal(new Set(got).size, got.length);
        assert.equal(await read(store, (tx) => store.positions.current(tx, 'receipts')), got.at(-1));
        const first = await store.write((tx) => store.positions.nextRange(tx, 'receipts', 10));
        assert.equal(first, got.at(-1)! + 1);
        assert.equal(await read(store, (tx) => store.positions.current(tx, 'receipts')), first + 9);
      });

      test('a failed write does not consume positions visible to others', async (store) => {
        const a = await store.write((tx) => store.positions.next(tx, 'events'));
        await assert.rejects(
          store.write(function* (tx) {
            yield* store.positions.next(tx, 'events');
            throw new Error('abort');
          }),
        );
        const b = await store.write((tx) => store.positions.next(tx, 'events'));
        assert.equal(b, a + 1);
      });
    });

    describe('events', () => {
      async function linearRoom(store: Store, n: number): Promise<SnapshotId> {
        let state: SnapshotId = EMPTY_SNAPSHOT;
        for (let i = 1; i <= n; i++) {
          const stateful = i <= 2;
          const r = await store.persistEvent(
            ev(`$${i}`, {
              depth: i,
              prevEvents: i > 1 ? [`$${i - 1}`] : [],
              ...(i === 1 ? { type: 'm.room.create', stateKey: '' } : {}),
              ...(i === 2 ? { type: 'm.room.member', stateKey: '@alice:example.org', membership: 'join', authEvents: ['$1'] } : {}),
              stateBefore: { snapshot: state },
              currentState: 'after',
            }),
          );
          assert.equal(r.duplicate, false);
          if (stateful) assert.notEqual(r.stateAfter, r.stateBefore);
          else assert.equal(r.stateAfter, r.stateBefore, 'a message reuses the snapshot');
          state = r.stateAfter!;
        }
        return state;
      }

      test('events round trip: bytes, metadata, batch reads', async (store) => {
        const json = Buffer.from([0x7b, 0x7d, 0x00, 0xff, 0xfe]);
        await linearRoom(store, 3);
        await store.persistEvent(
          ev('$r', { json, depth: 4, prevEvents: ['$3'], authEvents: ['$1', '$2'], redacts: '$3', type: 'm.room.redaction', stateBefore: { snapshot: (await read(store, (tx) => store.events.stateSnapshot(tx, '$3', 'after')))! } }),
        );
        const e = await read(store, (tx) => store.events.get(tx, '$r'));
        assert.ok(e);
        assert.deepEqual(Buffer.from(e.json), json);
        assert.equal(e.redacts, '$3');
        assert.deepEqual(e.authEvents, ['$1', '$2']);
        assert.deepEqual(e.prevEvents, ['$3']);
        assert.equal(e.stateKey, undefined);
        const m = await read(store, (tx) => store.events.get(tx, '$2'));
        assert.equal(m?.stateKey, '@alice:example.org');
        assert.equal(m?.membership, 'join');
        const many = await read(store, (tx) => store.events.getMany(tx, ['$2', '$nope', '$1']));
        assert.deepEqual(many.map((x) => x?.eventId), ['$2', undefined, '$1']);
        assert.deepEqual(await read(store, (tx) => store.events.have(tx, ['$1', '$zzz', '$r'])), [true, false, true]);
        assert.deepEqual(Buffer.from((await read(store, (tx) => store.events.json(tx, '$r')))!), json);
      });

      test('timeline and stream scans are in stream order, both ways, with bounds', async (store) => {
        await linearRoom(store, 10);
        const ids = (q: Parameters<Store['events']['timeline']>[2]) =>
          read(store, (tx) => store.events.timeline(tx, ROOM, q)).then((es) => es.map((e) => e.eventId));
        assert.deepEqual(await ids({}), ['$1', '$2', '$3', '$4', '$5', '$6', '$7', '$8', '$9', '$10']);
        assert.deepEqual(await ids({ reverse: true, limit: 3 }), ['$10', '$9', '$8']);
        const pos5 = (await read(store, (tx) => store.events.get(tx, '$5')))!.streamPos!;
        assert.deepEqual(await ids({ after: pos5, limit: 2 }), ['$6', '$7']);
        assert.deepEqual(await ids({ before: pos5, reverse: true, limit: 2 }), ['$4', '$3']);
        const stream = await read(store, (tx) => store.events.stream(tx, pos5, 100));
        assert.deepEqual(stream.map((s) => s.eventId), ['$6', '$7', '$8', '$9', '$10']);
        assert.ok(stream.every((s) => s.roomId === ROOM));
        const deep = await read(store, (tx) => store.events.byDepth(tx, ROOM, 4, 2));
        assert.deepEqual(deep.map((e) => e.eventId), ['$4', '$3']);
        assert.deepEqual(await read(store, (tx) => store.events.children(tx, '$4')), ['$5']);
      });

      test('outliers, rejected and soft-failed events are kept apart', async (store) => {
        const state = await linearRoom(store, 2);
        await store.persistEvent(ev('$out', { status: 'outlier', type: 'm.room.member', stateKey: '@bob:example.org', membership: 'invite' }));
        await store.persistEvent(ev('$bad', { status: 'rejected', rejectionReason: 'M_FORBIDDEN: not allowed', prevEvents: ['$2'], depth: 3 }));
        const soft = await store.persistEvent(
          ev('$soft', { status: 'soft_failed', prevEvents: ['$2'], depth: 3, type: 'm.room.topic', stateKey: '', stateBefore: { snapshot: state } }),
        );
        assert.equal(soft.streamPos, undefined);
        const timeline = await read(store, (tx) => store.events.timeline(tx, ROOM));
        assert.deepEqual(timeline.map((e) => e.eventId), ['$1', '$2']);
        assert.deepEqual(await read(store, (tx) => store.events.outliers(tx, ROOM)), ['$out']);
        assert.equal(await read(store, (tx) => store.events.rejectionReason(tx, '$bad')), 'M_FORBIDDEN: not allowed');
        assert.equal(await read(store, (tx) => store.events.rejectionReason(tx, '$2')), undefined);
        assert.deepEqual(await read(store, (tx) => store.extremities.get(tx, ROOM)), ['$2']);
        assert.equal(await read(store, (tx) => store.state.currentEntry(tx, ROOM, 'm.room.topic', '')), undefined);
        assert.equal(await read(store, (tx) => store.membership.get(tx, ROOM, '@bob:example.org')), undefined);
        const out = await read(store, (tx) => store.events.get(tx, '$out'));
        assert.equal(out?.status, 'outlier');
        assert.equal(out?.streamPos, undefined);
        assert.equal(await read(store, (tx) => store.events.stateSnapshot(tx, '$out', 'after')), undefined);
        assert.equal((await read(store, (tx) => store.events.get(tx, '$bad')))?.status, 'rejected');
        // an outlier accepted later joins the timeline
        const up = await store.persistEvent(
          ev('$out', { type: 'm.room.member', stateKey: '@bob:example.org', membership: 'invite', prevEvents: ['$2'], depth: 3, stateBefore: { snapshot: state }, currentState: 'after' }),
        );
        assert.equal(up.duplicate, false);
        assert.deepEqual(await read(store, (tx) => store.events.outliers(tx, ROOM)), []);
        assert.equal((await read(store, (tx) => store.membership.get(tx, ROOM, '@bob:example.org')))?.membership, 'invite');
        // storing it again is a duplicate that changes nothing
        const dup = await store.persistEvent(ev('$out', { status: 'outlier' }));
        assert.equal(dup.duplicate, true);
        assert.equal(dup.status, 'timeline');
      });

      test('bad metadata is refused with a clear error; any claimed timestamp round trips', async (store) => {
        const base = { stateBefore: { snapshot: EMPTY_SNAPSHOT } };
        await assert.rejects(store.persistEvent(ev('$d', { ...base, depth: -1 })), /bad depth -1/);
        await assert.rejects(store.persistEvent(ev('$f', { ...base, depth: 1.5 })), /bad depth 1.5/);
        await assert.rejects(store.persistEvent(ev('$t', { ...base, type: 'm.a\u0000b', stateKey: '' })), /contains NUL/);
        await assert.rejects(store.persistEvent(ev('$s', { ...base, status: 'bogus' as 'timeline' })), /unknown event status/);
        await store.persistEvent(ev('$neg', { ...base, originServerTs: -1234 }));
        assert.equal((await read(store, (tx) => store.events.get(tx, '$neg')))?.originServerTs, -1234);
      });

      test('a timeline event without stateBefore is refused; a failed batch leaves nothing behind', async (store) => {
        await assert.rejects(store.persistEvent(ev('$x')), /needs stateBefore/);
        await assert.rejects(
          store.persistEvents([
            ev('$1', { type: 'm.room.create', stateKey: '', stateBefore: { snapshot: EMPTY_SNAPSHOT }, currentState: 'after' }),
            ev('$2', { prevEvents: ['$1'], stateBefore: { snapshot: EMPTY_SNAPSHOT } }),
            ev('$3', { prevEvents: ['$2'] }),
          ]),
        );
        assert.deepEqual(await read(store, (tx) => store.events.have(tx, ['$1', '$2', '$3'])), [false, false, false]);
        assert.equal(await read(store, (tx) => store.intern.nid(tx, NidKind.event, '$1')), undefined);
        assert.equal(await read(store, (tx) => store.intern.nid(tx, NidKind.room, ROOM)), undefined);
        assert.equal(await read(store, (tx) => store.positions.current(tx, 'events')), 0);
        assert.equal((await read(store, (tx) => store.state.current(tx, ROOM))).size, 0);
        assert.deepEqual(await read(store, (tx) => store.extremities.get(tx, ROOM)), []);
      });
    });

    describe('state', () => {
      test('state at events after a fork and a merge, and current state/membership follow', async (store) => {
        const A = '@alice:example.org';
        const B = '@bob:example.org';
        const p = (id: string, fields: Partial<PersistEventInput>) => store.persistEvent(ev(id, fields));
        const c = await p('$create', { type: 'm.room.create', stateKey: '', stateBefore: { snapshot: EMPTY_SNAPSHOT }, currentState: 'after' });
        const j = await p('$joinA', { type: 'm.room.member', stateKey: A, membership: 'join', prevEvents: ['$create'], stateBefore: { snapshot: c.stateAfter! }, currentState: 'after' });
        // fork: two topics set concurrently on top of $joinA
        const t1 = await p('$topic1', { type: 'm.room.topic', stateKey: '', prevEvents: ['$joinA'], stateBefore: { snapshot: j.stateAfter! }, currentState: 'after' });
        const t2 = await p('$topic2', { type: 'm.room.topic', stateKey: '', prevEvents: ['$joinA'], stateBefore: { snapshot: j.stateAfter! } });
        const jb = await p('$joinB', { type: 'm.room.member', stateKey: B, membership: 'join', prevEvents: ['$topic2'], stateBefore: { snapshot: t2.stateAfter! } });
        assert.deepEqual((await read(store, (tx) => store.extremities.get(tx, ROOM))).sort(), ['$joinB', '$topic1']);
        const stateAt = async (id: string, which: 'before' | 'after' = 'after') => {
          const snap = await read(store, (tx) => store.events.stateSnapshot(tx, id, which));
          return new Map(await read(store, (tx) => store.state.at(tx, snap!)));
        };
        assert.deepEqual(await stateAt('$topic1'), new Map([[sk('m.room.create', ''), '$create'], [sk('m.room.member', A), '$joinA'], [sk('m.room.topic', ''), '$topic1']]));
        assert.deepEqual(await stateAt('$topic1', 'before'), new Map([[sk('m.room.create', ''), '$create'], [sk('m.room.member', A), '$joinA']]));
        assert.deepEqual(await stateAt('$joinB'), new Map([[sk('m.room.create', ''), '$create'], [sk('m.room.member', A), '$joinA'], [sk('m.room.topic', ''), '$topic2'], [sk('m.room.member', B), '$joinB']]));
        assert.equal(await read(store, (tx) => store.state.get(tx, jb.stateAfter!, 'm.room.topic', '')), '$topic2');
        assert.equal(await read(store, (tx) => store.state.get(tx, t1.stateAfter!, 'm.room.member', B)), undefined);
        // current state is still branch 1 (only $topic1 asked to move it)
        assert.equal(await read(store, (tx) => store.state.currentEntry(tx, ROOM, 'm.room.topic', '')), '$topic1');
        assert.equal(await read(store, (tx) => store.membership.get(tx, ROOM, B)), undefined);
        // merge: the caller resolved the fork (topic1 wins, bob stays) and hands over the whole state
        const resolved = new Map([[sk('m.room.create', ''), '$create'], [sk('m.room.member', A), '$joinA'], [sk('m.room.topic', ''), '$topic1'], [sk('m.room.member', B), '$joinB']]);
        const merge = await p('$merge', {
          prevEvents: ['$topic1', '$joinB'],
          depth: 5,
          stateBefore: { full: resolved, parentHint: t1.stateAfter! },
          currentState: 'after',
        });
        assert.deepEqual(await read(store, (tx) => store.extremities.get(tx, ROOM)), ['$merge']);
        assert.deepEqual(await stateAt('$merge'), resolved);
        assert.deepEqual(new Map(await read(store, (tx) => store.state.current(tx, ROOM))), resolved);
        assert.equal((await read(store, (tx) => store.membership.get(tx, ROOM, B)))?.eventId, '$joinB');
        assert.deepEqual((await read(store, (tx) => store.membership.ofRoom(tx, ROOM, 'join'))).map((m) => m.userId).sort(), [A, B]);
        assert.deepEqual((await read(store, (tx) => store.membership.ofUser(tx, B))).map((m) => [m.roomId, m.membership]), [[ROOM, 'join']]);
        // earlier snapshots are untouched by later ones
        assert.deepEqual(await stateAt('$topic2'), new Map([[sk('m.room.create', ''), '$create'], [sk('m.room.member', A), '$joinA'], [sk('m.room.topic', ''), '$topic2']]));
        // bob leaves: membership follows the current state
        const leave = await p('$leaveB', { type: 'm.room.member', stateKey: B, membership: 'leave', sender: B, prevEvents: ['$merge'], depth: 6, stateBefore: { snapshot: merge.stateAfter! }, currentState: 'after' });
        assert.ok(leave.stateAfter);
        assert.deepEqual((await read(store, (tx) => store.membership.ofRoom(tx, ROOM, 'join'))).map((m) => m.userId), [A]);
        assert.equal((await read(store, (tx) => store.membership.get(tx, ROOM, B)))?.membership, 'leave');
        // the current state may also be moved to any state (e.g. after resolving extremities)
        await store.write((tx) => store.events.persist(tx, ev('$m2', { prevEvents: ['$leaveB'], depth: 7, stateBefore: { snapshot: leave.stateAfter! }, currentState: { snapshot: t2.stateAfter! } })));
        assert.equal(await read(store, (tx) => store.state.currentEntry(tx, ROOM, 'm.room.topic', '')), '$topic2');
        assert.equal(await read(store, (tx) => store.membership.get(tx, ROOM, B)), undefined);
      });

      test('random snapshot trees with removals agree with a plain model', async (store) => {
        // Model: every snapshot's full state as a Map; store: deltas. Forks at random parents.
        let seed = 12345;
        const rand = (n: number): number => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed % n;
        };
        const models = new Map<SnapshotId, Map<string, string>>([[EMPTY_SNAPSHOT, new Map()]]);
        const ids: SnapshotId[] = [EMPTY_SNAPSHOT];
        for (let i = 0; i < 300; i++) {
          const parent = rand(4) === 0 ? ids[rand(ids.length)]! : ids.at(-1)!;
          const model = new Map(models.get(parent)!);
          const changes: [string, string | null][] = [];
          for (let c = 1 + rand(3); c > 0; c--) {
            const key = sk('k', String(rand(40)));
            if (rand(5) === 0 && model.has(key)) {
              changes.push([key, null]);
              model.delete(key);
            } else {
              const e = `$v${i}_${c}`;
              changes.push([key, e]);
              model.set(key, e);
            }
          }
          const input: StateInput = rand(10) === 0 ? { full: model, parentHint: parent } : { parent, changes };
          const id = await store.write((tx) => store.state.derive(tx, ROOM, input));
          if (!models.has(id)) {
            models.set(id, model);
            ids.push(id);
          } else {
            assert.deepEqual(new Map([...models.get(id)!].sort()), new Map([...model].sort()), 'a reused snapshot has the same state');
          }
        }
        for (const id of ids) {
          const got = await read(store, (tx) => store.state.at(tx, id));
          assert.deepEqual(new Map([...got].sort()), new Map([...models.get(id)!].sort()), `state of snapshot ${id}`);
          const key = sk('k', String(id % 40));
          assert.equal(await read(store, (tx) => store.state.get(tx, id, 'k', String(id % 40))), models.get(id)!.get(key));
        }
        const keys = [sk('k', '1'), sk('k', '2'), sk('nope', '')];
        const last = ids.at(-1)!;
        const many = await read(store, (tx) => store.state.getMany(tx, last, keys));
        assert.deepEqual(many, new Map(keys.filter((k) => models.get(last)!.has(k)).map((k) => [k, models.get(last)!.get(k)!])));
      });
    });

    describe('auth chain index', () => {
      test('the chain cover index is saved incrementally and loads back equal', async (store) => {
        const index = new ChainIndex();
        index.add('$create', [], sk('m.room.create', ''));
        index.add('$join', ['$create'], sk('m.room.member', '@a:x'));
        index.add('$pl', ['$create', '$join'], sk('m.room.power_levels', ''));
        const first = await store.write((tx) => store.authChain.save(tx, ROOM, index.toSnapshot()));
        assert.equal(first.events, 3);
        index.add('$join2', ['$create', '$pl', '$join'], sk('m.room.member', '@a:x'));
        index.add('$topic', ['$create', '$pl', '$join2'], sk('m.room.topic', ''));
        const second = await store.write((tx) => store.authChain.save(tx, ROOM, index.toSnapshot()));
        assert.equal(second.events, 2, 'only the new events are written');
        const rows = await read(store, (tx) => store.authChain.load(tx, ROOM));
        assert.deepEqual(rows, index.toSnapshot());
        const loaded = ChainIndex.fromSnapshot(rows);
        assert.deepEqual(loaded.authChain(['$topic']).sort(), index.authChain(['$topic']).sort());
        assert.deepEqual(await read(store, (tx) => store.authChain.position(tx, '$join2')), index.position('$join2'));
        await assert.rejects(store.write((tx) => store.authChain.save(tx, ROOM, { ...rows, eventIds: rows.eventIds.slice(0, 1), chain: rows.chain.slice(0, 1), seq: rows.seq.slice(0, 1), stateKeys: rows.stateKeys.slice(0, 1), links: [] })), /do not extend/);
      });
    });

    describe('users and devices', () => {
      test('accounts and password hashes', async (store) => {
        const hash = await hashPassword('correct horse', CHEAP_SCRYPT);
        assert.equal(await store.write((tx) => store.accounts.create(tx, { userId: '@a:x', createdTs: 5, passwordHash: hash })), true);
        assert.equal(await store.write((tx) => store.accounts.create(tx, { userId: '@a:x', createdTs: 6 })), false);
        const acct = await read(store, (tx) => store.accounts.get(tx, '@a:x'));
        assert.equal(acct?.createdTs, 5);
        assert.equal(acct?.admin, false);
        assert.equal(await verifyPassword('correct horse', acct!.passwordHash!), true);
        assert.equal(await verifyPassword('wrong horse', acct!.passwordHash!), false);
        assert.equal(await verifyPassword('correct horse', '$scrypt$ln=99,r=8,p=1$AA==$AA=='), false);
        assert.equal(await verifyPassword('correct horse', 'garbage'), false);
        await store.write((tx) => store.accounts.update(tx, '@a:x', { deactivated: true }));
        await store.write((tx) => store.accounts.setPasswordHash(tx, '@a:x', undefined));
        const after = await read(store, (tx) => store.accounts.get(tx, '@a:x'));
        assert.equal(after?.deactivated, true);
        assert.equal(after?.passwordHash, undefined);
        assert.equal(await read(store, (tx) => store.accounts.get(tx, '@nobody:x')), undefined);
      });

      test('devices and access tokens', async (store) => {
        await store.write(function* (tx) {
          yield* store.devices.upsert(tx, { userId: '@a:x', deviceId: 'PHONE', createdTs: 1, displayName: 'phone' });
          yield* store.devices.upsert(tx, { userId: '@a:x', deviceId: 'LAPTOP', createdTs: 2 });
          yield* store.devices.addAccessToken(tx, 'tok-phone-1', { userId: '@a:x', deviceId: 'PHONE' });
          yield* store.devices.addAccessToken(tx, 'tok-phone-2', { userId: '@a:x', deviceId: 'PHONE', expiresTs: 99 });
          yield* store.devices.addAccessToken(tx, 'tok-laptop', { userId: '@a:x', deviceId: 'LAPTOP' });
        });
        await store.write((tx) => store.devices.upsert(tx, { userId: '@a:x', deviceId: 'PHONE', createdTs: 1, lastSeenTs: 50 }));
        const phone = await read(store, (tx) => store.devices.get(tx, '@a:x', 'PHONE'));
        assert.equal(phone?.displayName, 'phone');
        assert.equal(phone?.lastSeenTs, 50);
        assert.deepEqual((await read(store, (tx) => store.devices.list(tx, '@a:x'))).map((d) => d.deviceId), ['LAPTOP', 'PHONE']);
        assert.deepEqual(await read(store, (tx) => store.devices.accessToken(tx, 'tok-phone-2')), { userId: '@a:x', deviceId: 'PHONE', expiresTs: 99 });
        assert.equal(await store.write((tx) => store.devices.delete(tx, '@a:x', 'PHONE')), true);
        assert.equal(await read(store, (tx) => store.devices.accessToken(tx, 'tok-phone-1')), undefined);
        assert.equal(await read(store, (tx) => store.devices.accessToken(tx, 'tok-phone-2')), undefined);
        assert.equal((await read(store, (tx) => store.devices.accessToken(tx, 'tok-laptop')))?.deviceId, 'LAPTOP');
        assert.equal(await store.write((tx) => store.devices.deleteAccessToken(tx, 'tok-laptop')), true);
        assert.equal(await read(store, (tx) => store.devices.accessToken(tx, 'tok-laptop')), undefined);
        assert.equal(await store.write((tx) => store.devices.deleteAccessToken(tx, 'tok-laptop')), false);
      });

      test('account data, global and per room, with changes since a position', async (store) => {
        const j = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
        const p1 = await store.write((tx) => store.accountData.put(tx, '@a:x', null, 'm.push_rules', j({ v: 1 })));
        const p2 = await store.write((tx) => store.accountData.put(tx, '@a:x', ROOM, 'm.tag', j({ tags: {} })));
        const p3 = await store.write((tx) => store.accountData.put(tx, '@a:x', null, 'm.push_rules', j({ v: 2 })));
        assert.ok(p1 < p2 && p2 < p3);
        const g = await read(store, (tx) => store.accountData.get(tx, '@a:x', null, 'm.push_rules'));
        assert.deepEqual(JSON.parse(Buffer.from(g!.content).toString()), { v: 2 });
        assert.equal(g?.streamPos, p3);
        assert.deepEqual((await read(store, (tx) => store.accountData.since(tx, '@a:x', p1))).map((e) => [e.roomId, e.type]), [[ROOM, 'm.tag'], [null, 'm.push_rules']]);
        assert.deepEqual((await read(store, (tx) => store.accountData.since(tx, '@a:x', p2))).map((e) => e.type), ['m.push_rules']);
        assert.equal((await read(store, (tx) => store.accountData.all(tx, '@a:x'))).length, 2);
        assert.deepEqual(await read(store, (tx) => store.accountData.since(tx, '@b:x', 0)), []);
      });

      test('filters and transaction ids', async (store) => {
        const f = Buffer.from('{"room":{"timeline":{"limit":10}}}');
        const id = await store.write((tx) => store.filters.create(tx, '@a:x', f));
        assert.deepEqual(Buffer.from((await read(store, (tx) => store.filters.get(tx, '@a:x', id)))!), f);
        assert.equal(await read(store, (tx) => store.filters.get(tx, '@b:x', id)), undefined, 'filters are per user');
        assert.equal(await read(store, (tx) => store.filters.get(tx, '@a:x', -1)), undefined);
        await store.write((tx) => store.transactionIds.put(tx, '@a:x/PHONE', 'txn1', { ts: 10, response: Buffer.from('{"event_id":"$x"}') }));
        await store.write((tx) => store.transactionIds.put(tx, '@a:x/PHONE', 'txn2', { ts: 20, response: Buffer.from('{}') }));
        assert.equal(Buffer.from((await read(store, (tx) => store.transactionIds.get(tx, '@a:x/PHONE', 'txn1')))!.response).toString(), '{"event_id":"$x"}');
        assert.equal(await read(store, (tx) => store.transactionIds.get(tx, '@a:x/LAPTOP', 'txn1')), undefined);
        assert.equal(await store.write((tx) => store.transactionIds.prune(tx, '@a:x/PHONE', 15)), 1);
        assert.equal(await read(store, (tx) => store.transactionIds.get(tx, '@a:x/PHONE', 'txn1')), undefined);
        assert.notEqual(await read(store, (tx) => store.transactionIds.get(tx, '@a:x/PHONE', 'txn2')), undefined);
      });
    });

    describe('ephemeral streams', () => {
      test('receipts replace per user and thread, and stream once', async (store) => {
        const base = { roomId: ROOM, receiptType: 'm.read', threadId: '', ts: 1 };
        const p1 = await store.write((tx) => store.receipts.put(tx, { ...base, userId: '@a:x', eventId: '$1' }));
        const p2 = await store.write((tx) => store.receipts.put(tx, { ...base, userId: '@b:x', eventId: '$1' }));
        const p3 = await store.write((tx) => store.receipts.put(tx, { ...base, userId: '@a:x', eventId: '$2' }));
        const p4 = await store.write((tx) => store.receipts.put(tx, { ...base, userId: '@a:x', eventId: '$1', threadId: 'thr' }));
        assert.ok(p1 < p2 && p2 < p3 && p3 < p4);
        const all = await read(store, (tx) => store.receipts.ofRoom(tx, ROOM));
        assert.deepEqual(all.map((r) => [r.userId, r.threadId, r.eventId]).sort(), [['@a:x', '', '$2'], ['@a:x', 'thr', '$1'], ['@b:x', '', '$1']]);
        assert.deepEqual((await read(store, (tx) => store.receipts.since(tx, p1))).map((r) => r.streamPos), [p2, p3, p4]);
        assert.deepEqual((await read(store, (tx) => store.receipts.since(tx, 0))).map((r) => r.eventId), ['$1', '$2', '$1']);
      });

      test('to-device inboxes deliver in order and drop acknowledged messages', async (store) => {
        const positions: number[] = [];
        for (let i = 0; i < 5; i++) positions.push(await store.write((tx) => store.toDevice.enqueue(tx, '@a:x', 'PHONE', Buffer.from(`m${i}`))));
        await store.write((tx) => store.toDevice.enqueue(tx, '@a:x', 'LAPTOP', Buffer.from('other')));
        const inbox = await read(store, (tx) => store.toDevice.inbox(tx, '@a:x', 'PHONE', 0, 3));
        assert.deepEqual(inbox.map((m) => Buffer.from(m.message).toString()), ['m0', 'm1', 'm2']);
        assert.equal(await store.write((tx) => store.toDevice.acknowledge(tx, '@a:x', 'PHONE', positions[2]!)), 3);
        const rest = await read(store, (tx) => store.toDevice.inbox(tx, '@a:x', 'PHONE', 0, 100));
        assert.deepEqual(rest.map((m) => m.streamPos), positions.slice(3));
        assert.equal((await read(store, (tx) => store.toDevice.inbox(tx, '@a:x', 'LAPTOP', 0, 100))).length, 1);
      });
    });

    describe('keys', () => {
      test('device keys, one-time keys claimed once, fallback keys, cross-signing, device list stream', async (store) => {
        const b = (s: string): Buffer => Buffer.from(s);
        await store.write(function* (tx) {
          yield* store.e2eKeys.setDeviceKeys(tx, '@a:x', 'PHONE', b('{"device_id":"PHONE"}'));
          yield* store.e2eKeys.addOneTimeKeys(tx, '@a:x', 'PHONE', [
            { algorithm: 'signed_curve25519', keyId: 'AAAA', key: b('k1') },
            { algorithm: 'signed_curve25519', keyId: 'AAAB', key: b('k2') },
            { algorithm: 'curve25519', keyId: 'C', key: b('k3') },
          ]);
          yield* store.e2eKeys.setFallbackKey(tx, '@a:x', 'PHONE', { algorithm: 'signed_curve25519', keyId: 'FB', key: b('fb') });
          yield* store.e2eKeys.setCrossSigningKey(tx, '@a:x', 'master', b('{"usage":["master"]}'));
        });
        assert.deepEqual([...(await read(store, (tx) => store.e2eKeys.deviceKeys(tx, '@a:x'))).keys()], ['PHONE']);
        assert.deepEqual(await read(store, (tx) => store.e2eKeys.oneTimeKeyCounts(tx, '@a:x', 'PHONE')), { curve25519: 1, signed_curve25519: 2 });
        const claims = await Promise.all([0, 1, 2, 3].map(() => store.write((tx) => store.e2eKeys.claim(tx, '@a:x', 'PHONE', 'signed_curve25519'))));
        assert.deepEqual(claims.map((c) => c?.keyId), ['AAAA', 'AAAB', 'FB', 'FB'], 'each one-time key once, then the fallback key');
        assert.equal((await read(store, (tx) => store.e2eKeys.fallbackKeys(tx, '@a:x', 'PHONE')))[0]?.used, true);
        assert.equal(await store.write((tx) => store.e2eKeys.claim(tx, '@a:x', 'PHONE', 'unknown_alg')), undefined);
        assert.deepEqual([...(await read(store, (tx) => store.e2eKeys.crossSigningKeys(tx, '@a:x'))).keys()], ['master']);
        const d1 = await store.write((tx) => store.e2eKeys.markDeviceListChanged(tx, '@a:x'));
        const d2 = await store.write((tx) => store.e2eKeys.markDeviceListChanged(tx, '@b:x'));
        assert.deepEqual(await read(store, (tx) => store.e2eKeys.deviceListChangesSince(tx, d1)), [{ userId: '@b:x', streamPos: d2 }]);
        await store.write((tx) => store.e2eKeys.deleteDevice(tx, '@a:x', 'PHONE'));
        assert.equal((await read(store, (tx) => store.e2eKeys.deviceKeys(tx, '@a:x'))).size, 0);
        assert.deepEqual(await read(store, (tx) => store.e2eKeys.oneTimeKeyCounts(tx, '@a:x', 'PHONE')), {});
      });

      test('server signing keys, ours and fetched', async (store) => {
        await store.write(function* (tx) {
          yield* store.serverKeys.putOwn(tx, { keyId: 'ed25519:a_1', seed: 'c2VlZA', createdTs: 1 });
          yield* store.serverKeys.putRemote(tx, { serverName: 'other.org', keyId: 'ed25519:k1', key: 'cHVi', validUntilTs: 100, fetchedTs: 5, fetchedFrom: 'other.org' });
          yield* store.serverKeys.putRemote(tx, { serverName: 'other.org', keyId: 'ed25519:k0', key: 'b2xk', validUntilTs: 50, expiredTs: 60, fetchedTs: 5, fetchedFrom: 'notary.org' });
          yield* store.serverKeys.putRemote(tx, { serverName: 'other.org.evil', keyId: 'ed25519:k1', key: 'ZXZpbA', validUntilTs: 1, fetchedTs: 5, fetchedFrom: 'x' });
        });
        assert.deepEqual((await read(store, (tx) => store.serverKeys.own(tx))).map((k) => k.keyId), ['ed25519:a_1']);
        assert.equal((await read(store, (tx) => store.serverKeys.remote(tx, 'other.org', 'ed25519:k1')))?.key, 'cHVi');
        assert.deepEqual((await read(store, (tx) => store.serverKeys.remoteOf(tx, 'other.org'))).map((k) => k.keyId), ['ed25519:k0', 'ed25519:k1']);
        assert.equal(await read(store, (tx) => store.serverKeys.remote(tx, 'nobody.org', 'ed25519:k1')), undefined);
      });
    });
  });
}
