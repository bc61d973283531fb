// Room version rules: each version is the previous one with the changes its spec page lists.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ROOM_VERSION, KNOWN_ROOM_VERSIONS, roomVersion, type RoomVersionRules } from '../../src/matrix/room-versions.js';

/** Fields that differ from the previous version, per the spec's room version pages. */
const changes: Record<string, (keyof RoomVersionRules)[]> = {
  '2': ['stateResolution'],
  '3': ['eventFormat', 'eventIdFormat', 'redactionDomainCheckInAuth'],
  '4': ['eventIdFormat'],
  '5': ['enforceSigningKeyValidity'],
  '6': ['redaction', 'strictCanonicalJson', 'specialCaseAliasesAuth', 'limitNotificationsPowerLevels'],
  '7': ['knocking'],
  '8': ['restrictedJoins', 'redaction'],
  '9': ['redaction'],
  '10': ['knockRestrictedJoins', 'integerOnlyPowerLevels'],
  '11': ['creatorFromSender', 'requireCreatorInCreateContent', 'redactsInContent', 'redaction'],
  '12': ['stateResolution', 'roomIdFromCreateEvent', 'creatorsHaveInfinitePower', 'createEventInAuthEvents'],
};

describe('room versions', () => {
  it('knows 1–12, stable, default 10; nothing else', () => {
    assert.deepEqual(KNOWN_ROOM_VERSIONS, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    assert.equal(DEFAULT_ROOM_VERSION, '10');
    for (const id of KNOWN_ROOM_VERSIONS) assert.equal(roomVersion(id)!.stability, 'stable');
    assert.equal(roomVersion('13'), undefined);
    assert.equal(roomVersion('org.matrix.msc2176'), undefined);
    assert.equal(roomVersion(' 10'), undefined);
  });

  it('each version changes exactly what its spec page says', () => {
    for (let n = 2; n <= 12; n++) {
      const prev = roomVersion(String(n - 1))!;
      const cur = roomVersion(String(n))!;
      const changed = (Object.keys(cur) as (keyof RoomVersionRules)[])
        .filter((f) => f !== 'id' && JSON.stringify(cur[f]) !== JSON.stringify(prev[f]))
        .sort();
      assert.deepEqual(changed, [...changes[String(n)]!].sort(), `v${n}`);
    }
  });

  it('state resolution v1 in room v1, v2 in v2–v11, v2.1 in v12; event ids v1, v3, v4+', () => {
    assert.deepEqual(KNOWN_ROOM_VERSIONS.map((id) => roomVersion(id)!.stateResolution), ['v1', ...Array(10).fill('v2'), 'v2.1']);
    assert.deepEqual(KNOWN_ROOM_VERSIONS.map((id) => roomVersion(id)!.eventIdFormat), ['v1', 'v1', 'v3', ...Array(9).fill('v4')]);
  });

  it('rules are frozen data', () => {
    const v10 = roomVersion('10')!;
    assert.throws(() => { (v10 as { knocking: boolean }).knocking = false; });
  });
});
