// Server-side key backups (client-server-api#server-side-key-backups): backup versions
// (create, current, read, update, delete) and the backed-up room keys at the three levels
// (all rooms, one room, one session), with the spec's rule for a session already stored,
// 403 M_WRONG_ROOM_KEYS_VERSION for writes to an old version, and the version's count and
// etag as a client sees them. Per user; refused to guests (not in the spec's guest list).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient } from '../helpers/client.js';
import { registerUser, type TestUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';
const ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';
const ROOM_A = '!roomA:example.org';
const ROOM_B = '!roomB:example.org';
const q = (path: string, version: string) => `${path}?version=${encodeURIComponent(version)}`;
const roomPath = (roomId: string) => `${V3}/room_keys/keys/${encodeURIComponent(roomId)}`;
const sessionPath = (roomId: string, sessionId: string) => `${roomPath(roomId)}/${encodeURIComponent(sessionId)}`;

function authData(publicKey: string) {
  return { public_key: publicKey, signatures: { '@alice:example.org': { 'ed25519:DEV': 'sig' } } };
}

function key(firstMessageIndex: number, forwardedCount: number, isVerified: boolean, tag: string) {
  return {
    first_message_index: firstMessageIndex, forwarded_count: forwardedCount, is_verified: isVerified,
    session_data: { ephemeral: `eph-${tag}`, ciphertext: `ct-${tag}`, mac: `mac-${tag}` },
  };
}

describe('server-side key backup', () => {
  let server: TestServer;
  const api = apiClient(() => server);
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    server = await startTestServer({ adapter: 'none', config: { registration: { allow_guests: true } } });
    alice = await registerUser(server, 'alice');
    bob = await registerUser(server, 'bob');
  });
  after(async () => { await server.close(); });

  it('without a backup: the current version and any version are 404 M_NOT_FOUND; without a token 401', async () => {
    for (const v of ['v3', 'r0']) {
      await api.fails(alice, 'GET', `/_matrix/client/${v}/room_keys/version`, undefined, 404, 'M_NOT_FOUND');
      await api.fails(alice, 'GET', `/_matrix/client/${v}/room_keys/version/1`, undefined, 404, 'M_NOT_FOUND');
    }
    await api.fails(alice, 'PUT', q(sessionPath(ROOM_A, 's'), '1'), key(0, 0, false, 'x'), 404, 'M_NOT_FOUND');
    await api.fails(alice, 'GET', q(`${V3}/room_keys/keys`, '1'), undefined, 404, 'M_NOT_FOUND');
    const anonymous = await server.inject({ method: 'GET', path: `${V3}/room_keys/version` });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.errcode, 'M_MISSING_TOKEN');
  });

  it('versions: created as increasing integers, the newest is current, auth_data updates, deletion', async () => {
    const carol = await registerUser(server, 'carol');
    await api.fails(carol, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM }, 400, 'M_MISSING_PARAM');
    await api.fails(carol, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: 'no' }, 400, 'M_BAD_JSON');

    const first = await api.ok(carol, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('pk1') });
    assert.deepEqual(first, { version: '1' });
    assert.deepEqual(await api.ok(carol, 'GET', `${V3}/room_keys/version`),
      { algorithm: ALGORITHM, auth_data: authData('pk1'), version: '1', count: 0, etag: '0' });

    // the r0 alias creates and reads the same backups
    assert.deepEqual(await api.ok(carol, 'POST', `/_matrix/client/r0/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('pk2') }), { version: '2' });
    const current = await api.ok(carol, 'GET', `/_matrix/client/r0/room_keys/version`);
    assert.equal(current.version, '2');
    assert.deepEqual(current.auth_data, authData('pk2'));
    // the older version is still readable by number
    assert.deepEqual((await api.ok(carol, 'GET', `${V3}/room_keys/version/1`)).auth_data, authData('pk1'));
    for (const bad of ['3', '0', 'abc', '01']) await api.fails(carol, 'GET', `${V3}/room_keys/version/${bad}`, undefined, 404, 'M_NOT_FOUND');

    // PUT changes auth_data only; the algorithm must match and a body version must be the path's
    assert.deepEqual(await api.ok(carol, 'PUT', `${V3}/room_keys/version/2`, { algorithm: ALGORITHM, auth_data: authData('pk2b'), version: '2' }), {});
    assert.deepEqual((await api.ok(carol, 'GET', `${V3}/room_keys/version/2`)).auth_data, authData('pk2b'));
    await api.fails(carol, 'PUT', `${V3}/room_keys/version/2`, { algorithm: 'org.example.other', auth_data: authData('x') }, 400, 'M_INVALID_PARAM');
    await api.fails(carol, 'PUT', `${V3}/room_keys/version/2`, { algorithm: ALGORITHM, auth_data: authData('x'), version: '1' }, 400, 'M_INVALID_PARAM');
    await api.fails(carol, 'PUT', `${V3}/room_keys/version/2`, { algorithm: ALGORITHM }, 400, 'M_MISSING_PARAM');
    await api.fails(carol, 'PUT', `${V3}/room_keys/version/7`, { algorithm: ALGORITHM, auth_data: authData('x') }, 404, 'M_NOT_FOUND');
    assert.deepEqual((await api.ok(carol, 'GET', `${V3}/room_keys/version/2`)).auth_data, authData('pk2b'));

    // deleting the current version: it is gone, the one before is current again (as Synapse)
    await api.ok(carol, 'PUT', q(sessionPath(ROOM_A, 'sess'), '2'), key(0, 0, true, 'a'));
    assert.deepEqual(await api.ok(carol, 'DELETE', `${V3}/room_keys/version/2`), {});
    await api.fails(carol, 'GET', `${V3}/room_keys/version/2`, undefined, 404, 'M_NOT_FOUND');
    await api.fails(carol, 'GET', q(`${V3}/room_keys/keys`, '2'), undefined, 404, 'M_NOT_FOUND');
    await api.fails(carol, 'PUT', `${V3}/room_keys/version/2`, { algorithm: ALGORITHM, auth_data: authData('x') }, 404, 'M_NOT_FOUND');
    assert.equal((await api.ok(carol, 'GET', `${V3}/room_keys/version`)).version, '1');
    // deleting it again succeeds (the spec); a version that never existed is 404
    assert.deepEqual(await api.ok(carol, 'DELETE', `${V3}/room_keys/version/2`), {});
    await api.fails(carol, 'DELETE', `${V3}/room_keys/version/9`, undefined, 404, 'M_NOT_FOUND');
    await api.fails(carol, 'DELETE', `${V3}/room_keys/version/x`, undefined, 404, 'M_NOT_FOUND');
    // numbers are never reused, and a new version starts empty
    assert.deepEqual(await api.ok(carol, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('pk3') }), { version: '3' });
    assert.deepEqual(await api.ok(carol, 'GET', q(`${V3}/room_keys/keys`, '3')), { rooms: {} });
    await api.ok(carol, 'DELETE', `${V3}/room_keys/version/3`);
    await api.ok(carol, 'DELETE', `${V3}/room_keys/version/1`);
    await api.fails(carol, 'GET', `${V3}/room_keys/version`, undefined, 404, 'M_NOT_FOUND');
  });

  it('keys: stored and read at all three levels, with count and a changing etag', async () => {
    const { version } = await api.ok(alice, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('alice1') });
    let info = await api.ok(alice, 'GET', `${V3}/room_keys/version`);
    assert.equal(info.count, 0);
    let etag = info.etag as string;

    // one session
    let res = await api.ok(alice, 'PUT', q(sessionPath(ROOM_A, 'sA1'), version), key(3, 1, false, 'A1'));
    assert.equal(res.count, 1);
    assert.notEqual(res.etag, etag);
    etag = res.etag;
    // one room, several sessions
    res = await api.ok(alice, 'PUT', q(roomPath(ROOM_A), version), { sessions: { sA2: key(0, 0, true, 'A2'), sA3: key(5, 0, false, 'A3') } });
    assert.equal(res.count, 3);
    assert.notEqual(res.etag, etag);
    etag = res.etag;
    // several rooms (r0 alias)
    res = await api.ok(alice, 'PUT', q('/_matrix/client/r0/room_keys/keys', version), {
      rooms: { [ROOM_B]: { sessions: { sB1: key(1, 2, false, 'B1') } }, [ROOM_A]: { sessions: { sA4: key(0, 0, false, 'A4') } } },
    });
    assert.equal(res.count, 5);
    assert.notEqual(res.etag, etag);
    etag = res.etag;

    info = await api.ok(alice, 'GET', `${V3}/room_keys/version/${version}`);
    assert.equal(info.count, 5);
    assert.equal(info.etag, etag);

    assert.deepEqual(await api.ok(alice, 'GET', q(`${V3}/room_keys/keys`, version)), {
      rooms: {
        [ROOM_A]: { sessions: { sA1: key(3, 1, false, 'A1'), sA2: key(0, 0, true, 'A2'), sA3: key(5, 0, false, 'A3'), sA4: key(0, 0, false, 'A4') } },
        [ROOM_B]: { sessions: { sB1: key(1, 2, false, 'B1') } },
      },
    });
    assert.deepEqual(await api.ok(alice, 'GET', q(roomPath(ROOM_B), version)), { sessions: { sB1: key(1, 2, false, 'B1') } });
    assert.deepEqual(await api.ok(alice, 'GET', q(`/_matrix/client/r0/room_keys/keys/${encodeURIComponent(ROOM_A)}/sA2`, version)), key(0, 0, true, 'A2'));
    // megolm session ids are standard base64: '/' and '+' travel percent-encoded in the path
    const slashy = 'VWJEj1ppvEmhwCx/RYYfNm9mZ1S+BxVNwCwdvKHBGKc';
    res = await api.ok(alice, 'PUT', q(sessionPath(ROOM_B, slashy), version), key(0, 0, false, 'slashy'));
    assert.equal(res.count, 6);
    assert.deepEqual(await api.ok(alice, 'GET', q(sessionPath(ROOM_B, slashy), version)), key(0, 0, false, 'slashy'));
    assert.deepEqual(Object.keys((await api.ok(alice, 'GET', q(roomPath(ROOM_B), version))).sessions).sort(), [slashy, 'sB1'].sort());
    res = await api.ok(alice, 'DELETE', q(sessionPath(ROOM_B, slashy), version));
    assert.equal(res.count, 5);
    etag = res.etag;
    // nothing stored: an empty room answer, but 404 for a single session (as Synapse)
    assert.deepEqual(await api.ok(alice, 'GET', q(roomPath('!nothing:example.org'), version)), { sessions: {} });
    await api.fails(alice, 'GET', q(sessionPath(ROOM_A, 'missing'), version), undefined, 404, 'M_NOT_FOUND');
    // the version parameter is required
    await api.fails(alice, 'GET', `${V3}/room_keys/keys`, undefined, 400, 'M_MISSING_PARAM');
    await api.fails(alice, 'PUT', sessionPath(ROOM_A, 'sA9'), key(0, 0, false, 'x'), 400, 'M_MISSING_PARAM');
    await api.fails(alice, 'DELETE', roomPath(ROOM_A), undefined, 400, 'M_MISSING_PARAM');

    // bad key data is refused and stores nothing
    await api.fails(alice, 'PUT', q(sessionPath(ROOM_A, 'sA9'), version), { ...key(0, 0, false, 'x'), is_verified: 'yes' }, 400, 'M_BAD_JSON');
    await api.fails(alice, 'PUT', q(sessionPath(ROOM_A, 'sA9'), version), { first_message_index: 0, forwarded_count: 0, is_verified: false }, 400, 'M_MISSING_PARAM');
    await api.fails(alice, 'PUT', q(sessionPath(ROOM_A, 'sA9'), version), key(-1, 0, false, 'x'), 400, 'M_INVALID_PARAM');
    await api.fails(alice, 'PUT', q(`${V3}/room_keys/keys`, version), { rooms: { 'not-a-room': { sessions: { s: key(0, 0, false, 'x') } } } }, 400, 'M_INVALID_PARAM');
    await api.fails(alice, 'PUT', q(`${V3}/room_keys/keys`, version), { rooms: { [ROOM_A]: { sessions: { s: key(0, 0, false, 'x') } }, [ROOM_B]: {} } }, 400, 'M_MISSING_PARAM');
    assert.equal((await api.ok(alice, 'GET', `${V3}/room_keys/version`)).count, 5);
    await api.fails(alice, 'GET', q(sessionPath(ROOM_A, 's'), version), undefined, 404, 'M_NOT_FOUND');

    // deletes at the three levels, each answering the new count and etag
    res = await api.ok(alice, 'DELETE', q(sessionPath(ROOM_A, 'sA1'), version));
    assert.equal(res.count, 4);
    assert.notEqual(res.etag, etag);
    etag = res.etag;
    await api.fails(alice, 'GET', q(sessionPath(ROOM_A, 'sA1'), version), undefined, 404, 'M_NOT_FOUND');
    // deleting what is not there changes nothing
    res = await api.ok(alice, 'DELETE', q(sessionPath(ROOM_A, 'sA1'), version));
    assert.deepEqual(res, { count: 4, etag });
    res = await api.ok(alice, 'DELETE', q(roomPath(ROOM_A), version));
    assert.equal(res.count, 1);
    assert.notEqual(res.etag, etag);
    etag = res.etag;
    assert.deepEqual(await api.ok(alice, 'GET', q(roomPath(ROOM_A), version)), { sessions: {} });
    assert.deepEqual(Object.keys((await api.ok(alice, 'GET', q(`${V3}/room_keys/keys`, version))).rooms), [ROOM_B]);
    res = await api.ok(alice, 'DELETE', q(`${V3}/room_keys/keys`, version));
    assert.equal(res.count, 0);
    assert.notEqual(res.etag, etag);
    assert.deepEqual(await api.ok(alice, 'GET', q(`${V3}/room_keys/keys`, version)), { rooms: {} });
    const last = await api.ok(alice, 'GET', `${V3}/room_keys/version`);
    assert.equal(last.count, 0);
    assert.equal(last.etag, res.etag);
    await api.ok(alice, 'DELETE', `${V3}/room_keys/version/${version}`);
  });

  it('a session already stored is replaced only by a better key: verified, then lower first_message_index, then lower forwarded_count', async () => {
    const { version } = await api.ok(alice, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('rule') });
    const path = q(sessionPath(ROOM_A, 'rule'), version);
    const stored = async () => (await api.ok(alice, 'GET', path)).session_data.ciphertext as string;
    let res = await api.ok(alice, 'PUT', path, key(10, 5, false, 'start'));
    let etag = res.etag as string;
    const offer = async (k: ReturnType<typeof key>, kept: string, replaced: boolean) => {
      res = await api.ok(alice, 'PUT', path, k);
      assert.equal(res.count, 1);
      assert.equal(await stored(), `ct-${kept}`);
      // the etag moves only when the stored keys changed
      if (replaced) assert.notEqual(res.etag, etag);
      else assert.equal(res.etag, etag);
      etag = res.etag;
    };
    await offer(key(11, 0, false, 'worse-index'), 'start', false);
    await offer(key(10, 6, false, 'worse-forwarded'), 'start', false);
    await offer(key(10, 5, false, 'same'), 'start', false);
    await offer(key(10, 4, false, 'better-forwarded'), 'better-forwarded', true);
    await offer(key(9, 9, false, 'better-index'), 'better-index', true);
    // a verified key beats an unverified one whatever its index...
    await offer(key(50, 50, true, 'verified'), 'verified', true);
    // ...and an unverified one never replaces a verified one, even with a lower index
    await offer(key(0, 0, false, 'unverified-low'), 'verified', false);
    await offer(key(49, 51, true, 'verified-lower-index'), 'verified-lower-index', true);
    // in a batch, new sessions are added and the stored one still follows the rule
    res = await api.ok(alice, 'PUT', q(`${V3}/room_keys/keys`, version), {
      rooms: { [ROOM_A]: { sessions: { rule: key(60, 0, true, 'batch-worse'), other: key(0, 0, false, 'other') } } },
    });
    assert.equal(res.count, 2);
    assert.notEqual(res.etag, etag);
    assert.equal(await stored(), 'ct-verified-lower-index');
    await api.ok(alice, 'DELETE', `${V3}/room_keys/version/${version}`);
  });

  it('writes to a version that is not the current one: 403 M_WRONG_ROOM_KEYS_VERSION with current_version; reads still work', async () => {
    const old = (await api.ok(alice, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('old') })).version as string;
    await api.ok(alice, 'PUT', q(sessionPath(ROOM_A, 'kept'), old), key(0, 0, false, 'kept'));
    const current = (await api.ok(alice, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('new') })).version as string;
    assert.notEqual(old, current);
    for (const path of [q(sessionPath(ROOM_A, 's'), old), q(sessionPath(ROOM_A, 's'), '999')]) {
      const r = await api.call(alice, 'PUT', path, key(0, 0, false, 'x'));
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.errcode, 'M_WRONG_ROOM_KEYS_VERSION');
      assert.equal(r.json.current_version, current);
    }
    const r = await api.call(alice, 'PUT', q(`${V3}/room_keys/keys`, old), { rooms: { [ROOM_A]: { sessions: { s: key(0, 0, false, 'x') } } } });
    assert.equal(r.status, 403);
    assert.equal(r.json.current_version, current);
    // the old version's keys are untouched and still readable
    assert.deepEqual(await api.ok(alice, 'GET', q(roomPath(ROOM_A), old)), { sessions: { kept: key(0, 0, false, 'kept') } });
    assert.deepEqual(await api.ok(alice, 'GET', q(roomPath(ROOM_A), current)), { sessions: {} });
    // deleting a version also deletes its keys
    await api.ok(alice, 'DELETE', `${V3}/room_keys/version/${old}`);
    await api.fails(alice, 'GET', q(roomPath(ROOM_A), old), undefined, 404, 'M_NOT_FOUND');
  });

  it("another user's backup is invisible and untouchable", async () => {
    const mine = await api.ok(alice, 'GET', `${V3}/room_keys/version`);
    await api.ok(alice, 'PUT', q(sessionPath(ROOM_A, 'private'), mine.version), key(0, 0, true, 'private'));
    await api.fails(bob, 'GET', `${V3}/room_keys/version`, undefined, 404, 'M_NOT_FOUND');
    await api.fails(bob, 'GET', `${V3}/room_keys/version/${mine.version}`, undefined, 404, 'M_NOT_FOUND');
    await api.fails(bob, 'GET', q(`${V3}/room_keys/keys`, mine.version), undefined, 404, 'M_NOT_FOUND');
    await api.fails(bob, 'PUT', q(sessionPath(ROOM_A, 'private'), mine.version), key(0, 0, true, 'evil'), 404, 'M_NOT_FOUND');
    await api.fails(bob, 'DELETE', q(`${V3}/room_keys/keys`, mine.version), undefined, 404, 'M_NOT_FOUND');
    await api.fails(bob, 'DELETE', `${V3}/room_keys/version/${mine.version}`, undefined, 404, 'M_NOT_FOUND');
    // bob's own backup gets his own numbering and leaves alice's alone
    assert.deepEqual(await api.ok(bob, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('bob') }), { version: '1' });
    await api.ok(bob, 'PUT', q(sessionPath(ROOM_A, 'private'), '1'), key(0, 0, true, 'bob'));
    assert.deepEqual(await api.ok(alice, 'GET', q(sessionPath(ROOM_A, 'private'), mine.version)), key(0, 0, true, 'private'));
    assert.deepEqual(await api.ok(alice, 'GET', `${V3}/room_keys/version`), { ...mine, count: mine.count + 1, etag: String(Number(mine.etag) + 1) });
  });

  it("deactivating an account drops its backups and keys, and no one else's", async () => {
    const erin = await registerUser(server, 'erin', 'pw-erin-secret');
    for (const pk of ['e1', 'e2']) {
      const { version } = await api.ok(erin, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData(pk) });
      await api.ok(erin, 'PUT', q(sessionPath(ROOM_A, pk), version), key(0, 0, false, pk));
    }
    const alicesBefore = await api.ok(alice, 'GET', q(`${V3}/room_keys/keys`, (await api.ok(alice, 'GET', `${V3}/room_keys/version`)).version));
    const first = await server.inject({ method: 'POST', path: `${V3}/account/deactivate`, accessToken: erin.accessToken, body: {} });
    const res = await server.inject({
      method: 'POST', path: `${V3}/account/deactivate`, accessToken: erin.accessToken,
      body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: erin.userId }, password: erin.password, session: first.json.session } },
    });
    assert.equal(res.status, 200, res.text);
    // The user can no longer ask, so look in the store: nothing of erin's backup is left.
    const { store } = server.services;
    const left = await store.read(function* (tx) {
      return {
        current: yield* store.keyBackups.current(tx, erin.userId),
        versions: [yield* store.keyBackups.version(tx, erin.userId, 1), yield* store.keyBackups.version(tx, erin.userId, 2)],
        sessions: [...(yield* store.keyBackups.sessions(tx, erin.userId, 1)), ...(yield* store.keyBackups.sessions(tx, erin.userId, 2))],
      };
    });
    assert.deepEqual(left, { current: undefined, versions: [undefined, undefined], sessions: [] });
    const alicesAfter = await api.ok(alice, 'GET', q(`${V3}/room_keys/keys`, (await api.ok(alice, 'GET', `${V3}/room_keys/version`)).version));
    assert.deepEqual(alicesAfter, alicesBefore);
    assert.notDeepEqual(alicesAfter, { rooms: {} });
  });

  it('guests may not use key backup (not in the spec guest list)', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'guest' }, body: {} });
    assert.equal(res.status, 200, res.text);
    const guest: TestUser = { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password: '' };
    await api.fails(guest, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('g') }, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    await api.fails(guest, 'GET', `${V3}/room_keys/version`, undefined, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    await api.fails(guest, 'GET', q(`${V3}/room_keys/keys`, '1'), undefined, 403, 'M_GUEST_ACCESS_FORBIDDEN');
    await api.fails(guest, 'PUT', q(sessionPath(ROOM_A, 's'), '1'), key(0, 0, false, 'g'), 403, 'M_GUEST_ACCESS_FORBIDDEN');
  });
});

describe('key backup storage', () => {
  it('survives a restart, and a store made before the backup trees existed opens with them empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-backup-'));
    try {
      let server = await startTestServer({ adapter: 'none', storePath: dir });
      let api = apiClient(() => server);
      const dave = await registerUser(server, 'dave');
      const { version } = await api.ok(dave, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('dave') });
      await api.ok(dave, 'PUT', q(sessionPath(ROOM_A, 's1'), version), key(1, 0, false, 'dave'));
      await server.close();

      server = await startTestServer({ adapter: 'none', storePath: dir });
      api = apiClient(() => server);
      assert.deepEqual(await api.ok(dave, 'GET', q(sessionPath(ROOM_A, 's1'), version)), key(1, 0, false, 'dave'));
      await server.close();

      // Remove the backup trees as an older Myelin's store would lack them; the rest stays.
      const env = open({ path: dir, maxDbs: 100 });
      for (const name of ['e2e.backup_versions', 'e2e.backup_sessions']) env.openDB({ name, keyEncoding: 'binary', encoding: 'binary' }).dropSync();
      await env.close();

      server = await startTestServer({ adapter: 'none', storePath: dir });
      api = apiClient(() => server);
      assert.equal((await api.ok(dave, 'GET', `${V3}/account/whoami`)).user_id, dave.userId);
      await api.fails(dave, 'GET', `${V3}/room_keys/version`, undefined, 404, 'M_NOT_FOUND');
      assert.deepEqual(await api.ok(dave, 'POST', `${V3}/room_keys/version`, { algorithm: ALGORITHM, auth_data: authData('again') }), { version: '1' });
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
