// Every auth, auth-events, redaction and reference-hash fixture in
// ../shared/vectors/rooms (Synapse 1.67 as oracle, room versions 1–10), on
// every kernel path that loads. Each case must reach the oracle's verdict.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { runRoomFixture, type RoomFixture } from '../../src/cli/debug/room-fixture.js';
import { readVector, roomFixtureFiles } from './vectors.js';

// msc2176 is Synapse's experimental version, not v11 (FORMATS.md); state resolution has its own tests.
const files = roomFixtureFiles(/^(auth-|auth-authevents-|redaction-v|refhash-).*\.json$/);

describe('room fixtures (Synapse 1.67 oracle)', () => {
  it('finds the fixture files', () => {
    assert.ok(files.length >= 40, `only ${files.length} fixture files found`);
  });
  for (const k of kernelsUnderTest()) {
    for (const file of files) {
      it(`${file} on ${k.path}`, () => {
        const fixture = readVector<RoomFixture>(`rooms/${file}`);
        const reports = runRoomFixture(fixture, { kernels: k });
        assert.ok(reports.length > 0, 'no section ran');
        for (const r of reports) {
          assert.equal(r.failed, 0, `${r.section}: ${r.failed} failed:\n${r.failures.slice(0, 10).join('\n')}`);
          assert.ok(r.passed > 0, `${r.section}: no cases`);
        }
      });
    }
  }
});
