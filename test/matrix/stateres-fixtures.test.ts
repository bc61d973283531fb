// Every state-resolution vector, on every kernel path: the Synapse 1.67 oracle
// fixtures (rooms/stateres-*.json, room versions 1–10) and ruma's scenarios
// (ruma-state-res/, v10–v12 including MSC4297 problems A and B).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stateKeyOf, type StateMap } from '../../src/matrix/pdu.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { resolveState } from '../../src/matrix/stateres/index.js';
import {
  eventStore, loadRoomFixture, loadRumaScenarios, replayDag, roomFixtureFiles, stateMapOf, stateResPathsUnderTest, triples,
} from './stateres-helpers.js';

const paths = stateResPathsUnderTest();

describe('state resolution: Synapse 1.67 fixtures', () => {
  for (const file of roomFixtureFiles()) {
    const fixture = loadRoomFixture(file);
    const rules = roomVersion(fixture.roomVersion);
    describe(file, () => {
      fixture.cases.forEach((c, i) => {
        for (const path of paths) {
          it(`case ${i} [${path}]: ${c.description.slice(0, 90)}`, () => {
            assert.ok(rules, `room version ${fixture.roomVersion} is known`);
            const sets = c.stateSets.map((s) => stateMapOf(fixture.store, s));
            const got = resolveState(rules, sets, fixture.store.lookup, { path });
            assert.deepEqual(triples(got), c.expected);
          });
        }
      });
    });
  }
});

describe('state resolution: ruma scenarios', () => {
  for (const s of loadRumaScenarios()) {
    const rules = roomVersion(s.roomVersion);
    for (const path of paths) {
      it(`${s.name} (${s.mode}, room v${s.roomVersion}) [${path}]`, () => {
        assert.ok(rules, `room version ${s.roomVersion} is known`);
        // ruma counts only auth events in a state set's auth chain (the spec's wording)
        const options = { authChainIncludesStateEvents: false };
        if (s.mode === 'state_maps') {
          const store = eventStore(s.batches.flat());
          const sets = s.stateMaps.map((m) => stateMapOf(store, m));
          assert.deepEqual(triples(resolveState(rules, sets, store.lookup, { path }, options)), s.expected);
          return;
        }
        const resolve = (sets: Parameters<typeof resolveState>[1], lookup: Parameters<typeof resolveState>[2]) =>
          resolveState(rules, sets, lookup, { path }, options);
        // replayed event by event in DAG order
        assert.deepEqual(triples(replayDag(s.batches.flat(), resolve)), s.expected);
        // as ruma also checks: each PDU its own state map, resolved one batch after another, and all at once
        const store = eventStore(s.batches.flat());
        const single = (p: (typeof s.batches)[number][number]) => new Map([[stateKeyOf(p.type, p.stateKey ?? ''), p.eventId]]);
        let state: StateMap | undefined;
        for (const batch of s.batches) state = resolve([...(state ? [state] : []), ...batch.map(single)], store.lookup);
        assert.deepEqual(triples(state!), s.expected, 'batch after batch');
        assert.deepEqual(triples(resolve(s.batches.flat().map(single), store.lookup)), s.expected, 'all at once');
      });
    }
  }
});
