// Properties of state resolution, checked on the fixture rooms: the result
// does not depend on the order of the state sets or of the entries within
// them; a single state set (or the same set twice) resolves to itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StateMap } from '../../src/matrix/pdu.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { resolveState } from '../../src/matrix/stateres/index.js';
import { loadRoomFixture, roomFixtureFiles, stateMapOf, triples, type RoomFixture } from './stateres-helpers.js';

// the smaller fixture files (the large ones are resolved in stateres-fixtures)
const fixtures: RoomFixture[] = roomFixtureFiles().filter((f) => !f.includes('large')).map(loadRoomFixture);

function reordered(set: StateMap, order: readonly number[]): StateMap {
  const entries = [...set];
  return new Map(order.map((i) => entries[i % entries.length]!).concat(entries).filter((e, i, all) => all.findIndex((x) => x[0] === e[0]) === i));
}

describe('state resolution properties', () => {
  for (const fixture of fixtures) {
    const rules = roomVersion(fixture.roomVersion)!;
    it(`${fixture.file}: input order does not matter`, () => {
      fc.assert(
        fc.property(
          fc.nat({ max: fixture.cases.length - 1 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          fc.boolean(),
          (caseIndex, order, reverse) => {
            const c = fixture.cases[caseIndex]!;
            const sets = c.stateSets.map((s) => stateMapOf(fixture.store, s));
            const baseline = triples(resolveState(rules, sets, fixture.store.lookup));
            // permute the sets (rotate by order[0], optionally reverse) and the entries within each
            let permuted = sets.map((s) => reordered(s, order));
            const k = order[0]! % permuted.length;
            permuted = permuted.slice(k).concat(permuted.slice(0, k));
            if (reverse) permuted.reverse();
            assert.deepEqual(triples(resolveState(rules, permuted, fixture.store.lookup)), baseline);
            return true;
          },
        ),
        { numRuns: 12, seed: 4297 },
      );
    });

    it(`${fixture.file}: a single state set, or the same set twice, resolves to itself`, () => {
      for (const c of fixture.cases) {
        for (const ids of c.stateSets) {
          const set = stateMapOf(fixture.store, ids);
          assert.deepEqual(triples(resolveState(rules, [set], fixture.store.lookup)), triples(set));
          assert.deepEqual(triples(resolveState(rules, [set, set], fixture.store.lookup)), triples(set));
        }
      }
    });
  }

  it('the resolution of nothing is an error, not an empty state', () => {
    const rules = roomVersion('10')!;
    assert.throws(() => resolveState(rules, [], () => undefined), /no state sets/);
  });
});
