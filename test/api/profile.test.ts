// Profiles (display name, avatar, other fields), their propagation into member events,
// presence and the user directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';

/** The content of a user's current member event in a room, read from the store. */
async function memberContent(server: TestServer, roomId: string, userId: string): Promise<Record<string, unknown>> {
  const { store } = server.services;
  const json = await store.read(function* (tx) {
    const eventId = yield* store.state.currentEntry(tx, roomId, 'm.room.member', userId);
    return eventId === undefined ? undefined : yield* store.events.json(tx, eventId);
  });
  assert.ok(json, `no member event for ${userId} in ${roomId}`);
  return (JSON.parse(Buffer.from(json).toString('utf8')) as { content: Record<string, unknown> }).content;
}

describe('profile', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
    bob = await registerUser(server, 'bob');
  });
  after(async () => { await server.close(); });

  const put = (path: string, body: Record<string, unknown>, token = alice.accessToken) => server.inject({ method: 'PUT', path: `${V3}${path}`, accessToken: token, body });
  const get = (path: string) => server.inject({ method: 'GET', path: `${V3}${path}` });

  it('a new user has their localpart as display name', async () => {
    const res = await get(`/profile/${encodeURIComponent(alice.userId)}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { displayname: 'alice' });
  });

  it('sets, reads and clears display name and avatar', async () => {
    assert.equal((await put(`/profile/${alice.userId}/displayname`, { displayname: 'Alice L.' })).status, 200);
    assert.equal((await put(`/profile/${alice.userId}/avatar_url`, { avatar_url: 'mxc://localhost/abc' })).status, 200);
    assert.deepEqual((await get(`/profile/${alice.userId}`)).json, { displayname: 'Alice L.', avatar_url: 'mxc://localhost/abc' });
    assert.deepEqual((await get(`/profile/${alice.userId}/displayname`)).json, { displayname: 'Alice L.' });
    assert.deepEqual((await get(`/profile/${alice.userId}/avatar_url`)).json, { avatar_url: 'mxc://localhost/abc' });
    // clients before v1.16 clear with null
    assert.equal((await put(`/profile/${alice.userId}/avatar_url`, { avatar_url: null })).status, 200);
    const res = await get(`/profile/${alice.userId}/avatar_url`);
    assert.equal(res.status, 404);
    assert.equal(res.json.errcode, 'M_NOT_FOUND');
  });

  it('custom fields and m.tz (v1.16), DELETE removes one', async () => {
    assert.equal((await put(`/profile/${alice.userId}/m.tz`, { 'm.tz': 'Europe/Paris' })).status, 200);
    assert.equal((await put(`/profile/${alice.userId}/org.example.pronouns`, { 'org.example.pronouns': ['she', 'her'] })).status, 200);
    assert.deepEqual((await get(`/profile/${alice.userId}/org.example.pronouns`)).json, { 'org.example.pronouns': ['she', 'her'] });
    const del = await server.inject({ method: 'DELETE', path: `${V3}/profile/${alice.userId}/org.example.pronouns`, accessToken: alice.accessToken });
    assert.equal(del.status, 200);
    assert.equal((await get(`/profile/${alice.userId}/org.example.pronouns`)).status, 404);
    assert.equal((await get(`/profile/${alice.userId}`)).json['m.tz'], 'Europe/Paris');
  });

  it('a user id that is not one is 400 M_INVALID_PARAM (as Synapse), an unknown user 404', async () => {
    for (const path of [`${V3}/profile/notanid`, `${V3}/profile/notanid/displayname`]) {
      const res = await server.inject({ method: 'GET', path });
      assert.equal(res.status, 400, path);
      assert.equal(res.json.errcode, 'M_INVALID_PARAM', path);
    }
    const res = await server.inject({ method: 'GET', path: `${V3}/profile/${encodeURIComponent('@nobody:localhost')}` });
    assert.equal(res.status, 404);
    assert.equal(res.json.errcode, 'M_NOT_FOUND');
  });

  it('errors: other users, unknown users, bad values, bad keys, oversize', async () => {
    let res = await put(`/profile/${alice.userId}/displayname`, { displayname: 'Mallory' }, bob.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.json.errcode, 'M_FORBIDDEN');
    res = await get('/profile/@nobody:localhost');
    assert.equal(res.status, 404);
    res = await get('/profile/@someone:remote.example');
    assert.equal(res.status, 404);
    res = await put(`/profile/${alice.userId}/displayname`, { displayname: 42 });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    res = await put(`/profile/${alice.userId}/displayname`, {});
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
    res = await put(`/profile/${alice.userId}/displayname`, { displayname: 'x'.repeat(257) });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
    res = await put(`/profile/${alice.userId}/avatar_url`, { avatar_url: 'https://example.org/a.png' });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
    res = await put(`/profile/${alice.userId}/NotAKey`, { NotAKey: 1 });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
    res = await put(`/profile/${alice.userId}/org.example.big`, { 'org.example.big': 'x'.repeat(70_000) });
    assert.equal(res.json.errcode, 'M_PROFILE_TOO_LARGE');
    res = await server.inject({ method: 'PUT', path: `${V3}/profile/${alice.userId}/displayname`, body: { displayname: 'x' } });
    assert.equal(res.json.errcode, 'M_MISSING_TOKEN');
  });

  it('a display name or avatar change updates the member event in every joined room', async () => {
    const rooms: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await server.inject({ method: 'POST', path: `${V3}/createRoom`, accessToken: bob.accessToken, body: { preset: 'public_chat' } });
      assert.equal(res.status, 200, res.text);
      rooms.push(res.json.room_id);
    }
    assert.equal((await memberContent(server, rooms[0]!, bob.userId)).displayname, 'bob', 'createRoom uses the profile');
    assert.equal((await put(`/profile/${bob.userId}/displayname`, { displayname: 'Bobby' }, bob.accessToken)).status, 200);
    assert.equal((await put(`/profile/${bob.userId}/avatar_url`, { avatar_url: 'mxc://localhost/bob' }, bob.accessToken)).status, 200);
    for (const roomId of rooms) {
      const content = await memberContent(server, roomId, bob.userId);
      assert.equal(content.membership, 'join');
      assert.equal(content.displayname, 'Bobby');
      assert.equal(content.avatar_url, 'mxc://localhost/bob');
    }
    assert.equal((await put(`/profile/${bob.userId}/displayname`, { displayname: '' }, bob.accessToken)).status, 200);
    assert.equal((await memberContent(server, rooms[1]!, bob.userId)).displayname, undefined, 'cleared in member events too');
  });
});

describe('presence', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    [alice, bob, carol] = [await registerUser(server, 'alice'), await registerUser(server, 'bob'), await registerUser(server, 'carol')];
  });
  after(async () => { await server.close(); });

  const status = (userId: string, token: string) => server.inject({ method: 'GET', path: `${V3}/presence/${userId}/status`, accessToken: token });

  it('is offline until set; set and read back with status_msg and last_active_ago', async () => {
    assert.deepEqual((await status(alice.userId, alice.accessToken)).json, { presence: 'offline' });
    const res = await server.inject({ method: 'PUT', path: `${V3}/presence/${alice.userId}/status`, accessToken: alice.accessToken, body: { presence: 'online', status_msg: 'Hacking' } });
    assert.equal(res.status, 200);
    const got = (await status(alice.userId, alice.accessToken)).json;
    assert.equal(got.presence, 'online');
    assert.equal(got.status_msg, 'Hacking');
    assert.equal(got.currently_active, true);
    assert.ok(got.last_active_ago >= 0);
    await server.inject({ method: 'PUT', path: `${V3}/presence/${alice.userId}/status`, accessToken: alice.accessToken, body: { presence: 'unavailable' } });
    const away = (await status(alice.userId, alice.accessToken)).json;
    assert.equal(away.presence, 'unavailable');
    assert.equal(away.status_msg, undefined);
    assert.equal(away.currently_active, false);
  });

  it('only room-mates see it; nobody sets it for another; bad states are refused', async () => {
    let res = await status(alice.userId, bob.accessToken);
    assert.equal(res.status, 403);
    const room = await server.inject({ method: 'POST', path: `${V3}/createRoom`, accessToken: alice.accessToken, body: { preset: 'public_chat' } });
    assert.equal(room.status, 200, room.text);
    const join = await server.inject({ method: 'POST', path: `${V3}/join/${encodeURIComponent(room.json.room_id)}`, accessToken: bob.accessToken, body: {} });
    assert.equal(join.status, 200, join.text);
    res = await status(alice.userId, bob.accessToken);
    assert.equal(res.status, 200);
    assert.equal(res.json.presence, 'unavailable');
    assert.equal((await status(alice.userId, carol.accessToken)).status, 403);
    res = await server.inject({ method: 'PUT', path: `${V3}/presence/${alice.userId}/status`, accessToken: bob.accessToken, body: { presence: 'offline' } });
    assert.equal(res.status, 403);
    res = await server.inject({ method: 'PUT', path: `${V3}/presence/${bob.userId}/status`, accessToken: bob.accessToken, body: { presence: 'busy' } });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
    res = await server.inject({ method: 'PUT', path: `${V3}/presence/${bob.userId}/status`, accessToken: bob.accessToken, body: {} });
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
    assert.equal((await status('@ghost:localhost', bob.accessToken)).status, 404);
  });
});

describe('user directory', () => {
  let server: TestServer;
  let users: Record<string, TestUser>;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    users = {};
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) users[name] = await registerUser(server, name);
    const create = async (token: string, body: Record<string, unknown>) => {
      const res = await server.inject({ method: 'POST', path: `${V3}/createRoom`, accessToken: token, body });
      assert.equal(res.status, 200, res.text);
      return res.json.room_id as string;
    };
    const join = async (token: string, roomId: string) => {
      const res = await server.inject({ method: 'POST', path: `${V3}/join/${encodeURIComponent(roomId)}`, accessToken: token, body: {} });
      assert.equal(res.status, 200, res.text);
    };
    // alice and bob share a private room; carol is alone in a public room; dave in a private one alone.
    const priv = await create(users.alice!.accessToken, { preset: 'private_chat', invite: [users.bob!.userId] });
    await join(users.bob!.accessToken, priv);
    await create(users.carol!.accessToken, { preset: 'public_chat' });
    await create(users.dave!.accessToken, { preset: 'private_chat' });
    // frank is alone in an invite-only room whose history is world-readable.
    await create(users.frank!.accessToken, { preset: 'private_chat', initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } }] });
    await server.inject({ method: 'PUT', path: `${V3}/profile/${users.bob!.userId}/displayname`, accessToken: users.bob!.accessToken, body: { displayname: 'Robert Tables' } });
  });
  after(async () => { await server.close(); });

  const search = (token: string, body: Record<string, unknown>) => server.inject({ method: 'POST', path: `${V3}/user_directory/search`, accessToken: token, body });
  const ids = (json: { results: { user_id: string }[] }) => json.results.map((r) => r.user_id).sort();

  it('finds room-mates by id or display name, case-insensitively, and users of public rooms', async () => {
    const alice = users.alice!.accessToken;
    let res = await search(alice, { search_term: 'TABLES' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.results, [{ user_id: '@bob:localhost', display_name: 'Robert Tables' }]);
    assert.equal(res.json.limited, false);
    res = await search(alice, { search_term: 'car' });
    assert.deepEqual(ids(res.json), ['@carol:localhost'], 'carol is in a public room');
    res = await search(alice, { search_term: 'dave' });
    assert.deepEqual(ids(res.json), [], 'dave shares no room and no public room');
    res = await search(users.erin!.accessToken, { search_term: 'bob' });
    assert.deepEqual(ids(res.json), [], 'erin shares nothing with bob');
  });

  it('finds members of world-readable rooms; every word of the term must match, in any order', async () => {
    const alice = users.alice!.accessToken;
    let res = await search(alice, { search_term: 'FRANK' });
    assert.deepEqual(ids(res.json), ['@frank:localhost'], 'frank is in a world_readable room');
    res = await search(alice, { search_term: 'tables robert' });
    assert.deepEqual(ids(res.json), ['@bob:localhost']);
    res = await search(alice, { search_term: 'robert smith' });
    assert.deepEqual(ids(res.json), [], 'one word does not match');
  });

  it('ranks prefix matches first, then users with a profile', async () => {
    const res = await search(users.alice!.accessToken, { search_term: 'r' });
    // prefix of a name or localpart: bob ("Robert"); then substring matches ordered by profile, then id.
    assert.equal(res.json.results[0].user_id, '@bob:localhost');
  });

  it('the searcher finds themself only through a public room, not through a private room they share (as Synapse)', async () => {
    let res = await search(users.alice!.accessToken, { search_term: 'alice' });
    assert.deepEqual(ids(res.json), [], 'alice is only in a private room');
    res = await search(users.bob!.accessToken, { search_term: 'localhost' });
    assert.ok(!ids(res.json).includes('@bob:localhost'));
    assert.ok(ids(res.json).includes('@alice:localhost'), 'the room-mate is found');
    res = await search(users.carol!.accessToken, { search_term: 'carol' });
    assert.deepEqual(ids(res.json), ['@carol:localhost'], 'carol is in a public room, which lists her to everyone');
  });

  it('limits results and says so', async () => {
    const res = await search(users.alice!.accessToken, { search_term: 'localhost', limit: 1 });
    assert.equal(res.json.results.length, 1);
    assert.equal(res.json.limited, true);
    const missing = await search(users.alice!.accessToken, {});
    assert.equal(missing.json.errcode, 'M_MISSING_PARAM');
  });
});
