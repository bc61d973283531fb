// Bad input never crashes the protocol layer: arbitrary JSON in the fields
// auth and parsing read gives a PduFormatError or an auth verdict, and every
// rejection has a reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { roomVersion, KNOWN_ROOM_VERSIONS } from '../../src/matrix/room-versions.js';
import { parsePdu, PduFormatError, computeEventId } from '../../src/matrix/event-format/index.js';
import { checkAuth, checkAuthEvents } from '../../src/matrix/auth/index.js';
import { standardRoom } from './test-room.js';

const k = kernelsUnderTest()[0]!;
const ALICE = '@alice:a.example';

const field = fc.constantFrom('type', 'state_key', 'content', 'sender', 'room_id', 'depth', 'prev_events', 'auth_events', 'hashes', 'signatures', 'redacts', 'origin_server_ts', 'unsigned');
const contentKey = fc.constantFrom('membership', 'join_rule', 'users', 'events', 'ban', 'kick', 'invite', 'users_default', 'state_default', 'third_party_invite', 'join_authorised_via_users_server', 'creator', 'room_version', 'additional_creators', 'm.federate', 'notifications', 'redacts');
const type = fc.constantFrom('m.room.member', 'm.room.power_levels', 'm.room.create', 'm.room.join_rules', 'm.room.third_party_invite', 'm.room.redaction', 'm.room.aliases', 'm.room.message');

describe(`robustness on arbitrary input (${k.path})`, () => {
  for (const id of ['1', '6', '10', '12']) {
    it(`room v${id}: mutated events parse or fail with a reason, and auth always gives a verdict`, () => {
      const rules = roomVersion(id)!;
      const room = standardRoom(rules, k);
      room.ok('@bob:b.example', 'm.room.member', { membership: 'join' }, '@bob:b.example');
      const base = room.build(ALICE, 'm.room.member', { membership: 'join' }, ALICE).json;
      fc.assert(fc.property(
        type, fc.option(fc.string(), { nil: undefined }), fc.dictionary(contentKey, fc.jsonValue({ maxDepth: 3 })),
        fc.array(fc.tuple(field, fc.jsonValue({ maxDepth: 2 })), { maxLength: 2 }),
        (t, stateKey, content, mutations) => {
          const json: Record<string, unknown> = { ...base, type: t, content };
          if (stateKey === undefined) delete json.state_key; else json.state_key = stateKey;
          for (const [f, value] of mutations) json[f] = value;
          let pdu;
          try {
            const eventId = rules.eventFormat === 'v1' ? undefined : computeEventId(rules, json, k);
            pdu = parsePdu(rules, json, eventId, { kernels: k });
          } catch (err) {
            if (err instanceof PduFormatError) { assert.ok(err.reason.length > 0); return; }
            // a JSON value the kernels refuse before parsing (e.g. a number canonical JSON cannot hold)
            if (err instanceof Error && err.name === 'CanonicalJsonError') return;
            throw err;
          }
          for (const verdict of [
            checkAuth(rules, pdu, room.lookup, k),
            checkAuthEvents(rules, pdu, pdu.authEvents.map((e) => room.events.get(e)).filter((e) => e !== undefined), room.lookup('m.room.create', ''), k),
          ]) {
            if (!verdict.allowed) assert.ok(typeof verdict.reason === 'string' && verdict.reason.length > 0);
          }
        },
      ), { numRuns: 300 });
    });
  }

  it('every known room version authorises its own standard room', () => {
    for (const id of KNOWN_ROOM_VERSIONS) standardRoom(roomVersion(id)!, k);
  });
});
