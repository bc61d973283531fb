// End-to-end encryption key endpoints through the composed server (inject, no socket):
// /keys/upload, /keys/query, /keys/claim, /keys/changes, and what /sync reports about them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { call, ok, fails } = apiClient(() => server);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let roomId: string;

const sync = (user: TestUser, since?: string): Promise<Json> =>
  ok(user, 'GET', `${V3}/sync${since !== undefined ? `?since=${enc(since)}&timeout=0` : ''}`);

function deviceKeys(user: TestUser, extra: Json = {}): Json {
  return {
    user_id: user.userId,
    device_id: user.deviceId,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${user.deviceId}`]: `curve-${user.deviceId}`, [`ed25519:${user.deviceId}`]: `ed-${user.deviceId}` },
    signatures: { [user.userId]: { [`ed25519:${user.deviceId}`]: `sig-${user.deviceId}` } },
    ...extra,
  };
}

const otk = (id: string, key: string): Json => ({ [`signed_curve25519:${id}`]: { key, signatures: { x: { 'ed25519:D': 'sig' } } } });

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  carol = await registerUser(server, 'carol');
  roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
});
after(async () => { await server.close(); });

describe('keys/upload', () => {
  test('an empty upload answers the counts, signed_curve25519 included at 0', async () => {
    const r = await ok(carol, 'POST', `${V3}/keys/upload`, {});
    assert.deepEqual(r, { one_time_key_counts: { signed_curve25519: 0 } });
  });

  test('device keys of another user or device are refused', async () => {
    await fails(carol, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(carol, { user_id: alice.userId }) }, 400, 'M_INVALID_PARAM');
    await fails(carol, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(carol, { device_id: 'OTHER' }) }, 400, 'M_INVALID_PARAM');
    const q = await ok(alice, 'POST', `${V3}/keys/query`, { device_keys: { [carol.userId]: [] } });
    assert.deepEqual(q.device_keys[carol.userId], {}, 'nothing stored');
  });

  test('one-time keys are counted; the same id again is a retry, with other content a 400', async () => {
    const r = await ok(carol, 'POST', `${V3}/keys/upload`, { one_time_keys: { ...otk('A1', 'k1'), ...otk('A2', 'k2'), 'curve25519:B1': 'plain' } });
    assert.deepEqual(r.one_time_key_counts, { signed_curve25519: 2, curve25519: 1 });
    const again = await ok(carol, 'POST', `${V3}/keys/upload`, { one_time_keys: otk('A1', 'k1') });
    assert.deepEqual(again.one_time_key_counts, { signed_curve25519: 2, curve25519: 1 });
    await fails(carol, 'POST', `${V3}/keys/upload`, { one_time_keys: { ...otk('A3', 'k3'), ...otk('A1', 'changed') } }, 400, 'M_INVALID_PARAM');
    // The refused upload stored nothing (A3 neither).
    const counts = await ok(carol, 'POST', `${V3}/keys/upload`, {});
    assert.deepEqual(counts.one_time_key_counts, { signed_curve25519: 2, curve25519: 1 });
    await fails(carol, 'POST', `${V3}/keys/upload`, { one_time_keys: { nocolon: 'x' } }, 400, 'M_INVALID_PARAM');
    await fails(carol, 'POST', `${V3}/keys/upload`, { one_time_keys: { 'a:b': 5 } }, 400, 'M_BAD_JSON');
  });

  test('the counts and unused fallback key types show in the device\'s /sync', async () => {
    const carol2 = await loginUser(server, 'carol', carol.password);
    await ok(carol2, 'POST', `${V3}/keys/upload`, { one_time_keys: otk('S1', 's1'), fallback_keys: { 'signed_curve25519:F1': { key: 'f1', fallback: true } } });
    const s = await sync(carol2);
    assert.deepEqual(s.device_one_time_keys_count, { signed_curve25519: 1 });
    assert.deepEqual(s.device_unused_fallback_key_types, ['signed_curve25519']);
  });
});

describe('query and claim between two users in a room', () => {
  let bobSince: string;

  test('alice uploads keys: bob sees her in device_lists.changed and queries them', async () => {
    bobSince = (await sync(bob)).next_batch;
    const up = await ok(alice, 'POST', `${V3}/keys/upload`, {
      device_keys: deviceKeys(alice),
      one_time_keys: { ...otk('AAAA', 'one'), ...otk('AAAB', 'two') },
      fallback_keys: { 'signed_curve25519:FB': { key: 'fallback', fallback: true } },
    });
    assert.deepEqual(up.one_time_key_counts, { signed_curve25519: 2 });
    const s = await sync(bob, bobSince);
    assert.ok(s.device_lists.changed.includes(alice.userId), JSON.stringify(s.device_lists));
    bobSince = s.next_batch;

    await ok(alice, 'PUT', `${V3}/devices/${enc(alice.deviceId)}`, { display_name: 'Alice phone' });
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    const keys = q.device_keys[alice.userId][alice.deviceId];
    assert.equal(keys.keys[`ed25519:${alice.deviceId}`], `ed-${alice.deviceId}`);
    assert.deepEqual(keys.signatures, deviceKeys(alice).signatures);
    assert.equal(keys.unsigned.device_display_name, 'Alice phone');
    assert.deepEqual(q.failures, {});
    // Asking for one device only, and for an unknown one.
    const one = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: ['NOPE'] } });
    assert.deepEqual(one.device_keys[alice.userId], {});
  });

  test('the same device keys again change nothing; new ones mark the list changed again', async () => {
    await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(alice) });
    const same = await sync(bob, bobSince);
    assert.ok(!same.device_lists.changed.includes(alice.userId));
    await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(alice, { algorithms: ['m.megolm.v1.aes-sha2'] }) });
    const s = await sync(bob, same.next_batch);
    assert.deepEqual(s.device_lists.changed, [alice.userId]);
  });

  test('a long-polling /sync of bob wakes when alice uploads new device keys', async () => {
    const since = (await sync(bob)).next_batch;
    const pending = ok(bob, 'GET', `${V3}/sync?since=${enc(since)}&timeout=20000`);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(alice, { algorithms: ['m.olm.v1.curve25519-aes-sha2'] }) });
    const s = await pending;
    assert.ok(Date.now() - started < 10_000, 'woken, not timed out');
    assert.deepEqual(s.device_lists.changed, [alice.userId]);
  });

  test('one-time keys are claimed once each, then the fallback key (marked used)', async () => {
    const claim = () => ok(bob, 'POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { [alice.deviceId]: 'signed_curve25519' } } });
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const r = await claim();
      const got = Object.keys(r.one_time_keys[alice.userId][alice.deviceId]);
      assert.equal(got.length, 1);
      assert.match(got[0]!, /^signed_curve25519:AAA[AB]$/);
      seen.add(got[0]!);
      assert.deepEqual(r.failures, {});
    }
    assert.equal(seen.size, 2, 'two different keys');
    const fb = await claim();
    assert.deepEqual(fb.one_time_keys[alice.userId][alice.deviceId], { 'signed_curve25519:FB': { key: 'fallback', fallback: true } });
    const s = await sync(alice);
    assert.deepEqual(s.device_one_time_keys_count, { signed_curve25519: 0 }, 'all claimed: signed_curve25519 reported at 0');
    assert.deepEqual(s.device_unused_fallback_key_types, [], 'the fallback key is used');
    // The fallback key is handed out again (it is the last resort), still used.
    const again = await claim();
    assert.ok(again.one_time_keys[alice.userId][alice.deviceId]['signed_curve25519:FB']);
    // Re-uploading the same fallback key keeps it used; a new one is unused.
    await ok(alice, 'POST', `${V3}/keys/upload`, { fallback_keys: { 'signed_curve25519:FB': { key: 'fallback', fallback: true } } });
    assert.deepEqual((await sync(alice)).device_unused_fallback_key_types, []);
    await ok(alice, 'POST', `${V3}/keys/upload`, { 'org.matrix.msc2732.fallback_keys': { 'signed_curve25519:FC': { key: 'new', fallback: true } } });
    assert.deepEqual((await sync(alice)).device_unused_fallback_key_types, ['signed_curve25519']);
  });

  test('an algorithm with no key, and users of other servers', async () => {
    const r = await ok(bob, 'POST', `${V3}/keys/claim`, {
      one_time_keys: { [alice.userId]: { [alice.deviceId]: 'unknown_alg' }, '@x:elsewhere.example': { D: 'signed_curve25519' } },
    });
    assert.deepEqual(r.one_time_keys, {});
    assert.equal(r.failures['elsewhere.example'].status, 503);
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { '@x:elsewhere.example': [] } });
    assert.deepEqual(q.device_keys, {});
    assert.ok(q.failures['elsewhere.example']);
    await fails(bob, 'POST', `${V3}/keys/query`, { device_keys: { 'not-a-user': [] } }, 400, 'M_INVALID_PARAM');
    await fails(bob, 'POST', `${V3}/keys/claim`, {}, 400, 'M_MISSING_PARAM');
    const unauth = await call(undefined, 'POST', `${V3}/keys/query`, { device_keys: {} });
    assert.equal(unauth.status, 401);
  });
});

describe('deleted devices', () => {
  test('a deleted device\'s keys are gone from /keys/query and /keys/claim, and co-members are told', async () => {
    const phone = await loginUser(server, 'alice', alice.password);
    await ok(phone, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(phone), one_time_keys: otk('P1', 'p1') });
    const q = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.ok(q.device_keys[alice.userId][phone.deviceId]);
    const since = (await sync(bob)).next_batch;
    const first = await call(alice, 'DELETE', `${V3}/devices/${enc(phone.deviceId)}`, {});
    assert.equal(first.status, 401, first.text);
    await ok(alice, 'DELETE', `${V3}/devices/${enc(phone.deviceId)}`, {
      auth: { type: 'm.login.password', session: first.json.session, identifier: { type: 'm.id.user', user: alice.userId }, password: alice.password },
    });
    const after = await ok(bob, 'POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } });
    assert.equal(after.device_keys[alice.userId][phone.deviceId], undefined);
    assert.ok(after.device_keys[alice.userId][alice.deviceId], 'her other device stays');
    const c = await ok(bob, 'POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { [phone.deviceId]: 'signed_curve25519' } } });
    assert.deepEqual(c.one_time_keys, {});
    assert.ok((await sync(bob, since)).device_lists.changed.includes(alice.userId));
  });
});

describe('keys/changes', () => {
  test('users whose keys changed between two tokens, among those sharing a room; left after leaving', async () => {
    const dave = await registerUser(server, 'dave');
    const from = (await sync(bob)).next_batch;
    await ok(alice, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(alice, { algorithms: ['x'] }) });
    await ok(dave, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys(dave) }); // shares no room with bob
    const to = (await sync(bob)).next_batch;
    const r = await ok(bob, 'GET', `${V3}/keys/changes?from=${enc(from)}&to=${enc(to)}`);
    assert.deepEqual(r, { changed: [alice.userId], left: [] });
    // Nothing between a token and itself.
    assert.deepEqual(await ok(bob, 'GET', `${V3}/keys/changes?from=${enc(to)}&to=${enc(to)}`), { changed: [], left: [] });

    // dave joins: newly shared, so in changed; then bob leaves: alice and dave are left.
    await ok(dave, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const joined = (await sync(bob)).next_batch;
    assert.deepEqual((await ok(bob, 'GET', `${V3}/keys/changes?from=${enc(to)}&to=${enc(joined)}`)).changed, [dave.userId]);
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/leave`, {});
    const gone = (await sync(bob)).next_batch;
    const l = await ok(bob, 'GET', `${V3}/keys/changes?from=${enc(joined)}&to=${enc(gone)}`);
    assert.deepEqual(l.changed, []);
    assert.deepEqual([...l.left].sort(), [alice.userId, dave.userId].sort());
  });

  test('bad or missing tokens are 400', async () => {
    await fails(bob, 'GET', `${V3}/keys/changes?from=nope&to=s0_0_0_0_0_0_0`, undefined, 400, 'M_INVALID_PARAM');
    await fails(bob, 'GET', `${V3}/keys/changes?to=s0_0_0_0_0_0_0`, undefined, 400, 'M_MISSING_PARAM');
  });

  test('r0 paths answer too', async () => {
    const r = await ok(bob, 'POST', '/_matrix/client/r0/keys/upload', {});
    assert.deepEqual(r.one_time_key_counts, { signed_curve25519: 0 });
  });
});
