// Account data (global and per room), room tags and sync filters, through the client API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';
const ROOM = '!somewhere:localhost';

describe('account data', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
    bob = await registerUser(server, 'bob');
  });
  after(async () => { await server.close(); });

  const req = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, body?: Record<string, unknown>, token = alice.accessToken) =>
    server.inject({ method, path: `${V3}${path}`, accessToken: token, ...(body !== undefined ? { body } : {}) });

  it('global: put, get, replace; unknown types are 404', async () => {
    const path = `/user/${alice.userId}/account_data/org.example.settings`;
    assert.equal((await req('GET', path)).status, 404);
    assert.equal((await req('PUT', path, { theme: 'dark', n: [1, 2] })).status, 200);
    assert.deepEqual((await req('GET', path)).json, { theme: 'dark', n: [1, 2] });
    await req('PUT', path, { theme: 'light' });
    assert.deepEqual((await req('GET', path)).json, { theme: 'light' });
    const dm = `/user/${alice.userId}/account_data/m.direct`;
    assert.equal((await req('PUT', dm, { [bob.userId]: [ROOM] })).status, 200);
    assert.deepEqual((await req('GET', dm)).json, { [bob.userId]: [ROOM] });
  });

  it('per room, kept apart from global and from other rooms', async () => {
    const path = `/user/${alice.userId}/rooms/${ROOM}/account_data/org.example.note`;
    assert.equal((await req('PUT', path, { text: 'here' })).status, 200);
    assert.deepEqual((await req('GET', path)).json, { text: 'here' });
    assert.equal((await req('GET', `/user/${alice.userId}/account_data/org.example.note`)).status, 404);
    assert.equal((await req('GET', `/user/${alice.userId}/rooms/!other:localhost/account_data/org.example.note`)).status, 404);
  });

  it('only for yourself; server-controlled types are 405 M_BAD_JSON; bad room ids and bodies refused', async () => {
    let res = await req('PUT', `/user/${alice.userId}/account_data/org.example.x`, { a: 1 }, bob.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.json.errcode, 'M_FORBIDDEN');
    res = await req('GET', `/user/${alice.userId}/account_data/org.example.settings`, undefined, bob.accessToken);
    assert.equal(res.status, 403);
    res = await req('PUT', `/user/${alice.userId}/rooms/${ROOM}/account_data/m.fully_read`, { event_id: '$x' });
    assert.equal(res.status, 405);
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    res = await req('PUT', `/user/${alice.userId}/account_data/m.push_rules`, { global: {} });
    assert.equal(res.status, 405);
    res = await req('PUT', `/user/${alice.userId}/rooms/not-a-room/account_data/org.example.x`, { a: 1 });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
    res = await server.inject({ method: 'PUT', path: `${V3}/user/${alice.userId}/account_data/org.example.x`, accessToken: alice.accessToken, body: '[1,2]' });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    res = await server.inject({ method: 'GET', path: `${V3}/user/${alice.userId}/account_data/org.example.settings` });
    assert.equal(res.json.errcode, 'M_MISSING_TOKEN');
  });

  it('server-managed types are still read as normal: m.push_rules (the defaults before any change, then the changed rules)', async () => {
    let res = await req('GET', `/user/${alice.userId}/account_data/m.push_rules`);
    assert.equal(res.status, 200, res.text);
    const viaPushRulesApi = await req('GET', '/pushrules/');
    assert.deepEqual(res.json, viaPushRulesApi.json);
    assert.ok(res.json.global.override.some((r: { rule_id: string }) => r.rule_id === '.m.rule.master'));
    assert.equal((await req('PUT', '/pushrules/global/content/mine', { pattern: 'cake', actions: ['notify'] })).status, 200);
    res = await req('GET', `/user/${alice.userId}/account_data/m.push_rules`);
    assert.ok(res.json.global.content.some((r: { rule_id: string }) => r.rule_id === 'mine'));
    assert.deepEqual(res.json, (await req('GET', '/pushrules/')).json);
    res = await req('GET', `/user/${alice.userId}/account_data/m.push_rules`, undefined, bob.accessToken);
    assert.equal(res.status, 403, 'still only your own');
  });

  it('each write lands on the account_data stream (what /sync reads)', async () => {
    const { store } = server.services;
    const before = await store.read((tx) => store.accountData.all(tx, alice.userId));
    const high = Math.max(0, ...before.map((e) => e.streamPos));
    await req('PUT', `/user/${alice.userId}/account_data/org.example.stream`, { v: 1 });
    const since = await store.read((tx) => store.accountData.since(tx, alice.userId, high));
    assert.deepEqual(since.map((e) => [e.roomId, e.type]), [[null, 'org.example.stream']]);
  });
});

describe('tags', () => {
  let server: TestServer;
  let alice: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
  });
  after(async () => { await server.close(); });

  const base = () => `${V3}/user/${alice.userId}/rooms/${ROOM}/tags`;

  it('put, list, delete; stored as the m.tag room account data', async () => {
    assert.deepEqual((await server.inject({ method: 'GET', path: base(), accessToken: alice.accessToken })).json, { tags: {} });
    let res = await server.inject({ method: 'PUT', path: `${base()}/m.favourite`, accessToken: alice.accessToken, body: { order: 0.25 } });
    assert.equal(res.status, 200);
    await server.inject({ method: 'PUT', path: `${base()}/u.work`, accessToken: alice.accessToken, body: {} });
    res = await server.inject({ method: 'GET', path: base(), accessToken: alice.accessToken });
    assert.deepEqual(res.json, { tags: { 'm.favourite': { order: 0.25 }, 'u.work': {} } });
    res = await server.inject({ method: 'GET', path: `${V3}/user/${alice.userId}/rooms/${ROOM}/account_data/m.tag`, accessToken: alice.accessToken });
    assert.deepEqual(res.json, { tags: { 'm.favourite': { order: 0.25 }, 'u.work': {} } });
    res = await server.inject({ method: 'DELETE', path: `${base()}/m.favourite`, accessToken: alice.accessToken });
    assert.equal(res.status, 200);
    res = await server.inject({ method: 'DELETE', path: `${base()}/never.set`, accessToken: alice.accessToken });
    assert.equal(res.status, 200);
    res = await server.inject({ method: 'GET', path: base(), accessToken: alice.accessToken });
    assert.deepEqual(res.json, { tags: { 'u.work': {} } });
  });

  it('order must be a number; other users are refused', async () => {
    let res = await server.inject({ method: 'PUT', path: `${base()}/m.lowpriority`, accessToken: alice.accessToken, body: { order: 'first' } });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    const bob = await registerUser(server, 'bob');
    res = await server.inject({ method: 'PUT', path: `${base()}/m.lowpriority`, accessToken: bob.accessToken, body: {} });
    assert.equal(res.status, 403);
    res = await server.inject({ method: 'GET', path: base(), accessToken: bob.accessToken });
    assert.equal(res.status, 403);
  });
});

describe('filters', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice');
    bob = await registerUser(server, 'bob');
  });
  after(async () => { await server.close(); });

  const filter = {
    event_fields: ['type', 'content', 'sender'],
    event_format: 'client',
    presence: { types: ['m.presence'], limit: 10 },
    room: {
      rooms: [ROOM],
      include_leave: false,
      timeline: { limit: 20, lazy_load_members: true, not_types: ['m.room.member'] },
      state: { lazy_load_members: true },
    },
    'org.example.extension': { kept: true },
  };

  it('uploads and reads back a filter as given', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/user/${alice.userId}/filter`, accessToken: alice.accessToken, body: filter });
    assert.equal(res.status, 200);
    assert.equal(typeof res.json.filter_id, 'string');
    assert.ok(!res.json.filter_id.startsWith('{'), 'filter ids must not start with {');
    const got = await server.inject({ method: 'GET', path: `${V3}/user/${alice.userId}/filter/${res.json.filter_id}`, accessToken: alice.accessToken });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, filter);
    assert.deepEqual(await server.services.users.getFilter(alice.userId, res.json.filter_id), filter);
    const second = await server.inject({ method: 'POST', path: `${V3}/user/${alice.userId}/filter`, accessToken: alice.accessToken, body: {} });
    assert.notEqual(second.json.filter_id, res.json.filter_id);
  });

  it('filters are per user; unknown ids are 404', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/user/${alice.userId}/filter`, accessToken: alice.accessToken, body: {} });
    let got = await server.inject({ method: 'GET', path: `${V3}/user/${bob.userId}/filter/${res.json.filter_id}`, accessToken: bob.accessToken });
    assert.equal(got.status, 404);
    got = await server.inject({ method: 'GET', path: `${V3}/user/${alice.userId}/filter/${res.json.filter_id}`, accessToken: bob.accessToken });
    assert.equal(got.status, 403);
    got = await server.inject({ method: 'POST', path: `${V3}/user/${alice.userId}/filter`, accessToken: bob.accessToken, body: {} });
    assert.equal(got.status, 403);
    for (const id of ['999999', 'abc', '-1']) {
      got = await server.inject({ method: 'GET', path: `${V3}/user/${alice.userId}/filter/${id}`, accessToken: alice.accessToken });
      assert.equal(got.status, 404, id);
      assert.equal(got.json.errcode, 'M_NOT_FOUND');
    }
  });

  it('rejects filters of the wrong shape, naming the field', async () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ event_format: 'xml' }, 'M_INVALID_PARAM', 'event_format'],
      [{ room: { timeline: { limit: 'ten' } } }, 'M_BAD_JSON', 'room.timeline.limit'],
      [{ room: { rooms: '!a:b' } }, 'M_BAD_JSON', 'room.rooms'],
      [{ presence: { not_senders: [1] } }, 'M_BAD_JSON', 'presence.not_senders[0]'],
      [{ room: { state: { lazy_load_members: 'yes' } } }, 'M_BAD_JSON', 'room.state.lazy_load_members'],
      [{ event_fields: 'type' }, 'M_BAD_JSON', 'event_fields'],
      // lists of ids must hold ids (sytest "Check creating invalid filters returns 4xx")
      [{ room: { timeline: { rooms: ['not_a_room_id'] } } }, 'M_INVALID_PARAM', 'room.timeline.rooms[0]'],
      [{ room: { not_rooms: ['#alias:localhost'] } }, 'M_INVALID_PARAM', 'room.not_rooms[0]'],
      [{ room: { timeline: { senders: ['not_a_sender_id'] } } }, 'M_INVALID_PARAM', 'room.timeline.senders[0]'],
      [{ presence: { not_senders: ['bob'] } }, 'M_INVALID_PARAM', 'presence.not_senders[0]'],
    ];
    for (const [body, errcode, field] of bad) {
      const res = await server.inject({ method: 'POST', path: `${V3}/user/${alice.userId}/filter`, accessToken: alice.accessToken, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.errcode, errcode, JSON.stringify(body));
      assert.ok(res.json.error.includes(field), `${res.json.error} names ${field}`);
    }
  });
});
