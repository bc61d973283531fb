// Read paths against spec rules that cut across endpoints: a redacted child event no longer
// relates to its parent (client-server-api#aggregations-of-child-events: "when a child event is
// redacted then the relationship is broken"), on /relations, /threads and in bundled aggregations;
// events of ignored users are not served (client-server-api#ignoring-users), state events excepted;
// /messages tokens at the edges of history behave as clients and Complement expect of Synapse;
// timestamp_to_event (spec v1.6) finds the closest event in either direction.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json as J } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const V1 = '/_matrix/client/v1';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);

let txn = 0;
async function send(user: User, roomId: string, body: string, extra: J = {}, type = 'm.room.message'): Promise<string> {
  const content = type === 'm.room.message' ? { msgtype: 'm.text', body, ...extra } : extra;
  return (await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/send/${type}/rc${++txn}`, content)).event_id as string;
}
async function redact(user: User, roomId: string, eventId: string): Promise<string> {
  return (await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/redact/${enc(eventId)}/rd${++txn}`, {})).event_id as string;
}
const ids = (chunk: J[]): string[] => chunk.map((e) => e.event_id as string);

let alice: User;
let bob: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
});
after(async () => { await server.close(); });

describe('redacted child events break their relationship', () => {
  test('a redacted thread reply, reference or reaction leaves /relations, the bundle and the thread summary', async () => {
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    await ok(bob, 'POST', `${V3}/join/${enc(room)}`, {});
    const root = await send(alice, room, 'root');
    const thread = { 'm.relates_to': { rel_type: 'm.thread', event_id: root } };
    const r1 = await send(bob, room, 'r1', thread);
    const r2 = await send(bob, room, 'r2', thread);
    const ref = await send(bob, room, 'see above', { 'm.relates_to': { rel_type: 'm.reference', event_id: root } });
    const reaction = await send(bob, room, '', { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } }, 'm.reaction');
    const relUrl = `${V1}/rooms/${enc(room)}/relations/${enc(root)}`;
    assert.deepEqual(ids((await ok(alice, 'GET', relUrl)).chunk), [reaction, ref, r2, r1]);

    await redact(bob, room, r2);
    await redact(bob, room, ref);
    await redact(alice, room, reaction);
    assert.deepEqual(ids((await ok(alice, 'GET', relUrl)).chunk), [r1], 'redacted children are no longer related');
    assert.deepEqual(ids((await ok(alice, 'GET', `${relUrl}/m.thread`)).chunk), [r1]);
    assert.deepEqual(ids((await ok(alice, 'GET', `${relUrl}/m.annotation/m.reaction`)).chunk), []);
    assert.deepEqual(ids((await ok(alice, 'GET', `${relUrl}?recurse=true`)).chunk), [r1]);

    const ev = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`);
    const bundle = ev.unsigned['m.relations'];
    assert.equal(bundle['m.thread'].count, 1);
    assert.equal(bundle['m.thread'].latest_event.event_id, r1, 'the latest unredacted reply');
    assert.equal(bundle['m.reference'], undefined, 'the only reference was redacted');

    const threads = await ok(alice, 'GET', `${V1}/rooms/${enc(room)}/threads`);
    assert.deepEqual(ids(threads.chunk), [root]);
    assert.equal(threads.chunk[0].unsigned['m.relations']['m.thread'].latest_event.event_id, r1);

    // every reply redacted: the root is no longer a thread root
    await redact(bob, room, r1);
    const bare = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`);
    assert.equal(bare.unsigned['m.relations'], undefined);
    assert.deepEqual(ids((await ok(alice, 'GET', `${V1}/rooms/${enc(room)}/threads`)).chunk), []);
    // the redacted events themselves are still served (redacted) by id
    const gone = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(r2)}`);
    assert.deepEqual(gone.content, {});
  });

  test('recurse does not reach through a redacted event', async () => {
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    const root = await send(alice, room, 'root');
    const reply = await send(alice, room, 'reply', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    await send(alice, room, '', { 'm.relates_to': { rel_type: 'm.annotation', event_id: reply, key: 'x' } }, 'm.reaction');
    await redact(alice, room, reply);
    const deep = await ok(alice, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}?recurse=true`);
    assert.deepEqual(ids(deep.chunk), []);
  });
});

describe('ignored users (m.ignored_user_list)', () => {
  test('their non-state events leave /messages, /context, /event, /relations and the thread summary; state events stay; un-ignoring brings them back', async () => {
    const carol = await registerUser(server, 'carol');
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    await ok(bob, 'POST', `${V3}/join/${enc(room)}`, {});
    await ok(carol, 'POST', `${V3}/join/${enc(room)}`, {});
    const root = await send(alice, room, 'root');
    const bobMsg = await send(bob, room, 'from bob');
    const bobReply = await send(bob, room, 'bob reply', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const carolReply = await send(carol, room, 'carol reply', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const topic = (await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/state/m.room.topic/`, { topic: 't' })).event_id as string;
    // bob may not set the topic (power), so his state event is a profile change
    await ok(bob, 'PUT', `${V3}/profile/${enc(bob.userId)}/displayname`, { displayname: 'Bobby' });
    const last = await send(carol, room, 'last');
    const ignoreList = `${V3}/user/${enc(alice.userId)}/account_data/m.ignored_user_list`;
    await ok(alice, 'PUT', ignoreList, { ignored_users: { [bob.userId]: {} } });

    const page = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&limit=50`);
    const seen = (page.chunk as J[]);
    assert.ok(!seen.some((e) => e.event_id === bobMsg || e.event_id === bobReply), 'no message of bob');
    assert.ok(seen.some((e) => e.type === 'm.room.member' && e.state_key === bob.userId && e.content.displayname === 'Bobby'), 'his state events stay');
    assert.ok(seen.some((e) => e.event_id === carolReply) && seen.some((e) => e.event_id === topic));
    // others are not affected
    assert.ok((await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&limit=50`)).chunk.some((e: J) => e.event_id === bobMsg));

    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(bobMsg)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(bobMsg)}`, undefined, 404, 'M_NOT_FOUND');
    const ctx = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(last)}?limit=20`);
    assert.ok(!(ctx.events_before as J[]).some((e) => e.sender === bob.userId && e.state_key === undefined));
    assert.deepEqual(ids((await ok(alice, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}`)).chunk), [carolReply]);
    const thread = (await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`)).unsigned['m.relations']['m.thread'];
    assert.equal(thread.count, 1, 'an ignored user\'s reply is not aggregated (spec note on ignored users)');
    assert.equal(thread.latest_event.event_id, carolReply);

    await ok(alice, 'PUT', ignoreList, { ignored_users: {} });
    assert.ok((await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&limit=50`)).chunk.some((e: J) => e.event_id === bobMsg));
    assert.equal((await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(bobMsg)}`)).content.body, 'from bob');
  });
});

describe('/messages at the edges of history', () => {
  test('the last page has an end; the empty page after it has none and its start is the room\'s first position (Complement: findRoomStartToken)', async () => {
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push(await send(alice, room, `m${i}`));
    const url = (q: string) => `${V3}/rooms/${enc(room)}/messages?${q}`;
    // backwards with big pages until a response has no end; its start is where forwards begins
    let from: string | undefined;
    let startToken: string | undefined;
    const backwards: string[] = [];
    for (let i = 0; i < 10 && startToken === undefined; i++) {
      const page = await ok(alice, 'GET', url(`dir=b&limit=8${from !== undefined ? `&from=${enc(from)}` : ''}`));
      backwards.push(...ids(page.chunk));
      if (page.end === undefined) {
        assert.deepEqual(page.chunk, [], 'end is left out only on an empty page');
        startToken = page.start as string;
      } else from = page.end as string;
    }
    assert.ok(startToken !== undefined);
    const forwards: string[] = [];
    from = startToken;
    for (let i = 0; i < 10; i++) {
      const page = await ok(alice, 'GET', url(`dir=f&limit=5&from=${enc(from!)}`));
      forwards.push(...ids(page.chunk));
      if (page.end === undefined) break;
      from = page.end as string;
    }
    assert.deepEqual(forwards, [...backwards].reverse(), 'forwards from the start token sees every event once, the creation events too');
    for (const id of sent) assert.ok(forwards.includes(id));
    // a filter that leaves nothing: an empty chunk at the end of history, no end
    const none = await ok(alice, 'GET', url(`dir=b&limit=5&filter=${enc(JSON.stringify({ types: ['m.nothing'] }))}`));
    assert.deepEqual(none.chunk, []);
    assert.equal(none.end, undefined);
  });
});

describe('/context access', () => {
  test('a non-member of a room that is not world readable is forbidden (403, as Synapse; sytest); a member who may not see the event gets 404', async () => {
    const dave = await registerUser(server, 'dave');
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }] })).room_id as string;
    const early = await send(alice, room, 'before dave');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(early)}`, undefined, 403, 'M_FORBIDDEN');
    await ok(dave, 'POST', `${V3}/join/${enc(room)}`, {});
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(early)}`, undefined, 404, 'M_NOT_FOUND');
    const late = await send(alice, room, 'after dave');
    const ctx = await ok(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(late)}?limit=10`);
    assert.equal(ctx.event.event_id, late);
    assert.ok(!(ctx.events_before as J[]).some((e) => e.event_id === early), 'history before the join stays hidden');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/context/${enc('$unknown')}`, undefined, 404, 'M_NOT_FOUND');
  });
});

describe('/timestamp_to_event (spec v1.6)', () => {
  test('the closest event forwards and backwards, ties by room order, 404 past the ends, 403 for non-members, bad parameters 400', async () => {
    const room = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    const wait = () => new Promise((resolve) => setTimeout(resolve, 5));
    await wait();
    const beforeA = Date.now();
    await wait();
    const a = await send(alice, room, 'A');
    await wait();
    const afterA = Date.now();
    await wait();
    const b = await send(alice, room, 'B');
    await wait();
    const afterB = Date.now();
    const url = (ts: number, dir: string) => `${V1}/rooms/${enc(room)}/timestamp_to_event?ts=${ts}&dir=${dir}`;
    const tsOf = async (id: string) => (await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(id)}`)).origin_server_ts as number;

    const fwd = await ok(alice, 'GET', url(beforeA, 'f'));
    assert.deepEqual(fwd, { event_id: a, origin_server_ts: await tsOf(a) });
    assert.equal((await ok(alice, 'GET', url(afterA, 'f'))).event_id, b);
    assert.equal((await ok(alice, 'GET', url(afterB, 'b'))).event_id, b);
    assert.equal((await ok(alice, 'GET', url(afterA, 'b'))).event_id, a);
    assert.equal((await ok(alice, 'GET', url(await tsOf(a), 'f'))).event_id, a, 'an event exactly at ts counts');
    await fails(alice, 'GET', url(afterB + 60_000, 'f'), undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'GET', url(1000, 'b'), undefined, 404, 'M_NOT_FOUND');
    // forwards from the room's first timestamp: the create event (first of the events sharing it)
    const created = (await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=f&limit=1`)).chunk[0] as J;
    assert.equal(created.type, 'm.room.create');
    assert.equal((await ok(alice, 'GET', url(created.origin_server_ts as number, 'f'))).event_id, created.event_id);

    const outsider = await registerUser(server, 'outsider');
    await fails(outsider, 'GET', url(beforeA, 'f'), undefined, 403, 'M_FORBIDDEN');
    await fails(alice, 'GET', `${V1}/rooms/${enc(room)}/timestamp_to_event?dir=f`, undefined, 400, 'M_MISSING_PARAM');
    await fails(alice, 'GET', `${V1}/rooms/${enc(room)}/timestamp_to_event?ts=${beforeA}`, undefined, 400, 'M_MISSING_PARAM');
    await fails(alice, 'GET', url(beforeA, 'x'), undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V1}/rooms/${enc(room)}/timestamp_to_event?ts=soon&dir=f`, undefined, 400, 'M_INVALID_PARAM');
  });

  test('among events with the same timestamp: forwards the first, backwards the last', async () => {
    let now = 1_800_000_000_000;
    const fixed = await startTestServer({ adapter: 'none', clock: { now: () => now } });
    try {
      const api = apiClient(() => fixed);
      const carol = await registerUser(fixed, 'carol');
      const room = (await api.ok(carol, 'POST', `${V3}/createRoom`, {})).room_id as string;
      now += 1000;
      const same1 = (await api.ok(carol, 'PUT', `${V3}/rooms/${enc(room)}/send/m.room.message/s1`, { msgtype: 'm.text', body: '1' })).event_id;
      const same2 = (await api.ok(carol, 'PUT', `${V3}/rooms/${enc(room)}/send/m.room.message/s2`, { msgtype: 'm.text', body: '2' })).event_id;
      const url = (dir: string) => `${V1}/rooms/${enc(room)}/timestamp_to_event?ts=${now}&dir=${dir}`;
      assert.equal((await api.ok(carol, 'GET', url('f'))).event_id, same1);
      assert.equal((await api.ok(carol, 'GET', url('b'))).event_id, same2);
    } finally {
      await fixed.close();
    }
  });
});
