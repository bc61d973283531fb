// Sync filter event_fields (spec: Filter.event_fields, appendices#dot-separated-property-paths)
// and the state filter's limit: what a client sees in /sync's state and timeline, whether
// the timeline came from the cached serialized events or not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';
import { parseFieldPath, projectEvent } from '../../src/sync/filter.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { call, ok } = apiClient(() => server);

const sync = (user: TestUser, query: Record<string, string>): Promise<Json> => ok(user, 'GET', `${V3}/sync?${new URLSearchParams(query).toString()}`);

let alice: TestUser;
let roomId: string;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', name: 'Fields' })).room_id;
  await ok(alice, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/t1`, {
    msgtype: 'm.text', body: 'hello', 'm.relates_to': { rel_type: 'm.x', event_id: '$x' }, 'a\\b': 1,
  });
});
after(async () => { await server.close(); });

describe('dot-separated paths', () => {
  test('dots and backslashes escape with a backslash; other escapes stay', () => {
    assert.deepEqual(parseFieldPath('content.body'), ['content', 'body']);
    assert.deepEqual(parseFieldPath('content.m\\.relates_to'), ['content', 'm.relates_to']);
    assert.deepEqual(parseFieldPath('content.m\\\\foo'), ['content', 'm\\foo']);
    assert.deepEqual(parseFieldPath('content.\\x'), ['content', '\\x']);
    assert.deepEqual(parseFieldPath('type'), ['type']);
  });

  test('projection keeps what is named, skips what is absent, never touches the event', () => {
    const ev = { type: 't', content: { body: 'b', n: { deep: 1, other: 2 } }, sender: '@s:x' };
    const before = JSON.stringify(ev);
    const out = projectEvent(ev, [['content', 'n', 'deep'], ['content'], ['content', 'n', 'deep'], ['missing', 'x'], ['type', 'x']]);
    assert.deepEqual(JSON.parse(JSON.stringify(out)), { content: { body: 'b', n: { deep: 1, other: 2 } } });
    assert.equal(JSON.stringify(ev), before);
    const proto = projectEvent(JSON.parse('{"content":{"__proto__":{"polluted":1}}}') as Json, [['content', '__proto__', 'polluted']]);
    assert.equal(JSON.stringify(proto), '{"content":{"__proto__":{"polluted":1}}}');
    assert.equal(({} as Json).polluted, undefined);
  });
});

describe('/sync with event_fields', () => {
  test('timeline and state events carry only the fields asked for (inline filter, then from the cache)', async () => {
    const filter = JSON.stringify({ event_fields: ['type', 'content.body', 'content.m\\.relates_to.rel_type', 'content.a\\\\b', 'state_key'] });
    for (let round = 0; round < 2; round++) {
      const res = await sync(alice, { filter });
      const room = res.rooms.join[roomId];
      const msg = room.timeline.events.find((e: Json) => e.type === 'm.room.message');
      assert.deepEqual(msg, { type: 'm.room.message', content: { body: 'hello', 'm.relates_to': { rel_type: 'm.x' }, 'a\\b': 1 } });
      const all = [...room.state.events, ...room.timeline.events];
      const name = all.find((e: Json) => e.type === 'm.room.name');
      assert.deepEqual(name, { type: 'm.room.name', state_key: '' }, 'content.body is absent from a name event');
      for (const e of all) assert.equal(e.event_id, undefined);
      assert.ok(typeof res.next_batch === 'string');
    }
    // A sync without the filter still gets whole events (the cache is not cut down).
    const full = await sync(alice, {});
    const msg = full.rooms.join[roomId].timeline.events.find((e: Json) => e.type === 'm.room.message');
    assert.match(msg.event_id, /^\$/);
    assert.equal(msg.sender, alice.userId);
    assert.equal(msg.content.msgtype, 'm.text');
  });

  test('an empty event_fields list gives whole events', async () => {
    const res = await sync(alice, { filter: JSON.stringify({ event_fields: [] }) });
    const msg = res.rooms.join[roomId].timeline.events.find((e: Json) => e.type === 'm.room.message');
    assert.match(msg.event_id, /^\$/);
    assert.equal(msg.content.body, 'hello');
  });

  test('a stored filter with event_fields is applied too', async () => {
    const created = await ok(alice, 'POST', `${V3}/user/${enc(alice.userId)}/filter`, { event_fields: ['event_id', 'sender'], room: { timeline: { limit: 3 } } });
    const res = await sync(alice, { filter: created.filter_id });
    for (const e of res.rooms.join[roomId].timeline.events) assert.deepEqual(Object.keys(e).sort(), ['event_id', 'sender']);
  });

  test('event_fields that is not a list of strings is M_INVALID_PARAM (inline) or M_BAD_JSON (stored)', async () => {
    const bad = await call(alice, 'GET', `${V3}/sync?filter=${enc(JSON.stringify({ event_fields: 'type' }))}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errcode, 'M_INVALID_PARAM');
    const stored = await call(alice, 'POST', `${V3}/user/${enc(alice.userId)}/filter`, { event_fields: [1] });
    assert.equal(stored.status, 400);
    assert.equal(stored.json.errcode, 'M_BAD_JSON');
  });
});

describe('/sync state filter limit', () => {
  test('the state section holds at most `limit` events', async () => {
    const whole = await sync(alice, { filter: JSON.stringify({ room: { timeline: { limit: 1 } } }) });
    assert.ok(whole.rooms.join[roomId].state.events.length > 2);
    const res = await sync(alice, { filter: JSON.stringify({ room: { timeline: { limit: 1 }, state: { limit: 2 } } }) });
    assert.equal(res.rooms.join[roomId].state.events.length, 2);
  });
});
