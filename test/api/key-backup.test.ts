// Server-side key backup is not stored yet: the backup version endpoints answer that no
// backup exists (404 M_NOT_FOUND, the spec's "No backup exists"), which clients' encryption
// set-up reads as "none set up", never an unknown endpoint; they still need a valid token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient } from '../helpers/client.js';
import { registerUser } from '../helpers/users.js';

let server: TestServer;
const { fails } = apiClient(() => server);

before(async () => { server = await startTestServer({ adapter: 'none' }); });
after(async () => { await server.close(); });

test('GET /room_keys/version (and a given version) is 404 M_NOT_FOUND; without a token 401', async () => {
  const alice = await registerUser(server, 'alice', 'backup-password-1');
  for (const v of ['v3', 'r0']) {
    await fails(alice, 'GET', `/_matrix/client/${v}/room_keys/version`, undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'GET', `/_matrix/client/${v}/room_keys/version/1`, undefined, 404, 'M_NOT_FOUND');
  }
  const anonymous = await server.inject({ method: 'GET', path: '/_matrix/client/v3/room_keys/version' });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.json.errcode, 'M_MISSING_TOKEN');
});
