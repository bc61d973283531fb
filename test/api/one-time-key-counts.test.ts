// /sync's device_one_time_keys_count always carries signed_curve25519, 0 when the device has
// none (as Synapse does: matrix-js-sdk's legacy crypto and older clients read a missing count
// as "no need to upload" and never upload one-time keys; spec v1.17 only lets the field be
// omitted when no unclaimed key exists). Other algorithms appear only when the device has keys.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const { ok } = apiClient(() => server);
let alice: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'otk-alice');
});
after(async () => { await server.close(); });

test('a device without one-time keys is told it has 0 signed_curve25519, initial and incremental', async () => {
  const first = await ok(alice, 'GET', `${V3}/sync`);
  assert.deepEqual(first.device_one_time_keys_count, { signed_curve25519: 0 });
  const next = await ok(alice, 'GET', `${V3}/sync?since=${encodeURIComponent(first.next_batch as string)}`);
  assert.deepEqual(next.device_one_time_keys_count, { signed_curve25519: 0 });
});

test('stored keys are counted per algorithm, signed_curve25519 still present when used up', async () => {
  const { store } = server.services;
  const key = (id: string) => ({ keyId: id, key: Buffer.from(JSON.stringify({ key: id })) });
  await store.write(function* (tx) {
    yield* store.e2eKeys.addOneTimeKeys(tx, alice.userId, alice.deviceId, [
      { algorithm: 'signed_curve25519', ...key('A') }, { algorithm: 'signed_curve25519', ...key('B') }, { algorithm: 'curve25519', ...key('C') },
    ]);
  });
  assert.deepEqual((await ok(alice, 'GET', `${V3}/sync`)).device_one_time_keys_count, { signed_curve25519: 2, curve25519: 1 });
  for (let i = 0; i < 2; i++) await store.write((tx) => store.e2eKeys.claim(tx, alice.userId, alice.deviceId, 'signed_curve25519'));
  assert.deepEqual((await ok(alice, 'GET', `${V3}/sync`)).device_one_time_keys_count, { signed_curve25519: 0, curve25519: 1 });
});
