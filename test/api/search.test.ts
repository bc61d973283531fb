// POST /search, room_events (client-server-api#server-side-search), as Complement's TestSearch
// and Element use it: by body, with context, paginated, without redacted events, only in rooms
// the user is in and only what they may see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json as J } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);
let alice: User;
let bob: User;
let txn = 0;

async function send(user: User, roomId: string, body: string): Promise<string> {
  return (await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/s${++txn}`, { msgtype: 'm.text', body })).event_id as string;
}
async function createRoom(user: User, body: J = { preset: 'private_chat' }): Promise<string> {
  return (await ok(user, 'POST', `${V3}/createRoom`, body)).room_id as string;
}
function search(user: User, roomEvents: J, nextBatch?: string): Promise<J> {
  const q = nextBatch === undefined ? '' : `?next_batch=${enc(nextBatch)}`;
  return ok(user, 'POST', `${V3}/search${q}`, { search_categories: { room_events: roomEvents } });
}

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
});
after(async () => { await server.close(); });

describe('POST /search room_events', () => {
  test('finds an event by body (every word of the term begins a word of the body, any case)', async () => {
    const room = await createRoom(alice);
    const id = await send(alice, room, 'hello, world');
    await send(alice, room, 'something else');
    const res = (await search(alice, { keys: ['content.body'], search_term: 'hello', filter: { rooms: [room] } })).search_categories.room_events;
    assert.equal(res.count, 1);
    assert.equal(res.results[0].result.event_id, id);
    assert.equal(res.results[0].result.room_id, room);
    assert.equal(res.results[0].result.content.body, 'hello, world');
    assert.equal(typeof res.results[0].rank, 'number');
    assert.equal(res.next_batch, undefined);
    const partial = (await search(alice, { search_term: 'WOR HEL', filter: { rooms: [room] } })).search_categories.room_events;
    assert.deepEqual(partial.results.map((r: J) => r.result.event_id), [id]);
    const none = (await search(alice, { search_term: 'hello nobody', filter: { rooms: [room] } })).search_categories.room_events;
    assert.equal(none.count, 0);
    assert.deepEqual(none.results, []);
  });

  test('context around a result: events_before newest first, events_after oldest first', async () => {
    const room = await createRoom(alice);
    for (let i = 1; i <= 7; i++) await send(alice, room, `Message number ${i}`);
    const res = (await search(alice, {
      keys: ['content.body'], search_term: 'Message 4', order_by: 'recent',
      filter: { limit: 1, rooms: [room] }, event_context: { before_limit: 2, after_limit: 2 },
    })).search_categories.room_events;
    assert.equal(res.count, 1);
    const [hit] = res.results as J[];
    assert.equal(hit!.result.content.body, 'Message number 4');
    assert.deepEqual(hit!.context.events_before.map((e: J) => e.content.body), ['Message number 3', 'Message number 2']);
    assert.deepEqual(hit!.context.events_after.map((e: J) => e.content.body), ['Message number 5', 'Message number 6']);
    assert.equal(typeof hit!.context.start, 'string');
    const back = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&limit=1&from=${enc(hit!.context.start)}`);
    assert.equal(back.chunk[0].content.body, 'Message number 1', 'context tokens paginate on');
  });

  test('pages with next_batch, newest first (order_by recent), count is the total', async () => {
    const room = await createRoom(alice);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await send(alice, room, `Message number ${i}`));
    const body = { keys: ['content.body'], search_term: 'Message', order_by: 'recent', filter: { limit: 10, rooms: [room] } };
    const p1 = (await search(alice, body)).search_categories.room_events;
    assert.equal(p1.count, 20);
    assert.deepEqual(p1.results.map((r: J) => r.result.event_id), ids.slice(10).reverse());
    assert.equal(typeof p1.next_batch, 'string');
    const p2 = (await search(alice, body, p1.next_batch)).search_categories.room_events;
    assert.deepEqual(p2.results.map((r: J) => r.result.event_id), ids.slice(0, 10).reverse());
    assert.equal(p2.next_batch, undefined);
    await fails(alice, 'POST', `${V3}/search?next_batch=bogus`, { search_categories: { room_events: body } }, 400, 'M_INVALID_PARAM');
  });

  for (const orderBy of ['rank', 'recent']) {
    test(`redacted events are not found (order_by ${orderBy})`, async () => {
      const room = await createRoom(alice);
      const gone = await send(alice, room, 'This message is going to be redacted');
      const kept = await send(alice, room, 'This message is not going to be redacted');
      await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/redact/${enc(gone)}/r-${orderBy}`, { reason: 'testing' });
      const res = (await search(alice, { keys: ['content.body'], order_by: orderBy, search_term: 'redacted', filter: { rooms: [room] } })).search_categories.room_events;
      assert.deepEqual(res.results.map((r: J) => r.result.event_id), [kept]);
    });
  }

  test('only rooms the user is in, only what they may see; names and topics by key; filters apply', async () => {
    const secret = await createRoom(alice);
    await send(alice, secret, 'zebra in the secret room');
    const shared = await createRoom(alice, { preset: 'public_chat', name: 'Zebra crossing', topic: 'all about zebras' });
    await ok(alice, 'PUT', `${V3}/rooms/${enc(shared)}/state/m.room.history_visibility/`, { history_visibility: 'joined' });
    await send(alice, shared, 'zebra before bob');
    await ok(bob, 'POST', `${V3}/join/${enc(shared)}`, {});
    const after1 = await send(alice, shared, 'zebra after bob joined');
    const bobs = (await search(bob, { search_term: 'zebra', keys: ['content.body'] })).search_categories.room_events;
    assert.deepEqual(bobs.results.map((r: J) => r.result.event_id), [after1], 'not the secret room, not history before the join');
    const names = (await search(bob, { search_term: 'zebra', keys: ['content.name', 'content.topic'] })).search_categories.room_events;
    assert.deepEqual(names.results.map((r: J) => r.result.type).sort(), ['m.room.name', 'm.room.topic']);
    const bySender = (await search(alice, { search_term: 'zebra', keys: ['content.body'], filter: { senders: [bob.userId] } })).search_categories.room_events;
    assert.equal(bySender.count, 0);
    const notRooms = (await search(alice, { search_term: 'zebra', keys: ['content.body'], filter: { not_rooms: [shared] } })).search_categories.room_events;
    assert.deepEqual(notRooms.results.map((r: J) => r.result.room_id), [secret]);
  });

  test('bad requests', async () => {
    await fails(alice, 'POST', `${V3}/search`, {}, 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${V3}/search`, { search_categories: { room_events: {} } }, 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${V3}/search`, { search_categories: { room_events: { search_term: 'x', keys: ['content.nope'] } } }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'POST', `${V3}/search`, { search_categories: { room_events: { search_term: 'x', filter: { rooms: 'x' } } } }, 400, 'M_INVALID_PARAM');
    assert.deepEqual(await ok(alice, 'POST', `${V3}/search`, { search_categories: {} }), { search_categories: {} });
  });
});
