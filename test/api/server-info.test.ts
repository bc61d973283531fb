// GET /versions lists only spec versions whose client-server changes Myelin serves (see
// SUPPORTED_SPEC_VERSIONS for what is left out of every version), unstable_features only
// features that work; /capabilities carries m.profile_fields (v1.16); a server without the
// OAuth 2.0 API answers GET /auth_metadata 404 M_UNRECOGNIZED (spec v1.15).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient } from '../helpers/client.js';

let server: TestServer;
const { ok, fails } = apiClient(() => server);
let alice: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'si-alice');
});
after(async () => { await server.close(); });

test('versions: r0.5.0 … v1.17, in order (v1.18 is not served yet)', async () => {
  const v = await ok(undefined, 'GET', '/_matrix/client/versions');
  const v1 = Array.from({ length: 17 }, (_, i) => `v1.${i + 1}`);
  assert.deepEqual(v.versions, ['r0.5.0', 'r0.6.0', 'r0.6.1', ...v1]);
});

test('unstable_features: threads, private read receipts and room type filters, each served', async () => {
  const v = await ok(undefined, 'GET', '/_matrix/client/versions');
  assert.deepEqual(v.unstable_features, {
    'org.matrix.msc2285.stable': true,
    'org.matrix.msc3440.stable': true,
    'org.matrix.msc3827.stable': true,
  });
  // what each flag promises answers: /threads (msc3440), m.read.private (msc2285), room_types (msc3827)
  const roomId = (await ok(alice, 'POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat', creation_content: { type: 'm.space' } })).room_id as string;
  assert.deepEqual((await ok(alice, 'GET', `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/threads`)).chunk, []);
  const last = (await ok(alice, 'GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=1`)).chunk[0].event_id as string;
  await ok(alice, 'POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/receipt/m.read.private/${encodeURIComponent(last)}`, {});
  await ok(alice, 'PUT', `/_matrix/client/v3/directory/list/room/${encodeURIComponent(roomId)}`, { visibility: 'public' });
  const spaces = await ok(alice, 'POST', '/_matrix/client/v3/publicRooms', { filter: { room_types: ['m.space'] } });
  assert.deepEqual(spaces.chunk.map((r: { room_id: string }) => r.room_id), [roomId]);
});

test('capabilities: m.profile_fields enabled (custom profile fields are writable)', async () => {
  const c = await ok(alice, 'GET', '/_matrix/client/v3/capabilities');
  assert.deepEqual(c.capabilities['m.profile_fields'], { enabled: true });
  await ok(alice, 'PUT', `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/org.example.pronouns`, { 'org.example.pronouns': 'she/her' });
});

test('auth_metadata: 404 M_UNRECOGNIZED (no OAuth 2.0 API: clients use the legacy login)', async () => {
  await fails(undefined, 'GET', '/_matrix/client/v1/auth_metadata', undefined, 404, 'M_UNRECOGNIZED');
});
