// Auth scenarios written from the spec's room version descriptions (v1 aliases
// and redactions, stringy power levels, knocking, v11 creators, v12 creators
// with infinite power), on rooms built by the event builder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { checkAuth, checkAuthEvents, parsePowerLevel, powerLevelOf } from '../../src/matrix/auth/index.js';
import { signJson } from '../../src/matrix/signing.js';
import { standardRoom, TestRoom } from './test-room.js';

const v = (id: string) => roomVersion(id)!;
const ALICE = '@alice:a.example';
const BOB = '@bob:b.example';
const CAROL = '@carol:c.example';

describe('power level values', () => {
  it('v1–v9 read strings as Python int() does; v10 takes integers only', () => {
    for (const [value, expected] of [['50', 50], [' +40 ', 40], ['-7', -7], ['0010', 10], ['\t12\n', 12], ['1_000', 1000], ['\u00a05\u3000', 5], ['١٠٠', 100], ['\u{1D7D9}\u{1D7CE}', 10], ['߁_߂', 12], ['१२३', 123]] as const) {
      assert.equal(parsePowerLevel(v('9'), value), expected, JSON.stringify(value));
      assert.equal(parsePowerLevel(v('10'), value), undefined, JSON.stringify(value));
    }
    for (const bad of ['', '+', '1.5', '1e3', '++1', '1__0', '_1', 'abc', '0x10', '\ufeff1']) assert.equal(parsePowerLevel(v('9'), bad), undefined, JSON.stringify(bad));
    assert.equal(parsePowerLevel(v('9'), '9'.repeat(4301)), undefined); // Python's int() digit limit
    assert.equal(parsePowerLevel(v('9'), '1' + '0'.repeat(20)), 1e20);
    assert.equal(parsePowerLevel(v('5'), 50.57), 50); // floats truncate before v6
    assert.equal(parsePowerLevel(v('5'), -2.5), -2);
    assert.equal(parsePowerLevel(v('6'), 50.57), undefined);
    assert.equal(parsePowerLevel(v('10'), true), undefined);
    assert.equal(parsePowerLevel(v('10'), 42), 42);
  });
});

for (const k of kernelsUnderTest()) {
  describe(`auth scenarios (${k.path})`, () => {
    it('v1–v5: m.room.aliases belongs to the server in its state key, member or not; v6 treats it as ordinary state', () => {
      const room = standardRoom(v('5'), k);
      room.ok(BOB, 'm.room.aliases', { aliases: ['#x:b.example'] }, 'b.example');
      assert.match(room.refused(BOB, 'm.room.aliases', { aliases: [] }, 'a.example'), /state_key must be the sender's server b\.example/);
      const v6 = standardRoom(v('6'), k);
      assert.match(v6.refused(BOB, 'm.room.aliases', { aliases: [] }, 'b.example'), /not joined/);
    });

    it('v1–v2: a low-power redaction only of events from the redacting server; v3+ leaves it to redaction handling', () => {
      for (const id of ['1', '3']) {
        const room = standardRoom(v(id), k);
        room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
        const aliceMsg = room.ok(ALICE, 'm.room.message', { body: 'hi' });
        const bobMsg = room.ok(BOB, 'm.room.message', { body: 'yo' });
        const own = room.send(BOB, 'm.room.redaction', {}, undefined, { redacts: bobMsg.eventId });
        assert.equal(own.result.allowed, true, `v${id} own redaction`);
        const other = room.send(BOB, 'm.room.redaction', {}, undefined, { redacts: aliceMsg.eventId });
        assert.equal(other.result.allowed, id === '3', `v${id}: redaction of another server's event`);
        if (id === '1') assert.match((other.result as { reason: string }).reason, /may only redact events from their own server/);
        room.ok(ALICE, 'm.room.redaction', {}, undefined, { redacts: bobMsg.eventId });
      }
    });

    it('stringy power levels (v9) compare by value; v10 rejects them', () => {
      const room = standardRoom(v('9'), k, ALICE, { ban: ' +40 ', users_default: '0' });
      room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
      room.ok(CAROL, 'm.room.member', { membership: 'join' }, CAROL);
      room.ok(ALICE, 'm.room.power_levels', { users: { [ALICE]: '100', [BOB]: '050' }, ban: ' +40 ', users_default: '0' }, '');
      assert.equal(powerLevelOf(v('9'), BOB, room.lookup), 50);
      room.ok(BOB, 'm.room.member', { membership: 'ban' }, CAROL);
      const v10 = standardRoom(v('10'), k);
      assert.match(v10.refused(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100 }, ban: '40' }, ''), /ban must be an integer/);
      assert.match(v10.refused(ALICE, 'm.room.power_levels', { users: { [ALICE]: '100' } }, ''), /not a power level/);
      assert.match(v10.refused(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100 }, events: { 'm.room.name': '50' } }, ''), /events must be an object whose values are integers/);
    });

    it('a moderator cannot raise anyone above themselves nor touch an equal; the sender may lower themselves', () => {
      const room = standardRoom(v('10'), k);
      room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
      room.ok(CAROL, 'm.room.member', { membership: 'join' }, CAROL);
      room.ok(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 50 } }, '');
      assert.match(room.refused(BOB, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 50, '@d:d.example': 60 } }, ''), /cannot set users\["@d:d\.example"\] to 60: above their own/);
      assert.match(room.refused(BOB, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 0 } }, ''), /not below their own/);
      assert.match(room.refused(BOB, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, kick: 60 }, ''), /cannot set kick to 60/);
      room.ok(BOB, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 10, [CAROL]: 50 } }, '');
      assert.equal(powerLevelOf(v('10'), BOB, room.lookup), 10);
    });

    it('knocking: unknown membership before v7, knock rooms from v7, knock_restricted from v10', () => {
      for (const [id, rule, allowed] of [['6', 'knock', false], ['7', 'knock', true], ['9', 'knock_restricted', false], ['10', 'knock_restricted', true]] as const) {
        const room = standardRoom(v(id), k);
        room.ok(ALICE, 'm.room.join_rules', { join_rule: rule }, '');
        const r = room.send(BOB, 'm.room.member', { membership: 'knock' }, BOB).result;
        assert.equal(r.allowed, allowed, `v${id} knock in a ${rule} room`);
        if (id === '6') assert.match((r as { reason: string }).reason, /unknown membership "knock"/);
        if (id === '7') {
          assert.match(room.refused(BOB, 'm.room.member', { membership: 'join' }, BOB), /not invited/);
          room.ok(ALICE, 'm.room.member', { membership: 'invite' }, BOB);
          room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
        }
      }
    });

    it('restricted joins (v8+) need a joined authoriser with the invite level and their server\'s signature', () => {
      const room = standardRoom(v('8'), k, ALICE, { invite: 50 });
      room.ok(ALICE, 'm.room.join_rules', { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!space:a.example' }] }, '');
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'join' }, BOB), /has no join_authorised_via_users_server/);
      // signed by b.example only: the authorising server a.example has not signed
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'join', join_authorised_via_users_server: ALICE }, BOB), /not signed by the authorising user's server \(a\.example\)/);
      const built = room.build(BOB, 'm.room.member', { membership: 'join', join_authorised_via_users_server: ALICE }, BOB);
      const countersigned = signJson(built.json, room.keyFor('a.example'), k);
      const pdu = { ...built.pdu, json: countersigned };
      assert.deepEqual(room.check(pdu), { allowed: true });
    });

    it('v11: no creator in the create event; the sender is the creator', () => {
      assert.match(new TestRoom(v('10'), k, '!r:a.example').refused(ALICE, 'm.room.create', { room_version: '10' }, ''), /no creator/);
      const room = new TestRoom(v('11'), k, '!r:a.example');
      room.ok(ALICE, 'm.room.create', { room_version: '11', creator: BOB }, '');
      // content.creator means nothing now: Bob cannot take the creator's first join
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'join' }, BOB), /not invited/);
      room.ok(ALICE, 'm.room.member', { membership: 'join' }, ALICE);
      // without power levels the creator (the sender) has 100
      assert.equal(powerLevelOf(v('11'), ALICE, room.lookup), 100);
      assert.equal(powerLevelOf(v('11'), BOB, room.lookup), 0);
      room.ok(ALICE, 'm.room.topic', { topic: 'x' }, '');
      // and in v10 it is content.creator that counts
      const old = new TestRoom(v('10'), k, '!r:a.example');
      old.ok(ALICE, 'm.room.create', { room_version: '10', creator: BOB }, '');
      assert.equal(powerLevelOf(v('10'), BOB, old.lookup), 100);
      assert.equal(powerLevelOf(v('10'), ALICE, old.lookup), 0);
    });

    it('v11: redactions carry redacts in content and pass auth like other events', () => {
      const room = standardRoom(v('11'), k);
      const msg = room.ok(ALICE, 'm.room.message', { body: 'x' });
      const red = room.ok(ALICE, 'm.room.redaction', { reason: 'oops' }, undefined, { redacts: msg.eventId });
      assert.equal(red.redacts, msg.eventId);
      assert.deepEqual(red.content, { reason: 'oops', redacts: msg.eventId });
      assert.equal('redacts' in red.json, false);
    });

    it('v12: the room id is the create event; creators have infinite power and stay off the power levels', () => {
      const room = standardRoom(v('12'), k, ALICE);
      const create = room.lookup('m.room.create', '')!;
      assert.equal(room.roomId, '!' + create.eventId.slice(1));
      assert.equal(create.json.room_id, undefined);
      assert.equal(powerLevelOf(v('12'), ALICE, room.lookup), Infinity);
      // the create event is not an auth event in v12
      const msg = room.ok(ALICE, 'm.room.message', { body: 'hi' });
      assert.equal(msg.authEvents.includes(create.eventId), false);
      room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
      assert.match(room.refused(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100 } }, ''), /room creator @alice:a\.example must not be listed in users/);
      room.ok(ALICE, 'm.room.power_levels', { users: { [BOB]: 1000000 } }, '');
      // a very powerful admin still cannot kick, ban or demote the creator
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'ban' }, ALICE), /power level Infinity/);
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'leave' }, ALICE), /cannot kick/);
      // the creator can do anything a level can express
      room.ok(ALICE, 'm.room.power_levels', { users: { [BOB]: 0 }, events: { 'm.room.tombstone': 9007199254740991 } }, '');
      room.ok(ALICE, 'm.room.tombstone', { body: 'bye', replacement_room: '!x' }, '');
    });

    it('v12: additional_creators must be user ids and share infinite power; create events may not carry a room_id', () => {
      const bad = new TestRoom(v('12'), k);
      assert.match(bad.refused(ALICE, 'm.room.create', { room_version: '12', additional_creators: ['not a user'] }, ''), /additional_creators must be an array of user ids/);
      const room = new TestRoom(v('12'), k);
      room.ok(ALICE, 'm.room.create', { room_version: '12', additional_creators: [BOB] }, '');
      assert.equal(powerLevelOf(v('12'), BOB, room.lookup), Infinity);
      room.ok(ALICE, 'm.room.member', { membership: 'join' }, ALICE);
      room.ok(ALICE, 'm.room.power_levels', { users: {} }, '');
      room.ok(ALICE, 'm.room.join_rules', { join_rule: 'public' }, '');
      room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
      assert.match(room.refused(ALICE, 'm.room.power_levels', { users: { [BOB]: 50 } }, ''), /room creator @bob:b\.example must not be listed/);
      // a create event that names a room id is rejected
      const withRoomId = room.build(CAROL, 'm.room.create', { room_version: '12' }, '');
      const json = { ...withRoomId.json, room_id: room.roomId };
      const pdu = { ...withRoomId.pdu, json, prevEvents: [] };
      assert.match((checkAuth(v('12'), pdu, () => undefined, k) as { reason: string }).reason, /has no room_id/);
    });

    it('v12: an event must belong to the room its create event makes; auth_events may not cite the create event', () => {
      const room = standardRoom(v('12'), k, ALICE);
      const other = standardRoom(v('12'), k, CAROL);
      const stray = other.build(CAROL, 'm.room.message', { body: 'x' });
      assert.match((room.check(stray.pdu) as { reason: string }).reason, /belongs to room|is not the create event/);
      const msg = room.build(ALICE, 'm.room.message', { body: 'x' });
      const create = room.lookup('m.room.create', '')!;
      const authEvents = msg.pdu.authEvents.map((id) => room.events.get(id)!);
      assert.match((checkAuthEvents(v('12'), msg.pdu, [create, ...authEvents], create, k) as { reason: string }).reason, /\(m\.room\.create, ""\).*does not ask for/);
      assert.match((checkAuthEvents(v('12'), msg.pdu, authEvents, undefined, k) as { reason: string }).reason, /create event is needed/);
      assert.deepEqual(checkAuthEvents(v('12'), msg.pdu, authEvents, create, k), { allowed: true });
    });

    it('spec consequence: to unban you need both the kick and ban levels and more power than the target', () => {
      const room = standardRoom(v('10'), k, ALICE, { kick: 75, ban: 50 });
      for (const u of [BOB, CAROL, '@dan:d.example']) room.ok(u, 'm.room.member', { membership: 'join' }, u);
      room.ok(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 60, [CAROL]: 80 }, kick: 75, ban: 50 }, '');
      room.ok(BOB, 'm.room.member', { membership: 'ban' }, '@dan:d.example');
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'leave' }, '@dan:d.example'), /cannot kick @dan:d\.example/);
      room.ok(CAROL, 'm.room.member', { membership: 'leave' }, '@dan:d.example');
      room.ok(CAROL, 'm.room.member', { membership: 'ban' }, BOB);
      room.ok(ALICE, 'm.room.power_levels', { users: { [ALICE]: 100, [BOB]: 90, [CAROL]: 80 }, kick: 75, ban: 50 }, '');
      assert.match(room.refused(CAROL, 'm.room.member', { membership: 'leave' }, BOB), /power level 90/);
    });

    it('spec consequence: a non-member may only join a public room, or accept or reject an invitation', () => {
      const room = standardRoom(v('10'), k);
      assert.match(room.refused(BOB, 'm.room.message', { body: 'x' }), /not joined/);
      assert.match(room.refused(BOB, 'm.room.topic', { topic: 'x' }, ''), /not joined/);
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'invite' }, CAROL), /not joined/);
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'leave' }, BOB), /membership is none/);
      room.ok(ALICE, 'm.room.join_rules', { join_rule: 'invite' }, '');
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'join' }, BOB), /not invited/);
      room.ok(ALICE, 'm.room.member', { membership: 'invite' }, BOB);
      room.ok(ALICE, 'm.room.member', { membership: 'invite' }, CAROL);
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'invite' }, '@dan:d.example'), /not joined/);
      room.ok(BOB, 'm.room.member', { membership: 'leave' }, BOB);
      room.ok(CAROL, 'm.room.member', { membership: 'join' }, CAROL);
      assert.match(room.refused(ALICE, 'm.room.member', { membership: 'join' }, CAROL), /only the user can join/);
    });

    it('m.federate false keeps other servers out', () => {
      const room = new TestRoom(v('10'), k, '!r:a.example');
      room.ok(ALICE, 'm.room.create', { creator: ALICE, 'm.federate': false }, '');
      room.ok(ALICE, 'm.room.member', { membership: 'join' }, ALICE);
      room.ok(ALICE, 'm.room.join_rules', { join_rule: 'public' }, '');
      assert.match(room.refused(BOB, 'm.room.member', { membership: 'join' }, BOB), /does not federate/);
      room.ok('@dan:a.example', 'm.room.member', { membership: 'join' }, '@dan:a.example');
    });

    it('third-party invites: the signed block must verify with a key of the matching m.room.third_party_invite', () => {
      const room = standardRoom(v('10'), k);
      const idServer = { seed: k.sha256(new TextEncoder().encode('identity server')), keyId: 'ed25519:0', serverName: 'id.example' };
      const publicKey = k.base64Encode(k.ed25519PublicKey(idServer.seed), true); // URL-safe, as some identity servers publish
      room.ok(ALICE, 'm.room.third_party_invite', { display_name: 'b...', key_validity_url: 'https://id.example/v', public_key: 'AAAA', public_keys: [{ public_key: publicKey }] }, 'tok');
      const signed = signJson({ mxid: BOB, token: 'tok', sender: ALICE }, idServer, k);
      room.ok(ALICE, 'm.room.member', { membership: 'invite', third_party_invite: { display_name: 'b...', signed } }, BOB);
      const forged = { ...signed, mxid: CAROL };
      assert.match(room.refused(ALICE, 'm.room.member', { membership: 'invite', third_party_invite: { display_name: 'c', signed: forged } }, CAROL), /no signature .* verifies/);
      assert.match(room.refused(ALICE, 'm.room.member', { membership: 'invite', third_party_invite: { display_name: 'c', signed } }, CAROL), /is not the invited user/);
      const otherToken = signJson({ mxid: CAROL, token: 'nope', sender: ALICE }, idServer, k);
      assert.match(room.refused(ALICE, 'm.room.member', { membership: 'invite', third_party_invite: { display_name: 'c', signed: otherToken } }, CAROL), /no m\.room\.third_party_invite with token "nope"/);
      room.ok(BOB, 'm.room.member', { membership: 'join' }, BOB);
    });
  });
}
