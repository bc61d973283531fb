// PDU format checks per room version and event/room id computation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { roomVersion, type RoomVersionRules } from '../../src/matrix/room-versions.js';
import { parsePdu, PduFormatError, computeEventId, computeRoomIdFromCreate, referenceHash, referenceHashOfBytes, eventIdFromReferenceHash } from '../../src/matrix/event-format/index.js';
import { readVector } from './vectors.js';

type Json = Record<string, unknown>;
interface Fixture { events: Json[] }

const v1 = roomVersion('1')!;
const v3 = roomVersion('3')!;
const v5 = roomVersion('5')!;
const v6 = roomVersion('6')!;
const v10 = roomVersion('10')!;
const v12 = roomVersion('12')!;

/** A well-formed v10 message event. */
function v10Event(overrides: Json = {}): Json {
  return {
    type: 'm.room.message', sender: '@alice:example.org', room_id: '!room:example.org', content: { body: 'hi' },
    prev_events: ['$' + 'a'.repeat(43)], auth_events: ['$' + 'b'.repeat(43)], depth: 5, origin_server_ts: 1700000000000,
    hashes: { sha256: 'x' }, signatures: { 'example.org': { 'ed25519:k': 'sig' } }, ...overrides,
  };
}
const ID = '$' + 'c'.repeat(43);

for (const k of kernelsUnderTest()) {
  // id: null for v1–v2 events, which carry their own
  const parse = (rules: RoomVersionRules, json: Json, id: string | null = ID) => parsePdu(rules, json, id ?? undefined, { kernels: k });
  const rejects = (rules: RoomVersionRules, json: Json, pattern: RegExp, id: string | null = ID) => {
    assert.throws(() => parse(rules, json, id), (err: unknown) => err instanceof PduFormatError && pattern.test(err.reason), `expected a format error matching ${pattern}`);
  };

  describe(`PDU format (${k.path})`, () => {
    it('parses a well-formed event into the fields auth reads', () => {
      const p = parse(v10, v10Event({ state_key: '', type: 'm.room.topic', content: { topic: 't' } }));
      assert.equal(p.eventId, ID);
      assert.equal(p.roomId, '!room:example.org');
      assert.equal(p.stateKey, '');
      assert.deepEqual(p.prevEvents, ['$' + 'a'.repeat(43)]);
      assert.equal(p.depth, 5);
    });

    it('rejects a PDU over 65,536 bytes of canonical JSON', () => {
      rejects(v10, v10Event({ content: { body: 'x'.repeat(65_536) } }), /65536 are allowed/);
      // just under the limit is fine
      const base = JSON.stringify(v10Event({ content: { body: '' } })).length;
      parse(v10, v10Event({ content: { body: 'x'.repeat(65_536 - base) } }));
    });

    it('rejects ids and keys longer than 255 bytes (bytes, not characters)', () => {
      rejects(v10, v10Event({ type: 'm.' + 'x'.repeat(254) }), /type is longer than 255 bytes/);
      rejects(v10, v10Event({ state_key: 'é'.repeat(128) }), /state_key is longer than 255 bytes/);
      parse(v10, v10Event({ state_key: 'é'.repeat(127) }));
      rejects(v10, v10Event({ sender: '@' + 'a'.repeat(250) + ':example.org' }), /sender .* is not a user id/);
      rejects(v10, v10Event({ room_id: '!' + 'r'.repeat(250) + ':example.org' }), /room_id is longer than 255 bytes/);
    });

    it('rejects malformed ids', () => {
      rejects(v10, v10Event({ sender: 'alice:example.org' }), /sender/);
      rejects(v10, v10Event({ sender: '@alice' }), /sender/);
      rejects(v10, v10Event({ sender: '@alice:bad_host!' }), /sender/);
      rejects(v10, v10Event({ room_id: '!nodomain' }), /room_id/);
      rejects(v10, v10Event({ prev_events: ['$notahash'] }), /prev_events holds/);
      rejects(v10, v10Event({ prev_events: ['$' + '+'.repeat(43)] }), /not an event id of room version 10/); // v3 alphabet in v4+
      parse(v3, v10Event({ prev_events: ['$' + '+'.repeat(43)], auth_events: [] }), '$' + '/'.repeat(43));
      rejects(v10, v10Event(), /not an event id/, '$abc:example.org');
      parse(v10, v10Event({ sender: '@Historical Üser:example.org' })); // historical localparts are accepted
      parse(v10, v10Event({ sender: '@a:[::1]:8448' }));
      parse(v10, v10Event({ sender: '@a:1.2.3.4:80' }));
    });

    it('reads v1–v2 [id, hash] pairs and requires them there', () => {
      const ev = v10Event({ event_id: '$e:example.org', prev_events: [['$p:example.org', { sha256: 'h' }]], auth_events: [['$a:example.org', { sha256: 'h' }]] });
      const p = parse(v1, ev, null);
      assert.equal(p.eventId, '$e:example.org');
      assert.deepEqual(p.prevEvents, ['$p:example.org']);
      rejects(v1, { ...ev, prev_events: ['$p:example.org'] }, /pairs/, null);
      rejects(v3, v10Event({ prev_events: [['$p:example.org', { sha256: 'h' }]] }), /event ids/);
      rejects(v1, { ...ev, event_id: undefined }, /event_id is required/, null);
    });

    it('rejects fields of the wrong type', () => {
      rejects(v10, v10Event({ content: [] }), /content must be an object/);
      rejects(v10, v10Event({ type: 5 }), /type must be a string/);
      rejects(v10, v10Event({ state_key: 5 }), /state_key must be a string/);
      rejects(v10, v10Event({ depth: '5' }), /depth must be an integer/);
      rejects(v10, v10Event({ origin_server_ts: 1.5 }), /origin_server_ts must be an integer/);
      rejects(v10, v10Event({ hashes: {} }), /hashes/);
      rejects(v10, v10Event({ signatures: { s: 'x' } }), /signatures\.s/);
      rejects(v10, v10Event({ unsigned: 1 }), /unsigned/);
      rejects(v10, v10Event({ prev_events: 'x' }), /prev_events must be an array/);
      rejects(v10, v10Event({ prev_events: Array.from({ length: 21 }, () => '$' + 'a'.repeat(43)) }), /at most 20/);
      rejects(v10, v10Event({ auth_events: Array.from({ length: 11 }, () => '$' + 'a'.repeat(43)) }), /at most 10/);
      rejects(v10, v10Event({ type: 'm.room.redaction', redacts: 5 }), /redacts must be a string/);
    });

    it('keeps depth within the room version\'s integers', () => {
      rejects(v10, v10Event({ depth: -1 }), /depth -1 is outside/);
      rejects(v6, v10Event({ depth: 2 ** 53 }), /depth .* is outside/);
      parse(v5, v10Event({ depth: 2 ** 53 }));
      rejects(v5, v10Event({ depth: 2 ** 64 }), /depth .* is outside/);
    });

    it('enforces strict canonical JSON from v6 only', () => {
      rejects(v6, v10Event({ content: { n: 1.5 } }), /not an integer/);
      rejects(v10, v10Event({ content: { n: 2 ** 60 } }), /room version 10 does not allow/);
      parse(v5, v10Event({ content: { n: 1.5 } }));
    });

    it('redacts: top level up to v10, content from v11', () => {
      const v11 = roomVersion('11')!;
      assert.equal(parse(v10, v10Event({ type: 'm.room.redaction', redacts: ID })).redacts, ID);
      assert.equal(parse(v11, v10Event({ type: 'm.room.redaction', content: { redacts: ID } })).redacts, ID);
      assert.equal(parse(v11, v10Event({ type: 'm.room.redaction', redacts: ID, content: {} })).redacts, undefined);
    });
  });

  describe(`event ids and v12 room ids (${k.path})`, () => {
    it('v1–v2 ids are carried; v3 uses standard base64 and v4+ URL-safe base64 of the reference hash', () => {
      const fixture = readVector<Fixture>('rooms/refhash-v3.json');
      for (const e of fixture.events.slice(0, 10)) {
        const { event_id: _id, ...json } = e;
        const v3Id = computeEventId(v3, json, k);
        assert.equal(v3Id, e.event_id);
        const v4Id = computeEventId(roomVersion('4')!, json, k);
        assert.equal(v4Id, v3Id.replaceAll('+', '-').replaceAll('/', '_'));
        assert.equal(v4Id.length, 44);
        assert.deepEqual(referenceHash(v3, json, k), k.base64Decode(v3Id.slice(1)));
      }
      assert.equal(computeEventId(v1, { event_id: '$x:y' }, k), '$x:y');
      assert.throws(() => computeEventId(v1, {}, k), /carries its event_id/);
    });

    it('a v12 room id is the create event\'s id with !, and the create event has no room_id', () => {
      const create: Json = {
        type: 'm.room.create', state_key: '', sender: '@alice:example.org', content: { room_version: '12' },
        prev_events: [], auth_events: [], depth: 1, origin_server_ts: 1, hashes: { sha256: 'x' }, signatures: {},
      };
      const eventId = computeEventId(v12, create, k);
      const roomId = computeRoomIdFromCreate(create, k);
      assert.equal(roomId, '!' + eventId.slice(1));
      assert.match(roomId, /^![A-Za-z0-9_-]{43}$/);
      const p = parse(v12, create, eventId);
      assert.equal(p.roomId, roomId);
      parse(v12, v10Event({ room_id: roomId }));
      rejects(v12, v10Event(), /not a room id of room version 12/);
      rejects(v12, v10Event({ room_id: undefined }), /room_id must be a string/);
      assert.throws(() => computeRoomIdFromCreate(create, k, v10), /not derived/);
    });
  });

  describe(`reference hashes from bytes (${k.path})`, () => {
    it('v1–v5 integers beyond 2^53 hash with the digits the sender wrote', () => {
      const text = '{"type":"m.room.message","content":{"n":12345678901234567891},"room_id":"!r:x","sender":"@u:x","depth":1,"unsigned":{"a":1}}';
      const hash = referenceHashOfBytes(v5, new TextEncoder().encode(text), k);
      // redaction keeps no content of a message; what matters is the exact canonical form of what remains
      const expected = k.sha256(new TextEncoder().encode('{"content":{},"depth":1,"room_id":"!r:x","sender":"@u:x","type":"m.room.message"}'));
      assert.deepEqual(hash, expected);
      const stateText = '{"type":"m.room.power_levels","state_key":"","content":{"ban":12345678901234567891},"room_id":"!r:x","sender":"@u:x","depth":1}';
      const exact = referenceHashOfBytes(v5, new TextEncoder().encode(stateText), k);
      assert.deepEqual(exact, k.sha256(new TextEncoder().encode('{"content":{"ban":12345678901234567891},"depth":1,"room_id":"!r:x","sender":"@u:x","state_key":"","type":"m.room.power_levels"}')));
      assert.notDeepEqual(exact, referenceHash(v5, JSON.parse(stateText), k)); // the object form has lost digits
      assert.equal(eventIdFromReferenceHash(v5, exact, k), '$' + k.base64Encode(exact, true));
      assert.throws(() => eventIdFromReferenceHash(v1, exact, k), /not derived/);
    });
  });
}
