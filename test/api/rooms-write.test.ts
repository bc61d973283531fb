// The room write endpoints through the composed server (inject, no socket):
// success shapes as the spec's OpenAPI and every error case.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient } from '../helpers/client.js';
import { loginUser, registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const PASSWORD = 'correct horse battery';
const { ok, fails } = apiClient(() => server);
const register = (name: string): Promise<User> => registerUser(server, name, PASSWORD);






const enc = encodeURIComponent;
let alice: User;
let bob: User;
let carol: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await register('alice');
  bob = await register('bob');
  carol = await register('carol');
});
after(async () => { await server.close(); });

describe('POST /createRoom', () => {
  test('creates a room: {room_id}; r0 and v3; the creator is joined', async () => {
    const body = await ok(alice, 'POST', `${V3}/createRoom`, { name: 'Lobby', preset: 'public_chat' });
    assert.match(body.room_id as string, /^!.+:localhost$/);
    const r0 = await ok(alice, 'POST', '/_matrix/client/r0/createRoom', {});
    assert.match(r0.room_id as string, /^!/);
    // The creator may send at once.
    const sent = await ok(alice, 'PUT', `${V3}/rooms/${enc(body.room_id as string)}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hi' });
    assert.match(sent.event_id as string, /^\$/);
  });

  test('room versions: 1 and 12 on request; others are M_UNSUPPORTED_ROOM_VERSION', async () => {
    for (const v of ['1', '12']) await ok(alice, 'POST', `${V3}/createRoom`, { room_version: v });
    await fails(alice, 'POST', `${V3}/createRoom`, { room_version: '99' }, 400, 'M_UNSUPPORTED_ROOM_VERSION');
  });

  test('errors: no token, bad JSON, wrong types, alias taken, invalid initial state', async () => {
    await fails(undefined, 'POST', `${V3}/createRoom`, {}, 401, 'M_MISSING_TOKEN');
    const notJson = await server.inject({ method: 'POST', path: `${V3}/createRoom`, accessToken: alice.accessToken, body: '{"name": ', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.ok(['M_NOT_JSON', 'M_BAD_JSON'].includes((notJson.json as { errcode: string }).errcode), notJson.text);
    await fails(alice, 'POST', `${V3}/createRoom`, { name: 5 }, 400, 'M_BAD_JSON');
    await fails(alice, 'POST', `${V3}/createRoom`, { preset: 'party' }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'POST', `${V3}/createRoom`, { invite: ['bob'] }, 400, 'M_INVALID_PARAM');
    await ok(alice, 'POST', `${V3}/createRoom`, { room_alias_name: 'taken' });
    await fails(bob, 'POST', `${V3}/createRoom`, { room_alias_name: 'taken' }, 400, 'M_ROOM_IN_USE');
    await fails(alice, 'POST', `${V3}/createRoom`, { name: 'locked', power_level_content_override: { users: {}, state_default: 100 } }, 400, 'M_INVALID_ROOM_STATE');
  });
});

describe('room alias grammar (appendices "Room aliases")', () => {
  test('room_alias_name: "#" allowed (bridged IRC channels, as Synapse), ":" NUL and whitespace refused, 255 bytes at most with sigil and domain', async () => {
    const irc = await ok(alice, 'POST', `${V3}/createRoom`, { room_alias_name: '#irc-channel' });
    assert.equal(irc.room_alias, '##irc-channel:localhost');
    assert.equal((await ok(bob, 'GET', `${V3}/directory/room/${enc('##irc-channel:localhost')}`)).room_id, irc.room_id);
    for (const bad of ['a:b', 'a b', 'a\u0000b', 'a\tb']) await fails(alice, 'POST', `${V3}/createRoom`, { room_alias_name: bad }, 400, 'M_INVALID_PARAM');
    const fits = 'f'.repeat(255 - '#:localhost'.length);
    assert.equal((await ok(alice, 'POST', `${V3}/createRoom`, { room_alias_name: fits })).room_alias, `#${fits}:localhost`);
    await fails(alice, 'POST', `${V3}/createRoom`, { room_alias_name: `${fits}g` }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'POST', `${V3}/createRoom`, { room_alias_name: 'é'.repeat(130) }, 400, 'M_INVALID_PARAM');
    await fails(bob, 'GET', `${V3}/directory/room/${enc(`#${fits}g:localhost`)}`, undefined, 400, 'M_INVALID_PARAM');
  });

  test('PUT, GET and DELETE /directory/room/{roomAlias}: an alias over 255 bytes is 400 M_INVALID_PARAM and is not created', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    const long = `#${'l'.repeat(250)}:localhost`;
    await fails(alice, 'PUT', `${V3}/directory/room/${enc(long)}`, { room_id }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/directory/room/${enc(long)}`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'DELETE', `${V3}/directory/room/${enc(long)}`, undefined, 400, 'M_INVALID_PARAM');
    assert.deepEqual((await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/aliases`)).aliases, []);
    const fits = `#${'l'.repeat(255 - '#:localhost'.length)}:localhost`;
    await ok(alice, 'PUT', `${V3}/directory/room/${enc(fits)}`, { room_id });
    assert.deepEqual((await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/aliases`)).aliases, [fits]);
  });
});

describe('membership endpoints', () => {
  test('join by alias and by id; invite-only rooms; unknown rooms; bad ids', async () => {
    const pub = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', room_alias_name: 'square' });
    const joined = await ok(bob, 'POST', `${V3}/join/${enc('#square:localhost')}`, {});
    assert.deepEqual(joined, { room_id: pub.room_id });
    assert.deepEqual(await ok(carol, 'POST', `${V3}/rooms/${enc(pub.room_id as string)}/join`, { reason: 'hello' }), { room_id: pub.room_id });
    const priv = await ok(alice, 'POST', `${V3}/createRoom`, {});
    const why = await fails(bob, 'POST', `${V3}/rooms/${enc(priv.room_id as string)}/join`, {}, 403, 'M_FORBIDDEN');
    assert.match(why, /join/);
    await fails(bob, 'POST', `${V3}/join/${enc('#nowhere:localhost')}`, {}, 404, 'M_NOT_FOUND');
    await fails(bob, 'POST', `${V3}/join/${enc('!unknown:localhost')}`, {}, 404, 'M_NOT_FOUND');
    await fails(bob, 'POST', `${V3}/join/${enc('!abc:remote.example')}`, {}, 404, 'M_NOT_FOUND');
    await fails(bob, 'POST', `${V3}/join/lobby`, {}, 400, 'M_INVALID_PARAM');
    await fails(bob, 'POST', `${V3}/rooms/lobby/join`, {}, 400, 'M_INVALID_PARAM');
  });

  test('invite, kick, ban, unban, leave, forget: {} on success, M_FORBIDDEN when not allowed', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    assert.deepEqual(await ok(alice, 'POST', `${room}/invite`, { user_id: bob.userId, reason: 'welcome' }), {});
    await fails(alice, 'POST', `${room}/invite`, {}, 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${room}/invite`, { user_id: 'bob' }, 400, 'M_INVALID_PARAM');
    await ok(bob, 'POST', `${room}/join`, {});
    await fails(bob, 'POST', `${room}/kick`, { user_id: alice.userId }, 403, 'M_FORBIDDEN');
    await fails(carol, 'POST', `${room}/invite`, { user_id: carol.userId }, 403, 'M_FORBIDDEN');
    assert.deepEqual(await ok(alice, 'POST', `${room}/kick`, { user_id: bob.userId, reason: 'out' }), {});
    await fails(alice, 'POST', `${room}/kick`, { user_id: bob.userId }, 403, 'M_FORBIDDEN');
    assert.deepEqual(await ok(alice, 'POST', `${room}/ban`, { user_id: bob.userId }), {});
    await fails(alice, 'POST', `${room}/invite`, { user_id: bob.userId }, 403, 'M_FORBIDDEN');
    await fails(alice, 'POST', `${room}/unban`, { user_id: carol.userId }, 403, 'M_FORBIDDEN');
    assert.deepEqual(await ok(alice, 'POST', `${room}/unban`, { user_id: bob.userId }), {});
    // Unbanned, Bob's membership is leave: he may forget the room.
    assert.deepEqual(await ok(bob, 'POST', `${room}/forget`), {});
    assert.equal(await server.services.rooms.isForgotten(bob.userId, room_id), true);
    await fails(alice, 'POST', `${room}/forget`, undefined, 400, 'M_UNKNOWN');
    assert.deepEqual(await ok(alice, 'POST', `${room}/leave`, {}), {});
    await fails(alice, 'POST', `${room}/leave`, { reason: 'again, differently' }, 403, 'M_FORBIDDEN');
    assert.deepEqual(await ok(alice, 'POST', `${room}/forget`), {});
    await fails(alice, 'POST', `${V3}/rooms/${enc('!none:localhost')}/leave`, {}, 404, 'M_NOT_FOUND');
    await fails(alice, 'POST', `${V3}/rooms/${enc('!none:localhost')}/invite`, { user_id: bob.userId }, 404, 'M_NOT_FOUND');
  });

  // Synapse's update_membership answers a change that repeats the current member event (same
  // sender, membership and content) with that event: a client retrying a leave after a lost
  // answer gets 200, and a repeated invite or ban sends no duplicate event.
  test('a repeated leave, invite, kick or ban is 200 and sends nothing new; with other content it is a new change', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    const member = async (u: User): Promise<string> => {
      const all = await ok(alice, 'GET', `${room}/state`) as unknown as { type: string; state_key: string; event_id: string }[];
      return all.find((e) => e.type === 'm.room.member' && e.state_key === u.userId)!.event_id;
    };
    await ok(bob, 'POST', `${room}/join`, {});
    await ok(bob, 'POST', `${room}/leave`, { reason: 'bye' });
    const left = await member(bob);
    assert.deepEqual(await ok(bob, 'POST', `${room}/leave`, { reason: 'bye' }), {});
    assert.equal(await member(bob), left);
    await fails(bob, 'POST', `${room}/leave`, {}, 403, 'M_FORBIDDEN');
    await ok(alice, 'POST', `${room}/invite`, { user_id: carol.userId });
    const invited = await member(carol);
    await ok(alice, 'POST', `${room}/invite`, { user_id: carol.userId });
    assert.equal(await member(carol), invited);
    await ok(alice, 'POST', `${room}/kick`, { user_id: carol.userId, reason: 'no' });
    const kicked = await member(carol);
    await ok(alice, 'POST', `${room}/kick`, { user_id: carol.userId, reason: 'no' });
    assert.equal(await member(carol), kicked);
    await fails(alice, 'POST', `${room}/kick`, { user_id: carol.userId, reason: 'other' }, 403, 'M_FORBIDDEN');
    await ok(alice, 'POST', `${room}/ban`, { user_id: bob.userId, reason: 'spam' });
    const banned = await member(bob);
    await ok(alice, 'POST', `${room}/ban`, { user_id: bob.userId, reason: 'spam' });
    assert.equal(await member(bob), banned);
    await ok(alice, 'POST', `${room}/ban`, { user_id: bob.userId, reason: 'more spam' });
    assert.notEqual(await member(bob), banned);
  });

  test('knock: {room_id}; refused where the join rule or room version does not allow it', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'knock' } }] }) as { room_id: string };
    assert.deepEqual(await ok(bob, 'POST', `${V3}/knock/${enc(room_id)}`, { reason: 'please' }), { room_id });
    const invite = await ok(alice, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    await fails(bob, 'POST', `${V3}/knock/${enc(invite.room_id)}`, {}, 403, 'M_FORBIDDEN');
    const v6 = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '6' }) as { room_id: string };
    await fails(bob, 'POST', `${V3}/knock/${enc(v6.room_id)}`, {}, 403, 'M_FORBIDDEN');
    await fails(bob, 'POST', `${V3}/knock/${enc('!none:localhost')}`, {}, 404, 'M_NOT_FOUND');
  });
});

describe('join with custom content', () => {
  // Synapse puts the other keys of a POST /join/{roomIdOrAlias} body into the member event
  // (sytest/Complement "POST /join/:room_id can join a room with custom content"); a string
  // displayname there is a per-room profile (Synapse's default allow_per_room_profiles).
  test('POST /join/{roomIdOrAlias} with {foo: bar}: the member event has foo: bar and membership join', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', room_alias_name: 'custom-join' }) as { room_id: string };
    for (const target of [room_id, '#custom-join:localhost']) {
      if (target !== room_id) await ok(bob, 'POST', `${V3}/rooms/${enc(room_id)}/leave`, {});
      await ok(bob, 'POST', `${V3}/join/${enc(target)}`, { foo: 'bar', membership: 'leave' });
      const member = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/state/m.room.member/${enc(bob.userId)}`);
      assert.equal(member.foo, 'bar');
      assert.equal(member.membership, 'join', 'the client cannot choose the membership');
    }
    await ok(bob, 'POST', `${V3}/rooms/${enc(room_id)}/leave`, {});
    await ok(bob, 'POST', `${V3}/join/${enc(room_id)}`, { displayname: 'Bob in this room', avatar_url: 42 });
    const member = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/state/m.room.member/${enc(bob.userId)}`);
    assert.equal(member.displayname, 'Bob in this room');
    assert.notEqual(member.avatar_url, 42, 'a non-string avatar_url is not copied');
  });
});

describe('send, state, redact', () => {
  test('send: {event_id}, idempotent per token and txn id; not joined, unknown room, bad content', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    const a = await ok(alice, 'PUT', `${room}/send/m.room.message/abc`, { msgtype: 'm.text', body: 'one' });
    const again = await ok(alice, 'PUT', `${room}/send/m.room.message/abc`, { msgtype: 'm.text', body: 'one' });
    assert.deepEqual(again, a);
    assert.deepEqual(Object.keys(a), ['event_id']);
    const other = await ok(alice, 'PUT', `${room}/send/m.room.message/abd`, { msgtype: 'm.text', body: 'one' });
    assert.notEqual(other.event_id, a.event_id);
    await fails(bob, 'PUT', `${room}/send/m.room.message/x`, { body: 'not joined' }, 403, 'M_FORBIDDEN');
    await fails(alice, 'PUT', `${V3}/rooms/${enc('!none:localhost')}/send/m.room.message/x`, { body: 'x' }, 404, 'M_NOT_FOUND');
    await fails(alice, 'PUT', `${room}/send/m.room.message/float`, { body: 'x', n: 1.5 }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', `${room}/send/m.room.message/big`, { body: 'x'.repeat(70_000) }, 413, 'M_TOO_LARGE');
    await fails(alice, 'PUT', `${room}/send/m.room.message/arr`, [1, 2], 400, 'M_BAD_JSON');
  });

  test('transaction ids are scoped to a device and an endpoint (spec v1.7): a new login on the same device is idempotent, a redact with a send\'s id is a new request', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    const sent = await ok(alice, 'PUT', `${room}/send/m.room.message/dev-txn`, { msgtype: 'm.text', body: 'once' });
    const sameDevice = await loginUser(server, 'alice', PASSWORD, { device_id: alice.deviceId });
    assert.equal(sameDevice.deviceId, alice.deviceId);
    assert.notEqual(sameDevice.accessToken, alice.accessToken);
    assert.deepEqual(await ok(sameDevice, 'PUT', `${room}/send/m.room.message/dev-txn`, { msgtype: 'm.text', body: 'once' }), sent);
    const other = await loginUser(server, 'alice', PASSWORD);
    const fromOther = await ok(other, 'PUT', `${room}/send/m.room.message/dev-txn`, { msgtype: 'm.text', body: 'once' });
    assert.notEqual(fromOther.event_id, sent.event_id);
    const redaction = await ok(alice, 'PUT', `${room}/redact/${enc(fromOther.event_id as string)}/dev-txn`, {});
    assert.notEqual(redaction.event_id, sent.event_id, 'a redact with a send\'s txn id must not replay the send');
  });

  // Complement TestTxnIdempotency; Synapse keys a transaction on the request path, so the room
  // and event type (redact: the redacted event) are part of it.
  test('the same transaction id in another room or for another event type is a new request (the message is not lost)', async () => {
    const rooms: string[] = [];
    for (let i = 0; i < 2; i++) rooms.push(`${V3}/rooms/${enc((await ok(alice, 'POST', `${V3}/createRoom`, {})).room_id as string)}`);
    const first = await ok(alice, 'PUT', `${rooms[0]}/send/m.room.message/scope-txn`, { msgtype: 'm.text', body: 'first' });
    assert.deepEqual(await ok(alice, 'PUT', `${rooms[0]}/send/m.room.message/scope-txn`, { msgtype: 'm.text', body: 'second' }), first, 'same path: a retry, even with other content');
    const otherRoom = await ok(alice, 'PUT', `${rooms[1]}/send/m.room.message/scope-txn`, { msgtype: 'm.text', body: 'first' });
    assert.notEqual(otherRoom.event_id, first.event_id);
    const ev = await ok(alice, 'GET', `${rooms[1]}/event/${enc(otherRoom.event_id as string)}`);
    assert.equal(ev.content.body, 'first');
    const otherType = await ok(alice, 'PUT', `${rooms[0]}/send/org.example.other/scope-txn`, { n: 1 });
    assert.notEqual(otherType.event_id, first.event_id);
    const red1 = await ok(alice, 'PUT', `${rooms[0]}/redact/${enc(first.event_id as string)}/scope-red`, {});
    const red2 = await ok(alice, 'PUT', `${rooms[1]}/redact/${enc(otherRoom.event_id as string)}/scope-red`, {});
    assert.notEqual(red2.event_id, red1.event_id);
  });

  test('POST send and POST redact without a transaction id (older forms Synapse still serves): each request is a new event', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    for (const v of ['r0', 'v3']) {
      const room = `/_matrix/client/${v}/rooms/${enc(room_id)}`;
      const one = await ok(alice, 'POST', `${room}/send/m.room.message`, { msgtype: 'm.text', body: 'posted' });
      const two = await ok(alice, 'POST', `${room}/send/m.room.message`, { msgtype: 'm.text', body: 'posted' });
      assert.match(one.event_id as string, /^\$/);
      assert.notEqual(two.event_id, one.event_id);
      const ev = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/event/${enc(one.event_id as string)}`);
      assert.equal(ev.content.body, 'posted');
      assert.equal(ev.unsigned.transaction_id, undefined, 'the client gave no transaction id, so none comes back');
      const red = await ok(alice, 'POST', `${room}/redact/${enc(two.event_id as string)}`, { reason: 'dup' });
      assert.match(red.event_id as string, /^\$/);
      const redEv = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/event/${enc(red.event_id as string)}`);
      assert.equal(redEv.unsigned.transaction_id, undefined);
      assert.deepEqual((await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/event/${enc(two.event_id as string)}`)).content, {});
    }
    await fails(bob, 'POST', `${V3}/rooms/${enc(room_id)}/send/m.room.message`, { body: 'not joined' }, 403, 'M_FORBIDDEN');
    await fails(alice, 'POST', `${V3}/rooms/${enc(room_id)}/send/m.room.message`, [1], 400, 'M_BAD_JSON');
  });

  test('put state: {event_id}, with a state key, without one, with a trailing slash; power levels apply', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    await ok(bob, 'POST', `${room}/join`, {});
    const named = await ok(alice, 'PUT', `${room}/state/m.room.name`, { name: 'One' });
    assert.match(named.event_id as string, /^\$/);
    const slash = await ok(alice, 'PUT', `${room}/state/m.room.name/`, { name: 'Two' });
    assert.notEqual(slash.event_id, named.event_id);
    const same = await ok(alice, 'PUT', `${room}/state/m.room.name/`, { name: 'Two' });
    assert.equal(same.event_id, slash.event_id, 'unchanged state answers the current event');
    await ok(alice, 'PUT', `${room}/state/org.example.thing/${enc('key/with slash')}`, { v: 1 });
    await fails(bob, 'PUT', `${room}/state/m.room.name`, { name: 'Bob\'s' }, 403, 'M_FORBIDDEN');
    await fails(carol, 'PUT', `${room}/state/m.room.topic`, { topic: 'x' }, 403, 'M_FORBIDDEN');
    await fails(alice, 'PUT', `${V3}/rooms/${enc('!none:localhost')}/state/m.room.name`, { name: 'x' }, 404, 'M_NOT_FOUND');
  });

  // Synapse's EventValidator refuses these local events with 400 (sytest "Cannot send tombstone
  // event that points to the same room"); the auth rules would accept them or answer 403.
  test('put state: malformed name, topic, membership, power levels or tombstone content is 400 M_BAD_JSON and changes nothing', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '10', name: 'Kept', topic: 'Kept topic' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    const bad: [string, unknown][] = [
      ['m.room.name', { name: 5 }], ['m.room.name', {}], ['m.room.topic', { topic: ['x'] }], ['m.room.topic', {}],
      [`m.room.member/${enc(alice.userId)}`, { displayname: 'no membership' }], [`m.room.member/${enc(alice.userId)}`, { membership: 'party' }],
      ['m.room.power_levels', { users: { [alice.userId]: 100 }, ban: 'x' }], ['m.room.power_levels', { users: { [alice.userId]: '100' } }],
      ['m.room.power_levels', { users: { [alice.userId]: 100 }, events: { 'm.room.name': 1.5 } }],
      ['m.room.tombstone', { body: 'no replacement' }], ['m.room.tombstone', { body: 'self', replacement_room: room_id }],
    ];
    for (const [path, content] of bad) await fails(alice, 'PUT', `${room}/state/${path}`, content, 400, 'M_BAD_JSON');
    assert.equal((await ok(alice, 'GET', `${room}/state/m.room.name`)).name, 'Kept');
    assert.equal((await ok(alice, 'GET', `${room}/state/m.room.topic`)).topic, 'Kept topic');
    assert.equal((await ok(alice, 'GET', `${room}/state/m.room.power_levels`)).users[alice.userId], 100);
    await fails(alice, 'GET', `${room}/state/m.room.tombstone`, undefined, 404, 'M_NOT_FOUND');
    await ok(alice, 'PUT', `${room}/state/m.room.name`, { name: '' });
    const other = await ok(alice, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    await ok(alice, 'PUT', `${room}/state/m.room.tombstone`, { body: 'moved', replacement_room: other.room_id });
    // createRoom's initial_state is checked the same way, before the room exists
    await fails(alice, 'POST', `${V3}/createRoom`, { room_alias_name: 'bad-initial-name', initial_state: [{ type: 'm.room.name', content: { name: 5 } }] }, 400, 'M_BAD_JSON');
    await fails(alice, 'GET', `${V3}/directory/room/${enc('#bad-initial-name:localhost')}`, undefined, 404, 'M_NOT_FOUND');
  });

  test('send: name, topic, member and tombstone events are state only: as message events they are 400 M_BAD_JSON (Synapse)', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    await fails(alice, 'PUT', `${room}/send/m.room.tombstone/t1`, { replacement_room: room_id }, 400, 'M_BAD_JSON');
    await fails(alice, 'POST', `${room}/send/m.room.tombstone`, { replacement_room: room_id }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', `${room}/send/m.room.name/t2`, { name: 'x' }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', `${room}/send/m.room.topic/t3`, { topic: 'x' }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', `${room}/send/m.room.member/t4`, { membership: 'join' }, 400, 'M_BAD_JSON');
    // other state types as messages stay allowed (Complement sends m.room.join_rules so)
    await ok(alice, 'PUT', `${room}/send/m.room.join_rules/t5`, { join_rule: 'invite' });
  });

  // Auth rule 1: a create event has no prev_events, so a room has exactly one (Synapse: 403).
  test('put state m.room.create into an existing room: 403, and the room\'s state is unchanged (v10 and v12)', async () => {
    for (const room_version of ['10', '12']) {
      const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', room_version }) as { room_id: string };
      const room = `${V3}/rooms/${enc(room_id)}`;
      await ok(bob, 'POST', `${room}/join`, {});
      const create = await ok(alice, 'GET', `${room}/state/m.room.create`);
      for (const who of [alice, bob, carol]) {
        await fails(who, 'PUT', `${room}/state/m.room.create`, { room_version: '1' }, 403, 'M_FORBIDDEN');
        await fails(who, 'PUT', `${room}/state/m.room.create/`, {}, 403, 'M_FORBIDDEN');
      }
      assert.deepEqual(await ok(alice, 'GET', `${room}/state/m.room.create`), create);
      assert.equal((await ok(alice, 'GET', `${room}/state/m.room.member/${enc(alice.userId)}`)).membership, 'join');
      await ok(alice, 'PUT', `${room}/send/m.room.message/after-create-${room_version}`, { msgtype: 'm.text', body: 'still here' });
    }
  });

  test('power levels of a v12 room listing its creator in users: 400 (Synapse, Complement TestPowerLevels), the state unchanged', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '12' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    await ok(alice, 'PUT', `${room}/state/m.room.power_levels`, { users: {} });
    for (const path of [`${room}/state/m.room.power_levels`, `${room}/state/m.room.power_levels/`]) {
      await fails(alice, 'PUT', path, { users: { [alice.userId]: 100 } }, 400, 'M_BAD_JSON');
    }
    assert.deepEqual(await ok(alice, 'GET', `${room}/state/m.room.power_levels`), { users: {} });
    // before v12 the creator is listed as usual
    const { room_id: v11 } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '11' }) as { room_id: string };
    await ok(alice, 'PUT', `${V3}/rooms/${enc(v11)}/state/m.room.power_levels`, { users: { [alice.userId]: 100 } });
  });

  test('redact: {event_id}; unknown events M_NOT_FOUND, another room\'s 400; others\' events need the redact level', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const room = `${V3}/rooms/${enc(room_id)}`;
    await ok(bob, 'POST', `${room}/join`, {});
    const msg = await ok(alice, 'PUT', `${room}/send/m.room.message/m1`, { body: 'secret' }) as { event_id: string };
    const bobMsg = await ok(bob, 'PUT', `${room}/send/m.room.message/m2`, { body: 'oops' }) as { event_id: string };
    const own = await ok(bob, 'PUT', `${room}/redact/${enc(bobMsg.event_id)}/r1`, { reason: 'typo' });
    assert.match(own.event_id as string, /^\$/);
    assert.deepEqual(await ok(bob, 'PUT', `${room}/redact/${enc(bobMsg.event_id)}/r1`, { reason: 'typo' }), own);
    await fails(bob, 'PUT', `${room}/redact/${enc(msg.event_id)}/r2`, {}, 403, 'M_FORBIDDEN');
    await ok(alice, 'PUT', `${room}/redact/${enc(bobMsg.event_id)}/r3`, {});
    await fails(alice, 'PUT', `${room}/redact/${enc('$missing')}/r4`, {}, 404, 'M_NOT_FOUND');
    // an event of another room is a bad request (Synapse; sytest 'POST /redact disallows redaction of event in different room')
    const { room_id: other } = await ok(bob, 'POST', `${V3}/createRoom`, {}) as { room_id: string };
    await fails(bob, 'POST', `${V3}/rooms/${enc(other)}/redact/${enc(msg.event_id)}`, {}, 400, 'M_INVALID_PARAM');
    assert.equal((await ok(alice, 'GET', `${room}/event/${enc(msg.event_id)}`)).content.body, 'secret', 'not redacted');
  });
});
