// /sync serves timelines from per-room windows of cached client JSON (src/sync/timeline-cache.ts)
// and extends unread counts instead of recounting (src/sync/unread.ts). Each test first syncs so
// the caches hold the events, then changes them and checks what a later incremental sync shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, type Json } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { encodeJson, encodeSyncResponse, RawJson } from '../../src/sync/raw-json.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';

const FILTER = JSON.stringify({ room: { timeline: { limit: 20 } } });

describe('/sync from cached timelines', () => {
  let server: TestServer;
  const api = apiClient(() => server);
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let R: string;

  const sync = (user: TestUser, since?: string, filter = FILTER): Promise<Json> =>
    api.ok(user, 'GET', `/_matrix/client/v3/sync?${new URLSearchParams({ timeout: '0', filter, ...(since ? { since } : {}) })}`);
  const send = async (user: TestUser, txn: string, content: Record<string, unknown>, type = 'm.room.message'): Promise<string> =>
    (await api.ok(user, 'PUT', `/_matrix/client/v3/rooms/${R}/send/${type}/${txn}`, content)).event_id as string;
  const timeline = (body: Json): Json[] => body.rooms.join[roomId]?.timeline.events ?? [];

  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'ct_alice');
    bob = await registerUser(server, 'ct_bob');
    roomId = (await api.ok(alice, 'POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' })).room_id;
    R = encodeURIComponent(roomId);
    await api.ok(bob, 'POST', `/_matrix/client/v3/join/${R}`, {});
  });
  after(async () => { await server?.close(); });

  it('an event redacted after it was served shows redacted in the next incremental sync', async () => {
    const start = (await sync(bob)).next_batch as string;
    const id = await send(alice, 'red1', { msgtype: 'm.text', body: 'secret' });
    await send(alice, 'red2', { msgtype: 'm.text', body: 'after' });
    // Served (and cached) twice, as the same token rotates.
    for (let i = 0; i < 2; i++) assert.equal(timeline(await sync(bob, start)).find((e) => e.event_id === id)?.content.body, 'secret');
    const redaction = (await api.ok(alice, 'PUT', `/_matrix/client/v3/rooms/${R}/redact/${encodeURIComponent(id)}/r1`, { reason: 'oops' })).event_id;
    const again = timeline(await sync(bob, start)).find((e) => e.event_id === id);
    assert.ok(again, 'still in the timeline');
    assert.deepEqual(again.content, {});
    assert.equal(again.unsigned.redacted_because.event_id, redaction);
  });

  it('an edit after the original was served is bundled in the next sync', async () => {
    const start = (await sync(bob)).next_batch as string;
    const id = await send(alice, 'ed1', { msgtype: 'm.text', body: 'typo' });
    assert.equal(timeline(await sync(bob, start)).find((e) => e.event_id === id)?.unsigned['m.relations'], undefined);
    const edit = await send(alice, 'ed2', { msgtype: 'm.text', body: '* fixed', 'm.new_content': { msgtype: 'm.text', body: 'fixed' }, 'm.relates_to': { rel_type: 'm.replace', event_id: id } });
    const original = timeline(await sync(bob, start)).find((e) => e.event_id === id);
    assert.equal(original?.unsigned['m.relations']?.['m.replace']?.event_id, edit);
  });

  it('unsigned.age is computed per response and transaction_id reaches only the sending device', async () => {
    const aliceOther = await loginUser(server, alice.userId, alice.password);
    const start = (await sync(alice)).next_batch as string;
    const id = await send(alice, 'txn-visible', { msgtype: 'm.text', body: 'mine' });
    for (let i = 0; i < 2; i++) {
      const mine = timeline(await sync(alice, start)).find((e) => e.event_id === id);
      assert.equal(mine?.unsigned.transaction_id, 'txn-visible');
      assert.equal(typeof mine?.unsigned.age, 'number');
      assert.equal(timeline(await sync(aliceOther, start)).find((e) => e.event_id === id)?.unsigned.transaction_id, undefined);
      assert.equal(timeline(await sync(bob, start)).find((e) => e.event_id === id)?.unsigned.transaction_id, undefined);
    }
  });

  it('readers with different memberships at an event each get their own unsigned.membership from the cached event', async () => {
    const start = (await sync(bob)).next_batch as string;
    const id = await send(alice, 'before-carol', { msgtype: 'm.text', body: 'before carol joined' });
    const carol = await registerUser(server, 'ct_carol_late');
    await api.ok(carol, 'POST', `/_matrix/client/v3/join/${R}`, {});
    const carolFilter = JSON.stringify({ room: { timeline: { limit: 20 } } });
    // Alternating readers: the cached event is spliced for one membership, then the other, then back.
    let seen: Json | undefined;
    for (let i = 0; i < 3; i++) {
      const forBob = timeline(await sync(bob, start)).find((e) => e.event_id === id);
      const forCarol = timeline(await sync(carol, undefined, carolFilter)).find((e) => e.event_id === id);
      assert.equal(forBob?.unsigned.membership, 'join');
      // spec (v1.11): a user with no membership at the event's time reads "leave"
      assert.equal(forCarol?.unsigned.membership, 'leave');
      const bobRest = { ...forBob, unsigned: undefined };
      const carolRest = { ...forCarol, unsigned: undefined };
      assert.deepEqual(carolRest, bobRest);
      if (seen !== undefined) assert.deepEqual(bobRest, seen);
      seen = bobRest;
    }
  });

  it('a rotating since token sees the same limited timeline from the cache as from the store', async () => {
    const tokens: string[] = [(await sync(bob)).next_batch];
    for (let i = 0; i < 30; i++) {
      await send(alice, `rot${i}`, { msgtype: 'm.text', body: `line ${i}` });
      if (i % 5 === 4) tokens.push((await sync(bob, tokens.at(-1))).next_batch);
    }
    const bodies = (b: Json): string[] => timeline(b).map((e) => e.content.body as string);
    const first = await sync(bob, tokens[0]);
    assert.equal(first.rooms.join[roomId].timeline.limited, true);
    assert.deepEqual(bodies(first), Array.from({ length: 20 }, (_, i) => `line ${i + 10}`));
    const recent = await sync(bob, tokens.at(-2));
    assert.equal(recent.rooms.join[roomId].timeline.limited, false);
    assert.deepEqual(bodies(recent), ['line 25', 'line 26', 'line 27', 'line 28', 'line 29']);
    // A larger limit than the window was made for reads further back.
    const wide = await sync(bob, tokens[0], JSON.stringify({ room: { timeline: { limit: 28 } } }));
    assert.deepEqual(bodies(wide), Array.from({ length: 28 }, (_, i) => `line ${i + 2}`));
    // Nothing new: the room is left out.
    assert.equal((await sync(bob, (await sync(bob, tokens.at(-1))).next_batch)).rooms.join[roomId], undefined);
  });

  it('a filter that hides most events still finds the matching ones behind a cached window', async () => {
    const start = (await sync(bob)).next_batch as string;
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 0) await api.ok(alice, 'PUT', `/_matrix/client/v3/rooms/${R}/state/m.room.topic/`, { topic: `topic ${i}` });
      else await send(alice, `hidden${i}`, { msgtype: 'm.text', body: `hidden ${i}` });
    }
    await sync(bob, start); // the window is made for the default filter
    const topics = JSON.stringify({ room: { timeline: { limit: 3, types: ['m.room.topic'] } } });
    const body = await sync(bob, start, topics);
    assert.deepEqual(timeline(body).map((e) => e.content.topic), ['topic 10', 'topic 20', 'topic 30']);
    assert.equal(body.rooms.join[roomId].timeline.limited, true);
  });

  it('a user in many rooms gets exactly the rooms with new events (one read of the stream)', async () => {
    const carol = await registerUser(server, 'ct_carol');
    const rooms: string[] = [];
    for (let i = 0; i < 12; i++) rooms.push((await api.ok(carol, 'POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat' })).room_id);
    const start = (await sync(carol)).next_batch as string;
    for (const i of [2, 7, 11]) {
      await api.ok(carol, 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(rooms[i]!)}/send/m.room.message/many${i}`, { msgtype: 'm.text', body: `in ${i}` });
    }
    const body = await sync(carol, start);
    assert.deepEqual(Object.keys(body.rooms.join).sort(), [rooms[2], rooms[7], rooms[11]].sort());
    assert.equal(body.rooms.join[rooms[7]!].timeline.events[0].content.body, 'in 7');
    // A token older than many events (more than the user's rooms): every room read on its own, same answer.
    const everything = await sync(carol, undefined);
    assert.equal(Object.keys(everything.rooms.join).length, 12);
    assert.deepEqual(Object.keys((await sync(carol, everything.next_batch)).rooms.join), []);
  });

  it('unread counts grow with new messages and reset with a read receipt, after being cached', async () => {
    const start = (await sync(bob)).next_batch as string;
    const counts = async (): Promise<Json> => (await sync(bob, start)).rooms.join[roomId].unread_notifications;
    const a = await send(alice, 'un1', { msgtype: 'm.text', body: 'one' });
    const before = (await counts()).notification_count as number;
    await send(alice, 'un2', { msgtype: 'm.text', body: `hey ${bob.userId}` });
    const grown = await counts();
    assert.equal(grown.notification_count, before + 1);
    assert.ok(grown.highlight_count >= 1);
    const last = await send(alice, 'un3', { msgtype: 'm.text', body: 'three' });
    assert.equal((await counts()).notification_count, before + 2);
    await api.ok(bob, 'POST', `/_matrix/client/v3/rooms/${R}/receipt/m.read/${encodeURIComponent(a)}`, {});
    assert.equal((await counts()).notification_count, 2);
    await api.ok(bob, 'POST', `/_matrix/client/v3/rooms/${R}/receipt/m.read/${encodeURIComponent(last)}`, {});
    assert.deepEqual(await counts(), { notification_count: 0, highlight_count: 0 });
  });

  it('threaded unread counts are extended after being kept, and reset by thread, main and unthreaded receipts', async () => {
    const room = (await api.ok(alice, 'POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' })).room_id as string;
    const r = encodeURIComponent(room);
    await api.ok(bob, 'POST', `/_matrix/client/v3/join/${r}`, {});
    const threaded = JSON.stringify({ room: { timeline: { limit: 5, unread_thread_notifications: true } } });
    const start = (await sync(bob, undefined, threaded)).next_batch as string;
    let n = 0;
    const post = async (body: string, root?: string): Promise<string> => (await api.ok(alice, 'PUT', `/_matrix/client/v3/rooms/${r}/send/m.room.message/thr-${++n}`, {
      msgtype: 'm.text', body, ...(root !== undefined ? { 'm.relates_to': { rel_type: 'm.thread', event_id: root } } : {}),
    })).event_id as string;
    const counts = async (): Promise<Json> => {
      const section = (await sync(bob, start, threaded)).rooms.join[room];
      return { main: section.unread_notifications, threads: section.unread_thread_notifications };
    };
    const root = await post('root');
    await post('reply one', root);
    const second = await post(`reply two for ${bob.userId}`, root);
    await post('main one');
    const first = { main: { notification_count: 2, highlight_count: 0 }, threads: { [root]: { notification_count: 2, highlight_count: 1 } } };
    assert.deepEqual(await counts(), first);
    assert.deepEqual(await counts(), first, 'the same answer from the kept counts');
    // New events after the kept position are added to the right counts.
    await post('reply three', root);
    const mainTwo = await post('main two');
    assert.deepEqual(await counts(), { main: { notification_count: 3, highlight_count: 0 }, threads: { [root]: { notification_count: 3, highlight_count: 1 } } });
    // A receipt in the thread reads that thread up to it, and nothing else.
    await api.ok(bob, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read/${encodeURIComponent(second)}`, { thread_id: root });
    assert.deepEqual(await counts(), { main: { notification_count: 3, highlight_count: 0 }, threads: { [root]: { notification_count: 1, highlight_count: 0 } } });
    await post(`reply four for ${bob.userId}`, root);
    assert.deepEqual(await counts(), { main: { notification_count: 3, highlight_count: 0 }, threads: { [root]: { notification_count: 2, highlight_count: 1 } } });
    // A main-timeline receipt reads the main timeline only.
    await api.ok(bob, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read/${encodeURIComponent(mainTwo)}`, { thread_id: 'main' });
    assert.deepEqual(await counts(), { main: { notification_count: 0, highlight_count: 0 }, threads: { [root]: { notification_count: 2, highlight_count: 1 } } });
    // An unthreaded receipt on the latest event reads everything.
    const latest = await post('main three');
    await api.ok(bob, 'POST', `/_matrix/client/v3/rooms/${r}/receipt/m.read/${encodeURIComponent(latest)}`, {});
    assert.deepEqual(await counts(), { main: { notification_count: 0, highlight_count: 0 }, threads: undefined });
    // The sender's own events never count.
    await api.ok(bob, 'PUT', `/_matrix/client/v3/rooms/${r}/send/m.room.message/own-1`, { msgtype: 'm.text', body: 'mine', 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    assert.deepEqual(await counts(), { main: { notification_count: 0, highlight_count: 0 }, threads: undefined });
  });

  it('a since token at the current position answers with nothing for the rooms', async () => {
    const now = (await sync(bob)).next_batch as string;
    const body = await sync(bob, now);
    assert.equal(body.next_batch, now);
    assert.deepEqual(body.rooms, { join: {}, invite: {}, leave: {}, knock: {} });
    await send(alice, 'after-empty', { msgtype: 'm.text', body: 'new' });
    assert.equal(timeline(await sync(bob, now)).at(-1)?.content.body, 'new');
  });
});

describe('response text assembled from RawJson pieces', () => {
  it('matches JSON.stringify of the same data', () => {
    const data = {
      next_batch: 's1_2_3_4_5_6_7',
      rooms: { join: { '!a"b:x': { timeline: { events: new RawJson('[{"type":"m.room.message","content":{"body":"é\\n"}}]'), limited: false, prev_batch: 's0' }, state: { events: [] } } }, invite: {}, leave: {}, knock: {} },
      presence: { events: [{ content: { s: '\u0001\ud800', n: NaN, list: [1, undefined] }, skip: undefined }] },
      device_one_time_keys_count: {},
    };
    const expected = JSON.stringify(data); // RawJson.toJSON parses its text back
    assert.equal(encodeSyncResponse(data), expected);
    assert.equal(encodeJson(data), expected);
    assert.deepEqual(JSON.parse(expected).rooms.join['!a"b:x'].timeline.events, [{ type: 'm.room.message', content: { body: 'é\n' } }]);
  });
});
