// Server-side key backup with a real client: matrix-js-sdk's Rust crypto (as Element) creates
// a backup version, backs up the megolm session of an encrypted room by itself, and a new
// device of the same user, given the backup key, restores the session from the server and
// decrypts the message. Every wait is bounded so a missing feature fails instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixClient } from 'matrix-js-sdk';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';
import { cryptoClient as startCryptoClient, silenceSdk, unrefTimersFrom, untilWithin } from '../helpers/sdk.js';

silenceSdk({ rustCrypto: true });
// As in matrix-js-sdk.test.ts: the SDK leaves timers armed after stopClient(). Here also the
// Rust crypto's retry sleeps (1 s, 2 s, 4 s, ...) for a /keys/query cut off by the shutdown,
// which would keep the process alive for a minute: no timer of a second or more holds it.
unrefTimersFrom(1_000);

const WAIT_MS = 30_000;
const until = untilWithin(WAIT_MS, 50);
const cryptoClient = (server: TestServer, user: TestUser): Promise<MatrixClient> => startCryptoClient(server, user, WAIT_MS);

test('matrix-js-sdk Rust crypto: a room key backed up by one device is restored by a new device, which decrypts the message', async () => {
  const server = await startTestServer({ adapter: 'node' });
  const clients: MatrixClient[] = [];
  try {
    const aliceUser = await registerUser(server, 'alice');
    const first = await cryptoClient(server, aliceUser);
    clients.push(first);
    const crypto = first.getCrypto()!;
    await crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys: async (makeRequest) => { await makeRequest(null); } });
    await crypto.resetKeyBackup();
    const version = await until('the first device backs up to the new version', () => crypto.getActiveSessionBackupVersion());
    const current = await server.inject({ method: 'GET', path: '/_matrix/client/v3/room_keys/version', accessToken: aliceUser.accessToken });
    assert.equal(current.json.version, version, current.text);
    assert.equal(current.json.algorithm, 'm.megolm_backup.v1.curve25519-aes-sha2');
    assert.equal(typeof current.json.auth_data.public_key, 'string');

    const { room_id: roomId } = await first.createRoom({
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await until('the client knows the room is encrypted', () => crypto.isEncryptionEnabledInRoom(roomId));
    const { event_id: eventId } = await first.sendTextMessage(roomId, 'the key is under the mat');

    // The client uploads the room's megolm session to the backup by itself (after a random delay of up to 10 s).
    const backedUp = await until('the session in the server-side backup', async () => {
      const keys = await server.inject({ method: 'GET', path: `/_matrix/client/v3/room_keys/keys?version=${version}`, accessToken: aliceUser.accessToken });
      return keys.json.rooms?.[roomId] ? keys.json : undefined;
    });
    const sessions = Object.values(backedUp.rooms[roomId].sessions) as { session_data: Record<string, unknown> }[];
    assert.ok(sessions.length >= 1);
    assert.ok(!JSON.stringify(backedUp).includes('under the mat'), 'the server holds only ciphertext');
    assert.ok(typeof sessions[0]!.session_data.ciphertext === 'string');

    // A new device of alice, given the backup key, restores from the server and decrypts.
    const backupKey = await crypto.getSessionBackupPrivateKey();
    assert.ok(backupKey);
    const secondUser = await loginUser(server, 'alice', aliceUser.password);
    const second = await cryptoClient(server, secondUser);
    clients.push(second);
    await second.getCrypto()!.storeSessionBackupPrivateKey(backupKey, version);
    const restored = await second.getCrypto()!.restoreKeyBackup();
    assert.ok(restored.total >= 1, JSON.stringify(restored));
    assert.ok(restored.imported >= 1, JSON.stringify(restored));
    const decrypted = await until('the new device decrypts the message', () => {
      const ev = second.getRoom(roomId)?.getLiveTimeline().getEvents().find((e) => e.getId() === eventId);
      if (ev === undefined || ev.isBeingDecrypted() || ev.isDecryptionFailure()) return undefined;
      return ev.getClearContent() ? ev : undefined;
    });
    assert.equal(decrypted.getContent().body, 'the key is under the mat');
  } finally {
    for (const c of clients) c.stopClient();
    await server.close();
  }
});
