// createRoom fails whole (spec: client-server-api#post_matrixclientv3createroom): a request
// whose initial_state, power levels or invites would be refused is answered with the error
// and leaves no room behind (nothing in joined_rooms, no alias taken).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient } from '../helpers/client.js';

const V3 = '/_matrix/client/v3';

describe('createRoom atomicity', () => {
  let server: TestServer;
  const api = apiClient(() => server);
  let alice: TestUser;

  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
    await registerUser(server, 'bob');
  });
  after(async () => { await server.close(); });

  const noRoomLeft = async (): Promise<void> => {
    const joined = await api.ok(alice, 'GET', `${V3}/joined_rooms`);
    assert.deepEqual(joined.joined_rooms, [], 'no half-created room');
  };

  const refused: [string, Record<string, unknown>, number, string][] = [
    ['a topic the overridden power levels forbid', { room_version: '10', topic: 't', power_level_content_override: { events: { 'm.room.topic': 101 } } }, 400, 'M_INVALID_ROOM_STATE'],
    ['an initial_state event above the creator\'s level', { room_version: '10', initial_state: [{ type: 'm.room.name', state_key: '', content: { name: 'n' } }], power_level_content_override: { events: { 'm.room.name': 101 } } }, 400, 'M_INVALID_ROOM_STATE'],
    ['v12: creators listed in the power levels users', { room_version: '12', power_level_content_override: { users: { '@alice:localhost': 100 } } }, 400, 'M_INVALID_ROOM_STATE'],
    ['an invite the power levels forbid', { room_version: '10', invite: ['@bob:localhost'], power_level_content_override: { invite: 101 } }, 403, 'M_FORBIDDEN'],
    ['a power level that is not a number', { power_level_content_override: { ban: 'high' } }, 400, 'M_BAD_JSON'],
    ['a power levels users map that is not an object', { power_level_content_override: { users: [1] } }, 400, 'M_BAD_JSON'],
    ['a power levels users key that is not a user id', { power_level_content_override: { users: { bob: 50 } } }, 400, 'M_BAD_JSON'],
    ['v10: a string power level', { room_version: '10', power_level_content_override: { kick: '50' } }, 400, 'M_BAD_JSON'],
    ['an event level that is a float', { room_version: '10', power_level_content_override: { events: { 'm.room.name': 1.5 } } }, 400, 'M_BAD_JSON'],
    ['an initial_state member event', { initial_state: [{ type: 'm.room.member', state_key: '@bob:localhost', content: { membership: 'join' } }] }, 400, 'M_INVALID_PARAM'],
    ['an initial_state event too large', { initial_state: [{ type: 'm.big', state_key: '', content: { x: 'x'.repeat(70_000) } }] }, 413, 'M_TOO_LARGE'],
    ['an initial_state event that is not canonical JSON for v10', { room_version: '10', initial_state: [{ type: 'm.num', state_key: '', content: { n: 2 ** 60 } }] }, 400, 'M_BAD_JSON'],
    ['an invitee that is not a user id', { invite: ['@'] }, 400, 'M_INVALID_PARAM'],
    ['an unknown room version', { room_version: '999' }, 400, 'M_UNSUPPORTED_ROOM_VERSION'],
  ];
  for (const [what, body, status, errcode] of refused) {
    it(`${what}: ${status} ${errcode}, no room, alias still free`, async () => {
      await api.fails(alice, 'POST', `${V3}/createRoom`, { ...body, room_alias_name: 'atomic', name: 'Atomic' }, status, errcode);
      await noRoomLeft();
      await api.fails(alice, 'GET', `${V3}/directory/room/${encodeURIComponent('#atomic:localhost')}`, undefined, 404, 'M_NOT_FOUND');
    });
  }

  it('a valid request with the same parts still creates the room (stringy levels before v10 are read)', async () => {
    const res = await api.ok(alice, 'POST', `${V3}/createRoom`, {
      room_version: '9', room_alias_name: 'atomic', invite: ['@bob:localhost'], topic: 'fine',
      power_level_content_override: { kick: '60', users: { '@alice:localhost': 100, '@bob:localhost': 10 } },
      initial_state: [{ type: 'm.room.name', content: { name: 'ok' } }],
    });
    const joined = await api.ok(alice, 'GET', `${V3}/joined_rooms`);
    assert.deepEqual(joined.joined_rooms, [res.room_id]);
    const pl = await api.ok(alice, 'GET', `${V3}/rooms/${encodeURIComponent(res.room_id)}/state/m.room.power_levels/`);
    assert.equal(pl.kick, '60');
    const name = await api.ok(alice, 'GET', `${V3}/rooms/${encodeURIComponent(res.room_id)}/state/m.room.name/`);
    assert.equal(name.name, 'ok');
  });
});
