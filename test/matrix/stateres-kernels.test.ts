// The state-res kernel on every path (native, wasm, js) gives identical
// orderings: random DAGs with tied powers and timestamps, random power-level
// chains, auth differences over random chain covers, and whole resolutions of
// a synthetic room with forks. Inconsistent input gives a clear error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsStateResKernel, tryStateResKernel, type StateResKernel } from '../../src/accel/stateres.js';
import { stateKeyOf, type Pdu } from '../../src/matrix/pdu.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { ChainIndex, StateResolutionError, resolveState } from '../../src/matrix/stateres/index.js';
import { syntheticRoom } from '../../src/matrix/stateres/synthetic-room.js';
import { pduFromJson, stateResPathsUnderTest } from './stateres-helpers.js';

const kernels: StateResKernel[] = stateResPathsUnderTest().map((p) => tryStateResKernel(p) as StateResKernel);

/** A random DAG: node i's auth events are earlier nodes (then the numbering is shuffled). */
const dagArb = fc.integer({ min: 1, max: 60 }).chain((n) => fc.record({
  n: fc.constant(n),
  edges: fc.array(fc.array(fc.nat({ max: n }), { maxLength: 4 }), { minLength: n, maxLength: n }),
  power: fc.array(fc.constantFrom(0, 50, 100, Infinity, -10), { minLength: n, maxLength: n }),
  ts: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
  shuffle: fc.array(fc.nat(), { minLength: n, maxLength: n }),
}));

describe('state-res kernels agree', () => {
  it('reverse topological power ordering', () => {
    fc.assert(fc.property(dagArb, ({ n, edges, power, ts, shuffle }) => {
      const perm = Array.from({ length: n }, (_, i) => i).sort((a, b) => shuffle[a]! - shuffle[b]! || a - b);
      const authStart = new Uint32Array(n + 1);
      const authEdges: number[] = [];
      for (let i = 0; i < n; i++) {
        const targets = new Set(edges[i]!.filter((t) => t < i).map((t) => perm[t]!));
        authEdges.push(...targets);
        authStart[i + 1] = authEdges.length;
      }
      // node perm[i] carries row i: rebuild rows in node order
      const rows = new Map<number, number[]>();
      for (let i = 0; i < n; i++) rows.set(perm[i]!, authEdges.slice(authStart[i]!, authStart[i + 1]!));
      const start = new Uint32Array(n + 1);
      const flat: number[] = [];
      for (let v = 0; v < n; v++) { flat.push(...rows.get(v)!); start[v + 1] = flat.length; }
      const input = {
        authStart: start, authEdges: Uint32Array.from(flat), power: Float64Array.from(power), originServerTs: Float64Array.from(ts),
        idRank: Uint32Array.from(perm),
      };
      const expected = jsStateResKernel.reverseTopologicalPowerOrder(input);
      assert.equal(expected.length, n);
      // every auth event comes before the events citing it
      const pos = new Map(Array.from(expected, (v, i) => [v, i]));
      for (let v = 0; v < n; v++) for (const t of rows.get(v)!) assert.ok(pos.get(t)! < pos.get(v)!);
      for (const k of kernels) assert.deepEqual(Array.from(k.reverseTopologicalPowerOrder(input)), Array.from(expected), k.path);
    }), { numRuns: 150, seed: 12 });
  });

  it('mainline ordering', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 80 }).chain((n) => fc.record({
        parents: fc.array(fc.integer({ min: -1, max: n }), { minLength: n, maxLength: n }),
        ts: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
        tip: fc.integer({ min: -1, max: n - 1 }),
        pick: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      })),
      ({ parents, ts, tip, pick }) => {
        const n = parents.length;
        const input = {
          powerParent: Int32Array.from(parents, (p, i) => (p >= 0 && p < i ? p : -1)),
          mainlineTip: tip,
          events: Uint32Array.from(pick.flatMap((b, i) => (b ? [i] : []))),
          originServerTs: Float64Array.from(ts),
          idRank: Uint32Array.from({ length: n }, (_, i) => n - 1 - i),
        };
        const expected = jsStateResKernel.mainlineOrder(input);
        for (const k of kernels) assert.deepEqual(Array.from(k.mainlineOrder(input)), Array.from(expected), k.path);
      },
    ), { numRuns: 150, seed: 34 });
  });

  it('auth difference over a chain cover', () => {
    fc.assert(fc.property(dagArb, fc.array(fc.array(fc.nat(), { maxLength: 8 }), { minLength: 2, maxLength: 5 }), ({ n, edges }, sets) => {
      const index = new ChainIndex();
      for (let i = 0; i < n; i++) {
        const auth = [...new Set(edges[i]!.filter((t) => t < i))].map((t) => `$${t}`);
        index.add(`$${i}`, auth, stateKeyOf('m.room.member', `@u${i % 3}:x`));
      }
      const ids = sets.map((s) => [...new Set(s.map((x) => `$${x % n}`))]);
      const shared = ids[0]!.filter((id) => ids.every((s) => s.includes(id)));
      for (const includeSelf of [true, false]) {
        const input = index.authDifferenceInput(shared, ids.map((s) => s.filter((id) => !shared.includes(id))), includeSelf);
        const expected = jsStateResKernel.authDifference(input);
        for (const k of kernels) {
          const got = k.authDifference(input);
          assert.deepEqual([Array.from(got.chain), Array.from(got.lo), Array.from(got.hi)], [Array.from(expected.chain), Array.from(expected.lo), Array.from(expected.hi)], k.path);
        }
      }
    }), { numRuns: 100, seed: 56 });
  });

  it('a synthetic room with forks and churn resolves identically on every path', () => {
    const room = syntheticRoom({ stateEvents: 3000, forks: 5, seed: 99 });
    const rules = roomVersion('10')!;
    const results = kernels.map((k) => [...resolveState(rules, room.forkStates, room.lookup, { path: k.path })].sort());
    for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
    assert.ok(results[0]!.length > 1000);
  });

  it('native and wasm refuse malformed arrays without crashing', () => {
    for (const k of kernels) {
      const out = k.reverseTopologicalPowerOrder({
        authStart: Uint32Array.from([0, 5]), authEdges: Uint32Array.from([9]), power: Float64Array.from([0]),
        originServerTs: Float64Array.from([0]), idRank: Uint32Array.from([0]),
      });
      assert.ok(out.length <= 1, k.path);
    }
  });
});

describe('inconsistent input to resolveState', () => {
  const rules = roomVersion('10')!;
  const ev = (id: string, type: string, stateKey: string, auth: string[], extra: Record<string, unknown> = {}): Pdu => pduFromJson({
    event_id: id, room_id: '!r:x', sender: '@a:x', type, state_key: stateKey, content: extra, auth_events: auth, prev_events: [], origin_server_ts: 1, depth: 1,
  });

  it('auth events forming a cycle are reported, not looped on', () => {
    const events = new Map([
      ['$c', ev('$c', 'm.room.create', '', ['$p'], { creator: '@a:x' })],
      ['$p', ev('$p', 'm.room.power_levels', '', ['$c'])],
      ['$j', ev('$j', 'm.room.join_rules', '', ['$c'], { join_rule: 'public' })],
    ]);
    const sets = [new Map([[stateKeyOf('m.room.join_rules', ''), '$j']]), new Map([[stateKeyOf('m.room.power_levels', ''), '$p']])];
    assert.throws(() => resolveState(rules, sets, (id) => events.get(id)), StateResolutionError);
  });

  it('conflicted events missing from the event store take no part', () => {
    const create = ev('$c', 'm.room.create', '', [], { creator: '@a:x', room_version: '10' });
    const sets = [
      new Map([[stateKeyOf('m.room.create', ''), '$c'], [stateKeyOf('m.room.topic', ''), '$missing']]),
      new Map([[stateKeyOf('m.room.create', ''), '$c']]),
    ];
    const out = resolveState(rules, sets, (id) => (id === '$c' ? create : undefined));
    assert.deepEqual([...out], [[stateKeyOf('m.room.create', ''), '$c']]);
  });
});
