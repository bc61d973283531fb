// A new device (login) or a gone one (logout) wakes the long-polling /sync of everyone sharing a
// room with its owner at once, with the owner in device_lists.changed: a co-member that learned
// of the device only at its next wake (up to its timeout) would share room keys without it, and
// the new device could not decrypt what was sent meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok } = apiClient(() => server);
const PASSWORD = 'device-list-password-1';

before(async () => { server = await startTestServer({ adapter: 'none' }); });
after(async () => { await server.close(); });

async function wokenBy(bob: TestUser, since: string, act: () => Promise<unknown>): Promise<{ body: Json; ms: number }> {
  const pending = ok(bob, 'GET', `${V3}/sync?since=${enc(since)}&timeout=20000`);
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await act();
  const body = await pending;
  return { body, ms: Date.now() - started };
}

test('a co-member\'s long-poll wakes with device_lists.changed when a user logs in a new device, and when one logs out', async () => {
  const alice = await registerUser(server, 'alice', PASSWORD);
  const bob = await registerUser(server, 'bob');
  const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
  const since = (await ok(bob, 'GET', `${V3}/sync?timeout=0`)).next_batch as string;

  let phone: TestUser | undefined;
  const login = await wokenBy(bob, since, async () => { phone = await loginUser(server, 'alice', PASSWORD); });
  assert.ok(login.ms < 10_000, `woken by the login, not by the timeout (${login.ms} ms)`);
  assert.deepEqual(login.body.device_lists.changed, [alice.userId]);

  const logout = await wokenBy(bob, login.body.next_batch as string, () => ok(phone!, 'POST', `${V3}/logout`, {}));
  assert.ok(logout.ms < 10_000, `woken by the logout, not by the timeout (${logout.ms} ms)`);
  assert.deepEqual(logout.body.device_lists.changed, [alice.userId]);
});
