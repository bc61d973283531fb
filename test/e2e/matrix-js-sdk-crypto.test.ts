// End-to-end encryption with a real client: matrix-js-sdk with its Rust crypto (the
// matrix-sdk-crypto-wasm that Element uses) over HTTP on 127.0.0.1. Two users in an encrypted
// room: each client uploads its device and one-time keys, alice's client queries bob's device
// list, claims a one-time key, sends the room key by to-device, and bob's client decrypts the
// message. Every wait is bounded so a missing feature fails instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixClient } from 'matrix-js-sdk';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser } from '../helpers/users.js';
import { cryptoClient as startCryptoClient, silenceSdk, unrefTimersFrom, untilWithin } from '../helpers/sdk.js';

silenceSdk({ rustCrypto: true });
// As in matrix-js-sdk.test.ts: the SDK leaves long timers armed after stopClient().
unrefTimersFrom(60_000);

const WAIT_MS = 30_000;
const until = untilWithin(WAIT_MS, 50);
const cryptoClient = async (server: TestServer, username: string): Promise<MatrixClient> =>
  startCryptoClient(server, await registerUser(server, username), WAIT_MS);

test('matrix-js-sdk Rust crypto: bob decrypts alice\'s message in an encrypted room', async () => {
  const server = await startTestServer({ adapter: 'node' });
  const clients: MatrixClient[] = [];
  try {
    const alice = await cryptoClient(server, 'alice');
    clients.push(alice);
    const bob = await cryptoClient(server, 'bob');
    clients.push(bob);
    // Both devices publish their keys by themselves (the counts in /sync ask for one-time keys).
    for (const c of [alice, bob]) {
      await until(`${c.getUserId()}'s device keys and one-time keys on the server`, async () => {
        const q = await server.inject({ method: 'POST', path: '/_matrix/client/v3/keys/query', accessToken: c.getAccessToken()!, body: { device_keys: { [c.getUserId()!]: [] } } });
        const otk = await server.inject({ method: 'POST', path: '/_matrix/client/v3/keys/upload', accessToken: c.getAccessToken()!, body: {} });
        return q.json.device_keys[c.getUserId()!][c.getDeviceId()!] !== undefined && otk.json.one_time_key_counts.signed_curve25519 > 0;
      });
    }

    const { room_id: roomId } = await alice.createRoom({
      invite: [bob.getUserId()!],
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await until('bob sees the invite', () => bob.getRoom(roomId)?.getMyMembership() === 'invite');
    await bob.joinRoom(roomId);
    await until('alice sees bob joined', () => alice.getRoom(roomId)?.getMember(bob.getUserId()!)?.membership === 'join');
    await until('alice\'s client knows the room is encrypted', () => alice.getCrypto()!.isEncryptionEnabledInRoom(roomId));

    const { event_id: eventId } = await alice.sendTextMessage(roomId, 'the eagle lands at noon');
    // What the server stored is ciphertext.
    const raw = await server.inject({ method: 'GET', path: `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`, accessToken: bob.getAccessToken()! });
    assert.equal(raw.json.type, 'm.room.encrypted', raw.text);
    assert.ok(!JSON.stringify(raw.json).includes('eagle'));

    const decrypted = await until('bob decrypts alice\'s message', () => {
      const ev = bob.getRoom(roomId)?.getLiveTimeline().getEvents().find((e) => e.getId() === eventId);
      if (ev === undefined || ev.isBeingDecrypted() || ev.isDecryptionFailure()) return undefined;
      return ev.getClearContent() ? ev : undefined;
    });
    assert.equal(decrypted.getType(), 'm.room.message');
    assert.equal(decrypted.getContent().body, 'the eagle lands at noon');
    assert.equal(decrypted.getSender(), alice.getUserId());
    // One of bob's one-time keys was claimed for the Olm session.
    const counts = await server.inject({ method: 'POST', path: '/_matrix/client/v3/keys/upload', accessToken: bob.getAccessToken()!, body: {} });
    assert.equal(typeof counts.json.one_time_key_counts.signed_curve25519, 'number');
  } finally {
    for (const c of clients) c.stopClient();
    await server.close();
  }
});

test('matrix-js-sdk Rust crypto: cross-signing bootstrap publishes the keys and signs the device', async () => {
  const server = await startTestServer({ adapter: 'node' });
  const clients: MatrixClient[] = [];
  try {
    const alice = await cryptoClient(server, 'alice');
    clients.push(alice);
    const bob = await cryptoClient(server, 'bob');
    clients.push(bob);
    const aliceId = alice.getUserId()!;
    let uiaRounds = 0;
    // The first master key needs no password: the SDK's request without auth succeeds.
    await alice.getCrypto()!.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => { uiaRounds++; await makeRequest(null); },
    });
    assert.equal(uiaRounds, 1);
    assert.equal(await alice.getCrypto()!.isCrossSigningReady(), true);
    const query = async () => (await server.inject({
      method: 'POST', path: '/_matrix/client/v3/keys/query', accessToken: bob.getAccessToken()!, body: { device_keys: { [aliceId]: [] } },
    })).json;
    const q = await query();
    assert.ok(q.master_keys[aliceId], JSON.stringify(q));
    const selfKeyId = Object.keys(q.self_signing_keys[aliceId].keys)[0]!;
    assert.deepEqual(q.user_signing_keys, {}, 'bob does not see alice\'s user-signing key');
    // The device signed by the self-signing key (POST /keys/signatures/upload), seen by bob.
    await until('alice\'s device signed by her self-signing key', async () => (await query()).device_keys[aliceId][alice.getDeviceId()!].signatures[aliceId][selfKeyId]);
    const status = await until('alice\'s client sees its device signed by its owner', async () => {
      const s = await alice.getCrypto()!.getDeviceVerificationStatus(aliceId, alice.getDeviceId()!);
      return s?.signedByOwner ? s : undefined;
    });
    assert.equal(status.crossSigningVerified, true);
  } finally {
    for (const c of clients) c.stopClient();
    await server.close();
  }
});
