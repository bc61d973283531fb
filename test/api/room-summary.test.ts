// GET /_matrix/client/v1/room_summary/{roomIdOrAlias} (client-server-api, v1.15): the public
// rooms chunk plus room_version, encryption, allowed_room_ids and the caller's membership;
// 404 for rooms the caller may not preview, as for unknown ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const SUMMARY = '/_matrix/client/v1/room_summary';
const { ok, fails } = apiClient(() => server);
const enc = encodeURIComponent;
let alice: User;
let bob: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
});
after(async () => { await server.close(); });

describe('GET /room_summary/{roomIdOrAlias}', () => {
  test('a public room by id and by alias, with and without a token; the unstable MSC3266 path', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, {
      preset: 'public_chat', room_version: '11', room_alias_name: 'summarised', name: 'Summary', topic: 'What it is',
      creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    }) as { room_id: string };
    const expected = {
      room_id, num_joined_members: 1, world_readable: false, guest_can_join: false, name: 'Summary', topic: 'What it is',
      canonical_alias: '#summarised:localhost', join_rule: 'public', room_type: 'm.space', room_version: '11', encryption: 'm.megolm.v1.aes-sha2',
    };
    assert.deepEqual(await ok(alice, 'GET', `${SUMMARY}/${enc(room_id)}`), { ...expected, membership: 'join' });
    assert.deepEqual(await ok(bob, 'GET', `${SUMMARY}/${enc('#summarised:localhost')}`), { ...expected, membership: 'leave' });
    assert.deepEqual(await ok(undefined, 'GET', `${SUMMARY}/${enc(room_id)}`), expected);
    assert.deepEqual(await ok(bob, 'GET', `/_matrix/client/unstable/im.nheko.summary/summary/${enc(room_id)}`), { ...expected, membership: 'leave' });
  });

  test('a private room: 404 to outsiders (as an unknown room), summarised for the invited and for members of an allowed room', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { name: 'Private' }) as { room_id: string };
    await fails(bob, 'GET', `${SUMMARY}/${enc(room_id)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(undefined, 'GET', `${SUMMARY}/${enc(room_id)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'GET', `${SUMMARY}/${enc('!unknown:localhost')}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'GET', `${SUMMARY}/${enc('#unknown:localhost')}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'GET', `${SUMMARY}/nonsense`, undefined, 400, 'M_INVALID_PARAM');
    await ok(alice, 'POST', `${V3}/rooms/${enc(room_id)}/invite`, { user_id: bob.userId });
    const invited = await ok(bob, 'GET', `${SUMMARY}/${enc(room_id)}`);
    assert.equal(invited.membership, 'invite');
    assert.equal(invited.name, 'Private');
    assert.equal(invited.join_rule, 'invite');

    const { room_id: space } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' }) as { room_id: string };
    const { room_id: restricted } = await ok(alice, 'POST', `${V3}/createRoom`, {
      room_version: '10', initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }],
    }) as { room_id: string };
    await fails(bob, 'GET', `${SUMMARY}/${enc(restricted)}`, undefined, 404, 'M_NOT_FOUND');
    await ok(bob, 'POST', `${V3}/join/${enc(space)}`, {});
    const summary = await ok(bob, 'GET', `${SUMMARY}/${enc(restricted)}`);
    assert.deepEqual(summary.allowed_room_ids, [space]);
    assert.equal(summary.join_rule, 'restricted');
    assert.equal(summary.room_version, '10');
  });
});
