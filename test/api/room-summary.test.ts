// GET /_matrix/client/v1/room_summary/{roomIdOrAlias} (spec v1.15, MSC3266). Who may read a
// summary follows Synapse (the spec lists only when unauthenticated access MAY be allowed):
// rooms with a public / knock / knock_restricted join rule or world_readable history, rooms
// the user is joined, invited or knocking in, and restricted rooms the user could join; any
// other room is 404 M_NOT_FOUND, the same answer as an unknown room.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);
const summary = (idOrAlias: string): string => `/_matrix/client/v1/room_summary/${enc(idOrAlias)}`;

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'rs-alice');
  bob = await registerUser(server, 'rs-bob');
  carol = await registerUser(server, 'rs-carol');
});
after(async () => { await server.close(); });

async function createRoom(body: Json): Promise<string> {
  return (await ok(alice, 'POST', `${V3}/createRoom`, body)).room_id as string;
}

describe('room summary', () => {
  test('a public room: every field, for anyone, membership only when authenticated', async () => {
    const roomId = await createRoom({
      preset: 'public_chat', name: 'Cheese', topic: 'Tasty', room_alias_name: 'rs-cheese', room_version: '10',
      initial_state: [
        { type: 'm.room.avatar', state_key: '', content: { url: 'mxc://localhost/brie' } },
        { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      ],
    });
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const anon = await ok(undefined, 'GET', summary(roomId));
    assert.deepEqual(anon, {
      room_id: roomId, name: 'Cheese', topic: 'Tasty', canonical_alias: '#rs-cheese:localhost', avatar_url: 'mxc://localhost/brie',
      num_joined_members: 2, world_readable: false, guest_can_join: false, join_rule: 'public',
      encryption: 'm.megolm.v1.aes-sha2', room_version: '10',
    });
    assert.equal((await ok(bob, 'GET', summary(roomId))).membership, 'join');
    assert.equal((await ok(carol, 'GET', summary(roomId))).membership, 'leave');
    // by alias, the same summary
    assert.deepEqual(await ok(carol, 'GET', summary('#rs-cheese:localhost')), await ok(carol, 'GET', summary(roomId)));
  });

  test('a space has its room_type', async () => {
    const roomId = await createRoom({ preset: 'public_chat', creation_content: { type: 'm.space' } });
    assert.equal((await ok(carol, 'GET', summary(roomId))).room_type, 'm.space');
  });

  test('a private room: 404 to outsiders and anonymous callers, readable by the invited and joined', async () => {
    const roomId = await createRoom({ preset: 'private_chat', name: 'Secret' });
    await fails(carol, 'GET', summary(roomId), undefined, 404, 'M_NOT_FOUND');
    await fails(undefined, 'GET', summary(roomId), undefined, 404, 'M_NOT_FOUND');
    await ok(alice, 'POST', `${V3}/rooms/${enc(roomId)}/invite`, { user_id: carol.userId });
    const invited = await ok(carol, 'GET', summary(roomId));
    assert.equal(invited.membership, 'invite');
    assert.equal(invited.name, 'Secret');
    assert.equal(invited.join_rule, 'invite');
  });

  test('a world_readable private room is readable by anyone', async () => {
    const roomId = await createRoom({
      preset: 'private_chat', initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
    assert.equal((await ok(undefined, 'GET', summary(roomId))).world_readable, true);
  });

  test('a restricted room: readable by members of an allowed room, who see allowed_room_ids', async () => {
    const space = await createRoom({ preset: 'public_chat' });
    const roomId = await createRoom({
      preset: 'private_chat', room_version: '10',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }],
    });
    await fails(carol, 'GET', summary(roomId), undefined, 404, 'M_NOT_FOUND');
    await ok(carol, 'POST', `${V3}/join/${enc(space)}`, {});
    const s = await ok(carol, 'GET', summary(roomId));
    assert.equal(s.join_rule, 'restricted');
    assert.deepEqual(s.allowed_room_ids, [space]);
  });

  test('unknown rooms and aliases are 404, malformed ids 400', async () => {
    await fails(carol, 'GET', summary('!nope:localhost'), undefined, 404, 'M_NOT_FOUND');
    await fails(carol, 'GET', summary('#nope:localhost'), undefined, 404, 'M_NOT_FOUND');
    await fails(carol, 'GET', summary('nope'), undefined, 400, 'M_INVALID_PARAM');
  });
});
