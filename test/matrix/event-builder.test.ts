// Building our own events: auth events selection, prev events, depth, hashes, signature.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { authEventTypes } from '../../src/matrix/auth/index.js';
import { computeEventId, referenceHash } from '../../src/matrix/event-format/index.js';
import { hasValidContentHash, verifyEventSignatures } from '../../src/matrix/signing.js';
import { canonicalBytes, jsonMode } from '../../src/matrix/canonical.js';
import { buildEvent } from '../../src/matrix/event-builder.js';
import { standardRoom, type TestRoom } from './test-room.js';

function buildEventWith(room: TestRoom, prevEvents: string[], depth: number | undefined) {
  return buildEvent({
    rules: room.rules, roomId: room.roomId!, sender: ALICE, type: 'm.room.message', content: { body: 'x' }, prevEvents,
    authState: room.lookup, originServerTs: 1, signingKey: room.keyFor('a.example'), kernels: room.k, ...(depth !== undefined ? { depth } : {}),
  });
}

const v = (id: string) => roomVersion(id)!;
const ALICE = '@alice:a.example';
const BOB = '@bob:b.example';

describe('auth events selection', () => {
  it('create: none; others: create (not in v12), power levels, sender; members add target, join rules, 3pid token, authoriser', () => {
    assert.deepEqual(authEventTypes(v('10'), { type: 'm.room.create', stateKey: '', sender: ALICE, content: {} }), []);
    assert.deepEqual(authEventTypes(v('10'), { type: 'm.room.message', sender: ALICE, content: {} }),
      [['m.room.create', ''], ['m.room.power_levels', ''], ['m.room.member', ALICE]]);
    assert.deepEqual(authEventTypes(v('12'), { type: 'm.room.message', sender: ALICE, content: {} }),
      [['m.room.power_levels', ''], ['m.room.member', ALICE]]);
    assert.deepEqual(authEventTypes(v('10'), { type: 'm.room.member', stateKey: BOB, sender: ALICE, content: { membership: 'leave' } }),
      [['m.room.create', ''], ['m.room.power_levels', ''], ['m.room.member', ALICE], ['m.room.member', BOB]]);
    assert.deepEqual(authEventTypes(v('10'), { type: 'm.room.member', stateKey: BOB, sender: ALICE, content: { membership: 'invite', third_party_invite: { signed: { token: 't' } } } }),
      [['m.room.create', ''], ['m.room.power_levels', ''], ['m.room.member', ALICE], ['m.room.member', BOB], ['m.room.join_rules', ''], ['m.room.third_party_invite', 't']]);
    const restricted = { type: 'm.room.member', stateKey: BOB, sender: BOB, content: { membership: 'join', join_authorised_via_users_server: ALICE } };
    assert.deepEqual(authEventTypes(v('8'), restricted).at(-1), ['m.room.member', ALICE]);
    assert.deepEqual(authEventTypes(v('7'), restricted).at(-1), ['m.room.join_rules', '']);
    assert.deepEqual(authEventTypes(v('7'), { type: 'm.room.member', stateKey: BOB, sender: BOB, content: { membership: 'knock' } }).at(-1), ['m.room.join_rules', '']);
  });
});

for (const k of kernelsUnderTest()) {
  describe(`event builder (${k.path})`, () => {
    for (const id of ['1', '3', '6', '10', '11', '12']) {
      it(`room v${id}: events cite the selected auth events and the tips, and carry a valid hash and signature`, () => {
        const rules = v(id);
        const room = standardRoom(rules, k);
        const join = room.build(BOB, 'm.room.member', { membership: 'join' }, BOB);
        const state = (t: string, s: string) => room.lookup(t, s)?.eventId;
        const expectedAuth = [
          ...(rules.createEventInAuthEvents ? [state('m.room.create', '')] : []),
          state('m.room.power_levels', ''),
          state('m.room.join_rules', ''),
        ];
        assert.deepEqual([...join.pdu.authEvents].sort(), expectedAuth.map(String).sort());
        const tip = room.lookup('m.room.join_rules', '')!;
        assert.deepEqual(join.pdu.prevEvents, [tip.eventId]);
        assert.equal(join.pdu.depth, tip.depth + 1);
        assert.equal(join.eventId, rules.eventFormat === 'v1' ? join.json.event_id : computeEventId(rules, join.json, k));
        // the bytes the builder hands to the pipeline (stored, sent) are the event's canonical JSON
        assert.deepEqual(Buffer.from(join.bytes), Buffer.from(canonicalBytes(k, join.json, jsonMode(rules))));
        if (rules.eventFormat === 'v1') {
          // [id, {sha256: reference hash}] pairs
          const [pair] = join.json.prev_events as [string, { sha256: string }][];
          assert.deepEqual(pair, [tip.eventId, { sha256: k.base64Encode(referenceHash(rules, tip.json, k)) }]);
          assert.match(join.eventId, /^\$[^:]+:b\.example$/);
        }
        assert.equal(hasValidContentHash(rules, join.json, k), true);
        const publicKey = k.ed25519PublicKey(room.keyFor('b.example').seed);
        assert.deepEqual(verifyEventSignatures(rules, join.json, [{ server: 'b.example', keyId: 'ed25519:test', publicKey }], k), { ok: true });
        assert.deepEqual(room.check(join.pdu), { allowed: true });
      });
    }

    it('depth is one more than the deepest prev event, and stays at the limit once there', () => {
      const room = standardRoom(v('10'), k);
      const deep = { ...room.lookup('m.room.join_rules', '')!, depth: Number.MAX_SAFE_INTEGER };
      const shallow = room.lookup('m.room.power_levels', '')!;
      assert.equal(room.build(ALICE, 'm.room.message', { body: 'x' }, undefined, { prevEvents: [shallow] }).pdu.depth, shallow.depth + 1);
      assert.equal(room.build(ALICE, 'm.room.message', { body: 'x' }, undefined, { prevEvents: [shallow, deep] }).pdu.depth, Number.MAX_SAFE_INTEGER);
    });

    it('prev events by id: fine from v3 with a depth, refused for v1–v2 and without a depth', () => {
      const room = standardRoom(v('10'), k);
      const tip = room.lookup('m.room.join_rules', '')!;
      const built = room.build(ALICE, 'm.room.message', { body: 'x' }, undefined, { prevEvents: [] });
      assert.deepEqual(built.pdu.prevEvents, []);
      const byId = buildEventWith(room, [tip.eventId], 7);
      assert.deepEqual(byId.pdu.prevEvents, [tip.eventId]);
      assert.equal(byId.pdu.depth, 7);
      assert.throws(() => buildEventWith(room, [tip.eventId], undefined), /depth is needed/);
      const old = standardRoom(v('2'), k);
      assert.throws(() => buildEventWith(old, [old.lookup('m.room.join_rules', '')!.eventId], 9), /reference hashes/);
    });

    it('v12: the create event has no room_id and names the room; later events use that room id', () => {
      const room = standardRoom(v('12'), k);
      const create = room.lookup('m.room.create', '')!;
      assert.equal('room_id' in create.json, false);
      assert.equal(create.depth, 1);
      const msg = room.build(ALICE, 'm.room.message', { body: 'x' });
      assert.equal(msg.json.room_id, '!' + create.eventId.slice(1));
    });
  });
}
