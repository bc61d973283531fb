// Cross-signing through the composed server (inject): /keys/device_signing/upload (first master
// key without UIA, replacing keys with the password), /keys/signatures/upload (a device signed
// by the self-signing key, another user's master key by the user-signing key) and what
// /keys/query and /sync show of them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';
import { canonicalBytes } from '../../src/matrix/canonical.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { call, ok, fails } = apiClient(() => server);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64').replace(/=+$/, '');

interface Ed { seed: Uint8Array; pub: string }
function newKey(): Ed {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, pub: b64(server.services.kernels.ed25519PublicKey(seed)) };
}

/** `obj` with a signature by `userId`'s key `keyId` added (signed JSON). */
function sign(obj: Json, userId: string, keyId: string, seed: Uint8Array): Json {
  const k = server.services.kernels;
  const { signatures, unsigned: _u, ...rest } = obj;
  const sig = b64(k.ed25519Sign(seed, canonicalBytes(k, rest)));
  return { ...obj, signatures: { ...(signatures ?? {}), [userId]: { ...(signatures?.[userId] ?? {}), [keyId]: sig } } };
}

function crossKey(userId: string, usage: string, key: Ed): Json {
  return { user_id: userId, usage: [usage], keys: { [`ed25519:${key.pub}`]: key.pub } };
}

let alice: TestUser;
let bob: TestUser;
const aliceKeys = { master: undefined as unknown as Ed, self: undefined as unknown as Ed, user: undefined as unknown as Ed, device: undefined as unknown as Ed };

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
  aliceKeys.master = newKey();
  aliceKeys.self = newKey();
  aliceKeys.user = newKey();
  aliceKeys.device = newKey();
  const dk = {
    user_id: alice.userId, device_id: alice.deviceId, algorithms: ['m.megolm.v1.aes-sha2'],
    keys: { [`ed25519:${alice.deviceId}`]: aliceKeys.device.pub, [`curve25519:${alice.deviceId}`]: 'curve' },
  };
  await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: sign(dk, alice.userId, `ed25519:${alice.deviceId}`, aliceKeys.device.seed) });
});
after(async () => { await server.close(); });

function signingKeys(user: TestUser, k: typeof aliceKeys): Json {
  const master = sign(crossKey(user.userId, 'master', k.master), user.userId, `ed25519:${user.deviceId}`, k.device.seed);
  const masterId = `ed25519:${k.master.pub}`;
  return {
    master_key: master,
    self_signing_key: sign(crossKey(user.userId, 'self_signing', k.self), user.userId, masterId, k.master.seed),
    user_signing_key: sign(crossKey(user.userId, 'user_signing', k.user), user.userId, masterId, k.master.seed),
  };
}

describe('keys/device_signing/upload', () => {
  test('keys not signed by the master key are refused', async () => {
    const keys = signingKeys(alice, aliceKeys);
    const other = newKey();
    const bad = { ...keys, self_signing_key: sign(crossKey(alice.userId, 'self_signing', aliceKeys.self), alice.userId, `ed25519:${other.pub}`, other.seed) };
    await fails(alice, 'POST', `${V3}/keys/device_signing/upload`, bad, 400, 'M_INVALID_SIGNATURE');
    await fails(alice, 'POST', `${V3}/keys/device_signing/upload`, { ...keys, master_key: { ...keys.master_key, user_id: bob.userId } }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'POST', `${V3}/keys/device_signing/upload`, { self_signing_key: keys.self_signing_key }, 400, 'M_MISSING_PARAM');
    const q = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.deepEqual(q.master_keys, {}, 'nothing stored');
  });

  test('the first upload needs no UIA; bob sees the master and self-signing keys, not the user-signing key', async () => {
    const bobSince = (await ok(bob, 'GET', `${V3}/sync`)).next_batch;
    const keys = signingKeys(alice, aliceKeys);
    await ok(alice, 'POST', `${V3}/keys/device_signing/upload`, keys);
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.deepEqual(q.master_keys[alice.userId], keys.master_key);
    assert.deepEqual(q.self_signing_keys[alice.userId], keys.self_signing_key);
    assert.deepEqual(q.user_signing_keys, {});
    const own = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.deepEqual(own.user_signing_keys[alice.userId], keys.user_signing_key);
    const s = await ok(bob, 'GET', `${V3}/sync?since=${enc(bobSince)}`);
    assert.ok(s.device_lists.changed.includes(alice.userId));
    // The same keys again: a retry, no UIA.
    await ok(alice, 'POST', `${V3}/keys/device_signing/upload`, keys);
  });

  test('replacing them asks for the password (UIA)', async () => {
    const replaced = { ...aliceKeys, master: newKey(), self: newKey(), user: newKey() };
    const keys = signingKeys(alice, replaced);
    const first = await call(alice, 'POST', `${V3}/keys/device_signing/upload`, keys);
    assert.equal(first.status, 401, first.text);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.password'] }]);
    const session = first.json.session as string;
    const wrong = await call(alice, 'POST', `${V3}/keys/device_signing/upload`, { ...keys, auth: { type: 'm.login.password', session, identifier: { type: 'm.id.user', user: alice.userId }, password: 'wrong' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    await ok(alice, 'POST', `${V3}/keys/device_signing/upload`, { ...keys, auth: { type: 'm.login.password', session, identifier: { type: 'm.id.user', user: alice.userId }, password: alice.password } });
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.deepEqual(q.master_keys[alice.userId], keys.master_key);
    Object.assign(aliceKeys, replaced);
  });
});

describe('keys/signatures/upload', () => {
  test('alice signs her device with her self-signing key: everyone sees the signature, and it survives a re-upload', async () => {
    const q0 = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [alice.deviceId] } });
    const { unsigned: _u, ...device } = q0.device_keys[alice.userId][alice.deviceId];
    const selfId = `ed25519:${aliceKeys.self.pub}`;
    const signed = sign(device, alice.userId, selfId, aliceKeys.self.seed);
    const r = await ok(alice, 'POST', `${V3}/keys/signatures/upload`, { [alice.userId]: { [alice.deviceId]: signed } });
    assert.deepEqual(r.failures, {});
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    const sigs = q.device_keys[alice.userId][alice.deviceId].signatures[alice.userId];
    assert.equal(sigs[selfId], signed.signatures[alice.userId][selfId]);
    assert.ok(sigs[`ed25519:${alice.deviceId}`], 'the device\'s own signature stays');
    // The client uploads its device keys again (only its own signature): the cross-signature stays.
    await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: device });
    const q2 = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.equal(q2.device_keys[alice.userId][alice.deviceId].signatures[alice.userId][selfId], sigs[selfId]);
  });

  test('a bad signature, a changed key, an unknown device and another server are failures', async () => {
    const q0 = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [alice.deviceId] } });
    const { unsigned: _u, ...device } = q0.device_keys[alice.userId][alice.deviceId];
    const selfId = `ed25519:${aliceKeys.self.pub}`;
    const forged = sign(device, alice.userId, selfId, newKey().seed);
    const changed = sign({ ...device, algorithms: ['other'] }, alice.userId, selfId, aliceKeys.self.seed);
    const r1 = await ok(alice, 'POST', `${V3}/keys/signatures/upload`, { [alice.userId]: { [alice.deviceId]: forged } });
    assert.equal(r1.failures[alice.userId][alice.deviceId].errcode, 'M_INVALID_SIGNATURE');
    const r2 = await ok(alice, 'POST', `${V3}/keys/signatures/upload`, {
      [alice.userId]: { [alice.deviceId]: changed, NODEVICE: sign({ ...device, device_id: 'NODEVICE' }, alice.userId, selfId, aliceKeys.self.seed) },
      '@x:elsewhere.example': { K: { signatures: { [alice.userId]: { a: 'b' } } } },
    });
    assert.equal(r2.failures[alice.userId][alice.deviceId].errcode, 'M_INVALID_SIGNATURE');
    assert.equal(r2.failures[alice.userId].NODEVICE.errcode, 'M_NOT_FOUND');
    assert.ok(r2.failures['@x:elsewhere.example'].K);
    const q = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [alice.deviceId] } });
    assert.deepEqual(q.device_keys[alice.userId][alice.deviceId].algorithms, device.algorithms, 'unchanged');
  });

  test('alice signs bob\'s master key with her user-signing key', async () => {
    const bobMaster = newKey();
    const bobSelf = newKey();
    const masterKey = crossKey(bob.userId, 'master', bobMaster);
    await ok(bob, 'POST', `${V3}/keys/device_signing/upload`, {
      master_key: masterKey,
      self_signing_key: sign(crossKey(bob.userId, 'self_signing', bobSelf), bob.userId, `ed25519:${bobMaster.pub}`, bobMaster.seed),
    });
    const userId = `ed25519:${aliceKeys.user.pub}`;
    const signed = sign(masterKey, alice.userId, userId, aliceKeys.user.seed);
    const r = await ok(alice, 'POST', `${V3}/keys/signatures/upload`, { [bob.userId]: { [bobMaster.pub]: signed } });
    assert.deepEqual(r.failures, {});
    const q = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [bob.userId]: [] } });
    assert.equal(q.master_keys[bob.userId].signatures[alice.userId][userId], signed.signatures[alice.userId][userId]);
    // Signing bob's device directly is not allowed (only master keys of other users).
    const r2 = await ok(alice, 'POST', `${V3}/keys/signatures/upload`, { [bob.userId]: { [bob.deviceId]: sign({ any: 1 }, alice.userId, userId, aliceKeys.user.seed) } });
    assert.equal(r2.failures[bob.userId][bob.deviceId].errcode, 'M_INVALID_SIGNATURE');
  });
});

describe('who sees a user-signing signature', () => {
  test('only its maker: bob and carol see bob\'s master key without alice\'s signature', async () => {
    const carol = await registerUser(server, 'carol');
    for (const viewer of [bob, carol]) {
      const q = await ok(viewer, 'POST', `${V3}/keys/query`, { device_keys: { [bob.userId]: [] } });
      assert.deepEqual(Object.keys(q.master_keys[bob.userId].signatures ?? {}), [], JSON.stringify(q.master_keys));
    }
    const q = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [bob.userId]: [] } });
    assert.deepEqual(Object.keys(q.master_keys[bob.userId].signatures), [alice.userId]);
  });
});
