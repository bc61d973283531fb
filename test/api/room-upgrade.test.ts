// POST /rooms/{roomId}/upgrade (client-server-api "Room Upgrades"): the replacement room,
// what it copies from the old one, the tombstone, and the errors (the sytest
// tests/30rooms/60version_upgrade.pl cases a local server can run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const { ok, fails } = apiClient(() => server);
const enc = encodeURIComponent;
const room = (id: string): string => `${V3}/rooms/${enc(id)}`;
let alice: User;
let bob: User;
let carol: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  carol = await registerUser(server, 'carol');
});
after(async () => { await server.close(); });

async function upgrade(user: User, roomId: string, body: Json): Promise<string> {
  const res = await ok(user, 'POST', `${room(roomId)}/upgrade`, body);
  assert.deepEqual(Object.keys(res), ['replacement_room']);
  assert.match(res.replacement_room as string, /^!/);
  assert.notEqual(res.replacement_room, roomId);
  return res.replacement_room as string;
}

describe('POST /rooms/{roomId}/upgrade', () => {
  test('the replacement room: its version, predecessor, creator joined; the old room gets a tombstone and restricted power levels', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '10', preset: 'public_chat', creation_content: { 'm.federate': false } }) as { room_id: string };
    await ok(bob, 'POST', `${room(old)}/join`, {});
    await ok(alice, 'PUT', `${room(old)}/send/m.room.message/u1`, { msgtype: 'm.text', body: 'before' });
    const replacement = await upgrade(alice, old, { new_version: '11' });

    const create = await ok(alice, 'GET', `${room(replacement)}/state/m.room.create`);
    assert.equal(create.room_version, '11');
    // predecessor.event_id: the old room's last event, its tombstone (sytest "/upgrade creates a new room")
    const tombstone = await ok(bob, 'GET', `${room(old)}/state/m.room.tombstone?format=event`);
    assert.deepEqual(create.predecessor, { room_id: old, event_id: tombstone.event_id });
    const after = await ok(bob, 'GET', `${room(old)}/messages?dir=b&limit=3`);
    assert.deepEqual((after.chunk as Json[]).map((e) => e.type), ['m.room.power_levels', 'm.room.tombstone', 'm.room.message'], 'the tombstone comes first, then the restricted power levels');
    assert.equal(create['m.federate'], false);
    assert.equal((await ok(alice, 'GET', `${room(replacement)}/state/m.room.member/${enc(alice.userId)}`)).membership, 'join');
    assert.ok(((await ok(alice, 'GET', `${V3}/joined_rooms`)).joined_rooms as string[]).includes(replacement));

    assert.deepEqual(await ok(bob, 'GET', `${room(old)}/state/m.room.tombstone`), { body: 'This room has been replaced', replacement_room: replacement });
    const oldPl = await ok(bob, 'GET', `${room(old)}/state/m.room.power_levels`);
    assert.equal(oldPl.events_default, 50);
    assert.equal(oldPl.invite, 50);
    await fails(bob, 'PUT', `${room(old)}/send/m.room.message/u2`, { msgtype: 'm.text', body: 'after' }, 403, 'M_FORBIDDEN');
    // Bob may follow: the join rule was copied.
    await ok(bob, 'POST', `${V3}/join/${enc(replacement)}`, {});
  });

  test('copies the transferable state and the power levels (the upgrader kept at their level), carries bans over', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, {
      room_version: '9', preset: 'public_chat', name: 'Old name', topic: 'Old topic',
      power_level_content_override: { users: { [alice.userId]: 100, [bob.userId]: 50 }, events: { 'm.room.name': 60 } },
      initial_state: [
        { type: 'm.room.avatar', content: { url: 'mxc://localhost/avatar' } },
        { type: 'm.room.history_visibility', content: { history_visibility: 'joined' } },
        { type: 'org.example.custom', state_key: '', content: { not: 'copied' } },
      ],
    }) as { room_id: string };
    await ok(alice, 'POST', `${room(old)}/ban`, { user_id: carol.userId, reason: 'spam' });
    const replacement = await upgrade(alice, old, { new_version: '10' });
    const get = (type: string): Promise<Json> => ok(alice, 'GET', `${room(replacement)}/state/${type}`);
    assert.equal((await get('m.room.name')).name, 'Old name');
    assert.equal((await get('m.room.topic')).topic, 'Old topic');
    assert.equal((await get('m.room.avatar')).url, 'mxc://localhost/avatar');
    assert.equal((await get('m.room.history_visibility')).history_visibility, 'joined');
    assert.equal((await get('m.room.join_rules')).join_rule, 'public');
    const pl = await get('m.room.power_levels');
    assert.deepEqual(pl.users, { [alice.userId]: 100, [bob.userId]: 50 });
    assert.equal(pl.events['m.room.name'], 60);
    await fails(alice, 'GET', `${room(replacement)}/state/org.example.custom`, undefined, 404, 'M_NOT_FOUND');
    assert.deepEqual(await get(`m.room.member/${enc(carol.userId)}`), { membership: 'ban', reason: 'spam' });
    await fails(carol, 'POST', `${V3}/join/${enc(replacement)}`, {}, 403, 'M_FORBIDDEN');
  });

  test('a v12 replacement: the upgrader and additional_creators are creators, not listed in the copied power levels', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '11', preset: 'public_chat', power_level_content_override: { users: { [alice.userId]: 100, [bob.userId]: 100 } } }) as { room_id: string };
    const replacement = await upgrade(alice, old, { new_version: '12', additional_creators: [bob.userId] });
    const create = await ok(alice, 'GET', `${room(replacement)}/state/m.room.create`);
    assert.equal(create.room_version, '12');
    assert.deepEqual(create.additional_creators, [bob.userId]);
    assert.deepEqual(create.predecessor, { room_id: old }, 'v12: the tombstone is sent after the replacement exists, so event_id is omitted (spec v1.16)');
    assert.deepEqual((await ok(alice, 'GET', `${room(replacement)}/state/m.room.power_levels`)).users, {});
    // and back from v12: the creator keeps the top level
    const again = await upgrade(alice, replacement, { new_version: '11' });
    assert.equal((await ok(alice, 'GET', `${room(again)}/state/m.room.power_levels`)).users[alice.userId], 100);
  });

  test('local aliases, the canonical alias and the directory listing move to the replacement room', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', visibility: 'public', room_alias_name: 'upgraded-main' }) as { room_id: string };
    await ok(alice, 'PUT', `${V3}/directory/room/${enc('#upgraded-alt:localhost')}`, { room_id: old });
    await ok(alice, 'PUT', `${room(old)}/state/m.room.canonical_alias`, { alias: '#upgraded-main:localhost', alt_aliases: ['#upgraded-alt:localhost'] });
    const replacement = await upgrade(alice, old, { new_version: '11' });
    assert.equal((await ok(bob, 'GET', `${V3}/directory/room/${enc('#upgraded-main:localhost')}`)).room_id, replacement);
    assert.equal((await ok(bob, 'GET', `${V3}/directory/room/${enc('#upgraded-alt:localhost')}`)).room_id, replacement);
    assert.deepEqual((await ok(alice, 'GET', `${room(replacement)}/aliases`)).aliases.sort(), ['#upgraded-alt:localhost', '#upgraded-main:localhost']);
    assert.deepEqual((await ok(alice, 'GET', `${room(old)}/aliases`)).aliases, []);
    assert.deepEqual(await ok(alice, 'GET', `${room(replacement)}/state/m.room.canonical_alias`), { alias: '#upgraded-main:localhost', alt_aliases: ['#upgraded-alt:localhost'] });
    assert.deepEqual(await ok(alice, 'GET', `${room(old)}/state/m.room.canonical_alias`), { alt_aliases: [] });
    assert.deepEqual(await ok(bob, 'GET', `${V3}/directory/list/room/${enc(replacement)}`), { visibility: 'public' });
    assert.deepEqual(await ok(bob, 'GET', `${V3}/directory/list/room/${enc(old)}`), { visibility: 'private' });
    const listed = ((await ok(bob, 'GET', `${V3}/publicRooms`)).chunk as Json[]).map((r) => r.room_id);
    assert.ok(listed.includes(replacement) && !listed.includes(old));
  });

  // Spec: joining the new room carries the user's settings over; Synapse copies tags, m.direct
  // and room push rules (Complement TestPushRuleRoomUpgrade; sytest "/upgrade preserves direct room state").
  test('the upgrader and each member who joins the replacement keep their tags, m.direct entry and room push rules', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '10', preset: 'public_chat' }) as { room_id: string };
    await ok(bob, 'POST', `${room(old)}/join`, {});
    for (const u of [alice, bob]) {
      const other = u === alice ? bob : alice;
      await ok(u, 'PUT', `${V3}/user/${enc(u.userId)}/rooms/${enc(old)}/tags/m.favourite`, { order: 0.5 });
      await ok(u, 'PUT', `${V3}/user/${enc(u.userId)}/account_data/m.direct`, { [other.userId]: [old, '!elsewhere:localhost'] });
      await ok(u, 'PUT', `${V3}/pushrules/global/room/${enc(old)}`, { actions: ['dont_notify'] });
    }
    const replacement = await upgrade(alice, old, { new_version: '11' });
    const check = async (u: User, other: User): Promise<void> => {
      assert.deepEqual((await ok(u, 'GET', `${V3}/user/${enc(u.userId)}/rooms/${enc(replacement)}/tags`)).tags, { 'm.favourite': { order: 0.5 } });
      assert.deepEqual(await ok(u, 'GET', `${V3}/user/${enc(u.userId)}/account_data/m.direct`), { [other.userId]: [old, '!elsewhere:localhost', replacement] });
      const rooms = ((await ok(u, 'GET', `${V3}/pushrules/`)).global.room as Json[]).map((r) => [r.rule_id, r.actions]);
      assert.deepEqual(rooms.filter(([id]) => id === old || id === replacement).sort(), [[old, ['dont_notify']], [replacement, ['dont_notify']]].sort());
    };
    await check(alice, bob);
    // Bob's settings move when he joins, not before.
    assert.deepEqual((await ok(bob, 'GET', `${V3}/user/${enc(bob.userId)}/rooms/${enc(replacement)}/tags`)).tags, {});
    await ok(bob, 'POST', `${V3}/join/${enc(replacement)}`, {});
    await check(bob, alice);
  });

  // Complement TestPushRuleRoomUpgrade "manually upgrading": createRoom naming a predecessor, then a tombstone.
  test('a room created by hand with creation_content.predecessor: its creator\'s room push rules follow too', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    await ok(alice, 'PUT', `${V3}/pushrules/global/room/${enc(old)}`, { actions: ['dont_notify'] });
    const { room_id: replacement } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', creation_content: { predecessor: { room_id: old } } }) as { room_id: string };
    await ok(alice, 'PUT', `${room(old)}/state/m.room.tombstone/`, { body: 'This room has been replaced', replacement_room: replacement });
    const ids = ((await ok(alice, 'GET', `${V3}/pushrules/`)).global.room as Json[]).map((r) => r.rule_id);
    assert.ok(ids.includes(old) && ids.includes(replacement), JSON.stringify(ids));
  });

  test('a v1 room with string power levels: the replacement gets them as integers', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { room_version: '1', preset: 'public_chat' }) as { room_id: string };
    const pl = await ok(alice, 'GET', `${room(old)}/state/m.room.power_levels`);
    await ok(alice, 'PUT', `${room(old)}/state/m.room.power_levels`, { ...pl, ban: '60', users: { ...pl.users, [bob.userId]: '20' } });
    const replacement = await upgrade(alice, old, { new_version: '10' });
    const copied = await ok(alice, 'GET', `${room(replacement)}/state/m.room.power_levels`);
    assert.equal(copied.ban, 60);
    assert.deepEqual(copied.users, { [alice.userId]: 100, [bob.userId]: 20 });
  });

  test('errors: unknown version 400, not allowed to send the tombstone 403, unknown room 404, no new_version 400, no token 401', async () => {
    const { room_id: old } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    await ok(bob, 'POST', `${room(old)}/join`, {});
    await fails(alice, 'POST', `${room(old)}/upgrade`, { new_version: 'my_new_version' }, 400, 'M_UNSUPPORTED_ROOM_VERSION');
    await fails(bob, 'POST', `${room(old)}/upgrade`, { new_version: '11' }, 403, 'M_FORBIDDEN');
    await fails(carol, 'POST', `${room(old)}/upgrade`, { new_version: '11' }, 403, 'M_FORBIDDEN');
    await fails(alice, 'POST', `${room('!bogus:localhost')}/upgrade`, { new_version: '11' }, 404, 'M_NOT_FOUND');
    await fails(alice, 'POST', `${room(old)}/upgrade`, {}, 400, 'M_MISSING_PARAM');
    await fails(undefined, 'POST', `${room(old)}/upgrade`, { new_version: '11' }, 401, 'M_MISSING_TOKEN');
    // Nothing happened to the room.
    await fails(alice, 'GET', `${room(old)}/state/m.room.tombstone`, undefined, 404, 'M_NOT_FOUND');
    await ok(bob, 'PUT', `${room(old)}/send/m.room.message/still`, { msgtype: 'm.text', body: 'still open' });
  });
});
