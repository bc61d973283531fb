// GET /rooms/{roomId}/joined_members: only current members may list them. Spec: "The current
// user must be in the room for it to work" (403 otherwise); Synapse refuses a departed user
// and a world-readable room's non-member, though /members serves both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const { ok, fails } = apiClient(() => server);
const enc = encodeURIComponent;
let alice: User;
let dave: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  dave = await registerUser(server, 'dave');
});
after(async () => { await server.close(); });

test('/joined_members: 403 after leaving and in a world-readable room one is not in; the current members on joining again', async () => {
  const { room_id: wr } = await ok(alice, 'POST', `${V3}/createRoom`, {
    preset: 'public_chat', initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } }],
  }) as { room_id: string };
  const room = `${V3}/rooms/${enc(wr)}`;
  const joined = async (): Promise<string[]> => Object.keys((await ok(dave, 'GET', `${room}/joined_members`)).joined).sort();
  await ok(dave, 'GET', `${room}/members`);
  await fails(dave, 'GET', `${room}/joined_members`, undefined, 403, 'M_FORBIDDEN');
  await ok(dave, 'POST', `${V3}/join/${enc(wr)}`, {});
  assert.deepEqual(await joined(), [alice.userId, dave.userId].sort());
  await ok(dave, 'POST', `${room}/leave`, {});
  await ok(dave, 'GET', `${room}/members`);
  await fails(dave, 'GET', `${room}/joined_members`, undefined, 403, 'M_FORBIDDEN');
  await ok(dave, 'POST', `${V3}/join/${enc(wr)}`, {});
  assert.deepEqual(await joined(), [alice.userId, dave.userId].sort());
});
