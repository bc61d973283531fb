// /sync and the ephemeral streams through the composed server (inject, no socket):
// initial and incremental sync, long-poll, limited timelines, lazy-loaded members,
// invite/leave sections, typing, receipts, read markers, to-device, filters and errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';
import { eventsPositionOf } from '../../src/sync/tokens.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;

const { call, ok } = apiClient(() => server);

async function sync(user: TestUser, query: Record<string, string> = {}): Promise<Json> {
  const qs = new URLSearchParams(query).toString();
  return ok(user, 'GET', `${V3}/sync${qs ? `?${qs}` : ''}`);
}

let txn = 0;
async function send(user: TestUser, roomId: string, body: string): Promise<string> {
  const r = await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/t${++txn}`, { msgtype: 'm.text', body });
  return r.event_id as string;
}

async function createRoom(user: TestUser, extra: Json = {}): Promise<string> {
  return (await ok(user, 'POST', `${V3}/createRoom`, { preset: 'public_chat', ...extra })).room_id as string;
}

const bodies = (events: Json[]): string[] => events.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  carol = await registerUser(server, 'carol');
});
after(async () => { await server.close(); });

describe('initial and incremental sync', () => {
  test('an initial sync shows a created room with its state and timeline', async () => {
    const roomId = await createRoom(alice, { name: 'Garden' });
    await send(alice, roomId, 'hello garden');
    const res = await sync(alice);
    assert.equal(typeof res.next_batch, 'string');
    const room = res.rooms.join[roomId];
    assert.ok(room, 'room in rooms.join');
    const timeline = room.timeline.events as Json[];
    assert.deepEqual(bodies(timeline), ['hello garden']);
    // Timeline events are in client format (no PDU internals, no room_id in sync).
    const last = timeline.at(-1)!;
    assert.equal(last.sender, alice.userId);
    assert.equal(typeof last.event_id, 'string');
    assert.equal(typeof last.origin_server_ts, 'number');
    assert.equal(last.room_id, undefined);
    assert.equal(last.prev_events, undefined);
    assert.equal(last.signatures, undefined);
    // State plus timeline together hold the room's creation and name.
    const all = [...room.state.events, ...timeline] as Json[];
    assert.ok(all.some((e) => e.type === 'm.room.create'));
    assert.ok(all.some((e) => e.type === 'm.room.name' && e.content.name === 'Garden'));
    assert.ok(all.some((e) => e.type === 'm.room.member' && e.state_key === alice.userId));
    assert.equal(room.summary['m.joined_member_count'], 1);
    assert.deepEqual(room.unread_notifications, { notification_count: 0, highlight_count: 0 });
  });

  test('an incremental sync returns only what is new', async () => {
    const roomId = await createRoom(alice);
    await send(alice, roomId, 'before');
    const first = await sync(alice);
    await send(alice, roomId, 'after one');
    await send(alice, roomId, 'after two');
    const second = await sync(alice, { since: first.next_batch });
    const room = second.rooms.join[roomId];
    assert.deepEqual(bodies(room.timeline.events), ['after one', 'after two']);
    assert.equal(room.timeline.limited, false);
    assert.deepEqual(room.state.events, []);
    // Nothing new: the room is left out and the token still works.
    const third = await sync(alice, { since: second.next_batch });
    assert.equal(third.rooms.join[roomId], undefined);
  });

  test('bad since tokens are M_INVALID_PARAM', async () => {
    for (const since of ['nonsense', 's1_2', 's-1_0_0_0_0_0_0', 's1_2_3_4_5_6_7_8']) {
      const r = await call(alice, 'GET', `${V3}/sync?since=${enc(since)}`);
      assert.equal(r.status, 400, since);
      assert.equal(r.json.errcode, 'M_INVALID_PARAM');
    }
    const t = await call(alice, 'GET', `${V3}/sync?timeout=soon`);
    assert.equal(t.status, 400);
    assert.equal(t.json.errcode, 'M_INVALID_PARAM');
  });

  test('sync needs an access token', async () => {
    const r = await server.inject({ method: 'GET', path: `${V3}/sync` });
    assert.equal(r.status, 401);
    assert.equal((r.json as Json).errcode, 'M_MISSING_TOKEN');
  });

  test('full_state sends the whole state again on an incremental sync', async () => {
    const roomId = await createRoom(alice, { name: 'Full' });
    const first = await sync(alice);
    const again = await sync(alice, { since: first.next_batch, full_state: 'true' });
    const room = again.rooms.join[roomId];
    assert.ok(room.state.events.some((e: Json) => e.type === 'm.room.name'));
    assert.ok(room.state.events.some((e: Json) => e.type === 'm.room.create'));
  });
});

describe('long-poll', () => {
  test('a waiting sync wakes when another user sends', async () => {
    const roomId = await createRoom(alice);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const first = await sync(alice);
    const started = Date.now();
    const waiting = sync(alice, { since: first.next_batch, timeout: '10000' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.services.notifier.waiterCount >= 1, true);
    await send(bob, roomId, 'wake up');
    const res = await waiting;
    assert.ok(Date.now() - started < 5000, 'returned before the timeout');
    assert.deepEqual(bodies(res.rooms.join[roomId].timeline.events), ['wake up']);
  });

  test('a waiting sync times out empty when nothing happens', async () => {
    const first = await sync(carol);
    const started = Date.now();
    const res = await sync(carol, { since: first.next_batch, timeout: '300' });
    assert.ok(Date.now() - started >= 250, 'waited');
    assert.deepEqual(res.rooms.join, {});
    assert.deepEqual(res.to_device.events, []);
    assert.equal(server.services.notifier.waiterCount, 0);
  });

  test('events in rooms the user is not in do not end the wait', async () => {
    const first = await sync(carol);
    const other = await createRoom(alice);
    const waiting = sync(carol, { since: first.next_batch, timeout: '300' });
    await send(alice, other, 'not for carol');
    const res = await waiting;
    assert.equal(res.rooms.join[other], undefined);
  });
});

describe('timeline limits', () => {
  test('a small timeline limit gives limited with a prev_batch before the first event', async () => {
    const roomId = await createRoom(alice);
    const first = await sync(alice);
    for (let i = 0; i < 5; i++) await send(alice, roomId, `m${i}`);
    const filter = JSON.stringify({ room: { timeline: { limit: 2 } } });
    const res = await sync(alice, { since: first.next_batch, filter });
    const room = res.rooms.join[roomId];
    assert.deepEqual(bodies(room.timeline.events), ['m3', 'm4']);
    assert.equal(room.timeline.limited, true);
    assert.equal(typeof room.timeline.prev_batch, 'string');
    // prev_batch points just before the first returned event.
    const pos = eventsPositionOf(room.timeline.prev_batch);
    const nextPos = eventsPositionOf(res.next_batch);
    assert.ok(pos !== undefined && nextPos !== undefined && pos === nextPos - 2);
  });

  test('prev_batch continues backwards through /messages without a gap or overlap', async () => {
    const roomId = await createRoom(alice);
    for (let i = 0; i < 6; i++) await send(alice, roomId, `p${i}`);
    const res = await sync(alice, { filter: JSON.stringify({ room: { timeline: { limit: 3 } } }) });
    const room = res.rooms.join[roomId];
    assert.deepEqual(bodies(room.timeline.events), ['p3', 'p4', 'p5']);
    const page = await ok(alice, 'GET', `${V3}/rooms/${enc(roomId)}/messages?dir=b&limit=3&from=${enc(room.timeline.prev_batch)}`);
    assert.deepEqual(bodies(page.chunk), ['p2', 'p1', 'p0']);
  });

  test('a filter id from /filter is applied', async () => {
    const roomId = await createRoom(alice);
    await send(alice, roomId, 'one');
    await send(alice, roomId, 'two');
    const created = await ok(alice, 'POST', `${V3}/user/${enc(alice.userId)}/filter`, { room: { timeline: { limit: 1, types: ['m.room.message'] } } });
    const res = await sync(alice, { filter: created.filter_id });
    const room = res.rooms.join[roomId];
    assert.deepEqual(room.timeline.events.map((e: Json) => e.content.body), ['two']);
    assert.equal(room.timeline.limited, true);
    const unknown = await call(alice, 'GET', `${V3}/sync?filter=99999`);
    assert.equal(unknown.status, 400);
    const badJson = await call(alice, 'GET', `${V3}/sync?filter=${enc('{"room":')}`);
    assert.equal(badJson.status, 400);
  });

  test('a timeline limit of 0 gives an empty, limited timeline; a negative one is refused', async () => {
    const roomId = await createRoom(alice);
    const res = await sync(alice, { filter: JSON.stringify({ room: { rooms: [roomId], timeline: { limit: 0 } } }) });
    assert.deepEqual(res.rooms.join[roomId].timeline.events, []);
    assert.equal(res.rooms.join[roomId].timeline.limited, true);
    assert.ok(res.rooms.join[roomId].state.events.some((e: Json) => e.type === 'm.room.create'));
    const bad = await call(alice, 'GET', `${V3}/sync?filter=${enc(JSON.stringify({ room: { timeline: { limit: -1 } } }))}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errcode, 'M_INVALID_PARAM');
  });

  test('not_rooms hides a room', async () => {
    const roomId = await createRoom(alice);
    const res = await sync(alice, { filter: JSON.stringify({ room: { not_rooms: [roomId] } }) });
    assert.equal(res.rooms.join[roomId], undefined);
  });
});

describe('lazy-loaded members', () => {
  test('only members of timeline senders, and not twice to one device', async () => {
    const roomId = await createRoom(alice);
    for (const u of [bob, carol]) await ok(u, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await send(bob, roomId, 'bob speaks');
    for (let i = 0; i < 3; i++) await send(alice, roomId, `alice ${i}`);
    const filter = JSON.stringify({ room: { timeline: { limit: 2 }, state: { lazy_load_members: true } } });
    const first = await sync(alice, { filter });
    const room = first.rooms.join[roomId];
    const members = room.state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key);
    assert.deepEqual(members, [alice.userId]);
    // Bob speaks again: his member event arrives once, then not again.
    await send(bob, roomId, 'bob again');
    const second = await sync(alice, { filter, since: first.next_batch });
    const m2 = second.rooms.join[roomId].state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key);
    assert.deepEqual(m2, [bob.userId]);
    await send(bob, roomId, 'bob thrice');
    const third = await sync(alice, { filter, since: second.next_batch });
    assert.deepEqual(third.rooms.join[roomId].state.events.filter((e: Json) => e.type === 'm.room.member'), []);
    // Without lazy loading every member is in the state.
    const full = await sync(alice, { filter: JSON.stringify({ room: { timeline: { limit: 2 } } }) });
    const all = full.rooms.join[roomId].state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key).sort();
    assert.deepEqual(all, [alice.userId, bob.userId, carol.userId].sort());
  });
});

describe('lazy-loaded members with a left room in the same answer', () => {
  test('a new sender\'s member event is sent although a left room is checked against the forgotten list', async () => {
    const erin = await registerUser(server, 'lazy_leaver');
    const frank = await registerUser(server, 'lazy_sender');
    const stay = await createRoom(erin);
    const goodbye = await createRoom(erin);
    await ok(frank, 'POST', `${V3}/join/${enc(stay)}`, {});
    await send(erin, stay, 'erin speaks last');
    // (a one-event timeline: frank's join is not in it, so his member event was never sent;
    // the same filter text both times, so the second sync is answered at once from the cached filter)
    const filter = JSON.stringify({ room: { timeline: { limit: 1 }, state: { lazy_load_members: true } } });
    const first = await sync(erin, { filter });
    assert.deepEqual(first.rooms.join[stay].state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key), [erin.userId]);
    // In one interval: erin leaves a room (a leave section, checked against forgotten rooms)
    // and frank, never sent to erin's device, speaks in the room she stays in.
    await ok(erin, 'POST', `${V3}/rooms/${enc(goodbye)}/leave`, {});
    await send(frank, stay, 'frank speaks');
    const next = await sync(erin, { filter, since: first.next_batch });
    assert.ok(next.rooms.leave[goodbye], 'the left room is in rooms.leave');
    const members = next.rooms.join[stay].state.events.filter((e: Json) => e.type === 'm.room.member').map((e: Json) => e.state_key);
    assert.deepEqual(members, [frank.userId], 'frank\'s member event comes with his message');
  });
});

describe('invite and leave sections', () => {
  test('an invite appears with stripped state, then the room moves to join and to leave', async () => {
    const dave = await registerUser(server, 'dave');
    const roomId = await createRoom(alice, { preset: 'private_chat', name: 'Secret' });
    const start = await sync(dave);
    await ok(alice, 'POST', `${V3}/rooms/${enc(roomId)}/invite`, { user_id: dave.userId });
    const invited = await sync(dave, { since: start.next_batch });
    const inv = invited.rooms.invite[roomId];
    assert.ok(inv, 'in rooms.invite');
    const stripped = inv.invite_state.events as Json[];
    assert.ok(stripped.some((e) => e.type === 'm.room.name' && e.content.name === 'Secret'));
    assert.ok(stripped.some((e) => e.type === 'm.room.member' && e.state_key === dave.userId && e.content.membership === 'invite'));
    assert.ok(stripped.every((e) => e.signatures === undefined && e.prev_events === undefined));

    await ok(dave, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const joined = await sync(dave, { since: invited.next_batch });
    assert.ok(joined.rooms.join[roomId], 'in rooms.join after joining');
    assert.equal(joined.rooms.invite[roomId], undefined);

    await ok(dave, 'POST', `${V3}/rooms/${enc(roomId)}/leave`, {});
    const left = await sync(dave, { since: joined.next_batch });
    const l = left.rooms.leave[roomId];
    assert.ok(l, 'in rooms.leave');
    assert.ok(l.timeline.events.some((e: Json) => e.type === 'm.room.member' && e.state_key === dave.userId && e.content.membership === 'leave'));
    assert.equal(left.rooms.join[roomId], undefined);

    // Initial syncs show left rooms only with include_leave.
    assert.equal((await sync(dave)).rooms.leave[roomId], undefined);
    const withLeave = await sync(dave, { filter: JSON.stringify({ room: { include_leave: true } }) });
    assert.ok(withLeave.rooms.leave[roomId]);
    // A forgotten room stays out.
    await ok(dave, 'POST', `${V3}/rooms/${enc(roomId)}/forget`, {});
    const afterForget = await sync(dave, { filter: JSON.stringify({ room: { include_leave: true } }) });
    assert.equal(afterForget.rooms.leave[roomId], undefined);
  });

  test('a knock appears in rooms.knock; a ban moves the room to rooms.leave', async () => {
    const fred = await registerUser(server, 'fred');
    const roomId = await createRoom(alice, { preset: 'private_chat', name: 'Knockable', initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }] });
    await send(alice, roomId, 'members only');
    const start = await sync(fred);
    await ok(fred, 'POST', `${V3}/knock/${enc(roomId)}`, {});
    const knocked = await sync(fred, { since: start.next_batch });
    const k = knocked.rooms.knock[roomId];
    assert.ok(k, 'in rooms.knock');
    assert.ok(k.knock_state.events.some((e: Json) => e.type === 'm.room.member' && e.state_key === fred.userId && e.content.membership === 'knock'));
    assert.ok(k.knock_state.events.some((e: Json) => e.type === 'm.room.join_rules'));
    assert.equal(knocked.rooms.join[roomId], undefined);

    await ok(alice, 'POST', `${V3}/rooms/${enc(roomId)}/invite`, { user_id: fred.userId });
    await ok(fred, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const joined = await sync(fred, { since: knocked.next_batch });
    // private_chat history is shared: the newly joined member sees what came before.
    assert.deepEqual(bodies(joined.rooms.join[roomId].timeline.events), ['members only']);
    await ok(alice, 'POST', `${V3}/rooms/${enc(roomId)}/ban`, { user_id: fred.userId, reason: 'test' });
    await send(alice, roomId, 'after the ban');
    const banned = await sync(fred, { since: joined.next_batch });
    const l = banned.rooms.leave[roomId];
    assert.ok(l, 'banned rooms are in rooms.leave');
    assert.ok(l.timeline.events.some((e: Json) => e.type === 'm.room.member' && e.state_key === fred.userId && e.content.membership === 'ban'));
    assert.deepEqual(bodies(l.timeline.events), [], 'nothing after the ban');
    assert.equal(banned.rooms.join[roomId], undefined);
  });

  test('history visibility "joined" hides what was sent before the join', async () => {
    const erin = await registerUser(server, 'erin');
    const roomId = await createRoom(alice, { initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'joined' } }] });
    await send(alice, roomId, 'before erin');
    await ok(erin, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await send(alice, roomId, 'after erin');
    const res = await sync(erin);
    assert.deepEqual(bodies(res.rooms.join[roomId].timeline.events), ['after erin']);
    // With shared visibility (public_chat's default) the whole history is visible.
    const shared = await createRoom(alice);
    await send(alice, shared, 'old news');
    await ok(erin, 'POST', `${V3}/join/${enc(shared)}`, {});
    const res2 = await sync(erin);
    assert.deepEqual(bodies(res2.rooms.join[shared].timeline.events), ['old news']);
  });
});

describe('ephemeral events', () => {
  test('typing arrives, then its end', async () => {
    const roomId = await createRoom(alice);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const first = await sync(alice);
    await ok(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { typing: true, timeout: 30000 });
    const s1 = await sync(alice, { since: first.next_batch });
    const typing = s1.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.typing');
    assert.deepEqual(typing.content.user_ids, [bob.userId]);
    await ok(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { typing: false });
    const s2 = await sync(alice, { since: s1.next_batch });
    assert.deepEqual(s2.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.typing').content.user_ids, []);
    // Typing for someone else, or in a room one is not in, is refused.
    assert.equal((await call(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/typing/${enc(alice.userId)}`, { typing: true })).status, 403);
    const other = await createRoom(alice);
    assert.equal((await call(bob, 'PUT', `${V3}/rooms/${enc(other)}/typing/${enc(bob.userId)}`, { typing: true })).status, 403);
    assert.equal((await call(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, {})).status, 400);
  });

  test('typing expires after its timeout', async () => {
    const roomId = await createRoom(alice);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await ok(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { typing: true, timeout: 1500 });
    // (long enough for a loaded machine's initial sync to see it first)
    const s1 = await sync(alice);
    assert.deepEqual(s1.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.typing').content.user_ids, [bob.userId]);
    const s2 = await sync(alice, { since: s1.next_batch, timeout: '8000' });
    assert.deepEqual(s2.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.typing').content.user_ids, []);
  });

  test('receipts: m.read is shared, m.read.private only with oneself, threads kept', async () => {
    const roomId = await createRoom(alice);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const e1 = await send(alice, roomId, 'read me');
    const e2 = await send(alice, roomId, 'read me privately');
    const aliceStart = await sync(alice);
    assert.equal(aliceStart.rooms.join[roomId].unread_notifications.notification_count, 0);
    const bobStart = await sync(bob);
    assert.equal(bobStart.rooms.join[roomId].unread_notifications.notification_count, 2);
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(e1)}`, {});
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read.private/${enc(e2)}`, {});
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(e1)}`, { thread_id: 'main' });
    const a = await sync(alice, { since: aliceStart.next_batch });
    const receipt = a.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.receipt');
    assert.ok(receipt.content[e1]['m.read'][bob.userId].ts > 0);
    assert.equal(receipt.content[e2], undefined, 'private receipt hidden from others');
    const b = await sync(bob, { since: bobStart.next_batch });
    const own = b.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.receipt');
    assert.ok(own.content[e2]['m.read.private'][bob.userId]);
    assert.equal(b.rooms.join[roomId].unread_notifications.notification_count, 0);
    // Threaded receipt: the initial sync carries thread_id.
    const init = await sync(alice);
    const all = init.rooms.join[roomId].ephemeral.events.find((e: Json) => e.type === 'm.receipt');
    assert.equal(all.content[e1]['m.read'][bob.userId].thread_id, 'main');
    // Errors: unknown type, unknown event, not joined.
    assert.equal((await call(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.bogus/${enc(e1)}`, {})).status, 400);
    assert.equal((await call(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc('$nope')}`, {})).status, 404);
    assert.equal((await call(carol, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(e1)}`, {})).status, 403);
  });

  test('unread counts highlight mentions and reset with a read marker', async () => {
    const roomId = await createRoom(alice);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const bobStart = await sync(bob);
    await send(alice, roomId, 'plain');
    const last = await send(alice, roomId, `hey ${bob.userId}`);
    const s = await sync(bob, { since: bobStart.next_batch });
    assert.deepEqual(s.rooms.join[roomId].unread_notifications, { notification_count: 2, highlight_count: 1 });
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/read_markers`, { 'm.fully_read': last, 'm.read': last });
    const s2 = await sync(bob, { since: s.next_batch });
    const room = s2.rooms.join[roomId];
    assert.deepEqual(room.unread_notifications, { notification_count: 0, highlight_count: 0 });
    assert.deepEqual(room.account_data.events, [{ type: 'm.fully_read', content: { event_id: last } }]);
    assert.ok(room.ephemeral.events.find((e: Json) => e.type === 'm.receipt').content[last]['m.read'][bob.userId]);
    // m.fully_read through the receipt endpoint is the same room account data.
    const first = await send(alice, roomId, 'another');
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.fully_read/${enc(first)}`, {});
    const s3 = await sync(bob, { since: s2.next_batch });
    assert.deepEqual(s3.rooms.join[roomId].account_data.events, [{ type: 'm.fully_read', content: { event_id: first } }]);
    // Bad read marker bodies and events of another room.
    assert.equal((await call(bob, 'POST', `${V3}/rooms/${enc(roomId)}/read_markers`, { 'm.read': 5 })).status, 400);
    const elsewhere = await createRoom(alice);
    const foreign = await send(alice, elsewhere, 'not in this room');
    assert.equal((await call(bob, 'POST', `${V3}/rooms/${enc(roomId)}/read_markers`, { 'm.fully_read': foreign })).status, 404);
    assert.equal((await call(bob, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.fully_read/${enc(first)}`, { thread_id: 'main' })).status, 400);
  });
});

describe('presence', () => {
  test('presence of users sharing a room arrives, set_presence marks the syncing user', async () => {
    const gina = await registerUser(server, 'gina');
    const hank = await registerUser(server, 'hank');
    const roomId = await createRoom(gina);
    await ok(hank, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const start = await sync(hank, { set_presence: 'offline' });
    await ok(gina, 'PUT', `${V3}/presence/${enc(gina.userId)}/status`, { presence: 'unavailable', status_msg: 'lunch' });
    const s = await sync(hank, { since: start.next_batch, set_presence: 'offline' });
    const p = s.presence.events.find((e: Json) => e.sender === gina.userId);
    assert.ok(p, 'gina presence');
    assert.equal(p.type, 'm.presence');
    assert.equal(p.content.presence, 'unavailable');
    assert.equal(p.content.status_msg, 'lunch');
    // Syncing with set_presence=online (the default) makes the user online for others.
    const g0 = await sync(gina);
    await sync(hank, { since: s.next_batch });
    const g1 = await sync(gina, { since: g0.next_batch });
    assert.equal(g1.presence.events.find((e: Json) => e.sender === hank.userId)?.content.presence, 'online');
    assert.equal((await call(hank, 'GET', `${V3}/sync?set_presence=busy`)).status, 400);
  });
});

describe('presence of newly shared users', () => {
  test('a user who joins a shared room (never synced, no presence yet) shows up, offline, in the next incremental sync; a newly joined room brings its members', async () => {
    const ivy = await registerUser(server, 'ivy-pres');
    const jon = await registerUser(server, 'jon-pres');
    const kim = await registerUser(server, 'kim-pres');
    const roomId = await createRoom(ivy);
    const start = await sync(ivy, { set_presence: 'offline' });
    await ok(jon, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const s1 = await sync(ivy, { since: start.next_batch, set_presence: 'offline' });
    assert.deepEqual(s1.presence.events.filter((e: Json) => e.sender === jon.userId), [{ type: 'm.presence', sender: jon.userId, content: { presence: 'offline' } }]);
    // Only once: the next sync has nothing new about jon.
    await send(ivy, roomId, 'hello jon');
    const s2 = await sync(ivy, { since: s1.next_batch, set_presence: 'offline' });
    assert.equal(s2.presence.events.filter((e: Json) => e.sender === jon.userId).length, 0);
    // The joiner's side: kim joins the room and sees both members' presence.
    const k0 = await sync(kim, { set_presence: 'offline' });
    await ok(kim, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const k1 = await sync(kim, { since: k0.next_batch, set_presence: 'offline' });
    const senders = (k1.presence.events as Json[]).map((e) => e.sender).sort();
    assert.deepEqual(senders, [ivy.userId, jon.userId].sort());
    // A presence filter still applies.
    const k2 = await sync(kim, { since: k0.next_batch, set_presence: 'offline', filter: JSON.stringify({ presence: { not_senders: [jon.userId] } }) });
    assert.deepEqual((k2.presence.events as Json[]).map((e) => e.sender), [ivy.userId]);
  });
});

describe('account data and to-device', () => {
  test('global and room account data arrive in sync', async () => {
    const roomId = await createRoom(alice);
    const first = await sync(alice);
    await ok(alice, 'PUT', `${V3}/user/${enc(alice.userId)}/account_data/org.example.pref`, { a: 1 });
    await ok(alice, 'PUT', `${V3}/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/org.example.room`, { b: 2 });
    const s = await sync(alice, { since: first.next_batch });
    assert.deepEqual(s.account_data.events, [{ type: 'org.example.pref', content: { a: 1 } }]);
    assert.deepEqual(s.rooms.join[roomId].account_data.events, [{ type: 'org.example.room', content: { b: 2 } }]);
  });

  test('to-device messages are delivered, then deleted once acknowledged', async () => {
    const start = await sync(bob);
    await ok(alice, 'PUT', `${V3}/sendToDevice/org.example.ping/tx1`, { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } });
    // The same transaction id is not delivered twice.
    await ok(alice, 'PUT', `${V3}/sendToDevice/org.example.ping/tx1`, { messages: { [bob.userId]: { [bob.deviceId]: { n: 1 } } } });
    await ok(alice, 'PUT', `${V3}/sendToDevice/org.example.ping/tx2`, { messages: { [bob.userId]: { '*': { n: 2 } } } });
    const s1 = await sync(bob, { since: start.next_batch });
    assert.deepEqual(s1.to_device.events, [
      { sender: alice.userId, type: 'org.example.ping', content: { n: 1 } },
      { sender: alice.userId, type: 'org.example.ping', content: { n: 2 } },
    ]);
    // Repeating the old since (the response was lost) delivers them again.
    const again = await sync(bob, { since: start.next_batch });
    assert.equal(again.to_device.events.length, 2);
    // The next since acknowledges: gone for good.
    const s2 = await sync(bob, { since: s1.next_batch });
    assert.deepEqual(s2.to_device.events, []);
    const inbox = await server.services.store.read((tx) => server.services.store.toDevice.inbox(tx, bob.userId, bob.deviceId, 0, 10));
    assert.equal(inbox.length, 0);
    // Bad bodies.
    assert.equal((await call(alice, 'PUT', `${V3}/sendToDevice/x/tx3`, {})).status, 400);
    assert.equal((await call(alice, 'PUT', `${V3}/sendToDevice/x/tx4`, { messages: { bob: { d: {} } } })).status, 400);
  });

  test('to-device transaction ids are scoped to the device and the event type (spec v1.7 "Transaction identifiers")', async () => {
    const erin = await registerUser(server, 'erin-todev');
    const fred = await registerUser(server, 'fred-todev');
    const start = await sync(erin);
    const to = { messages: { [erin.userId]: { [erin.deviceId]: { n: 1 } } } };
    await ok(fred, 'PUT', `${V3}/sendToDevice/org.example.a/shared-txn`, to);
    // A new access token for the same device is the same client: a retry, not delivered again.
    const fredAgain = await loginUser(server, fred.userId, fred.password, { device_id: fred.deviceId });
    await ok(fredAgain, 'PUT', `${V3}/sendToDevice/org.example.a/shared-txn`, to);
    // The same id on another endpoint (event type) or from another device is a new request.
    await ok(fredAgain, 'PUT', `${V3}/sendToDevice/org.example.b/shared-txn`, to);
    const fredLaptop = await loginUser(server, fred.userId, fred.password);
    await ok(fredLaptop, 'PUT', `${V3}/sendToDevice/org.example.a/shared-txn`, to);
    const res = await sync(erin, { since: start.next_batch });
    assert.deepEqual((res.to_device.events as Json[]).map((e) => e.type), ['org.example.a', 'org.example.b', 'org.example.a']);
  });

  test('a to-device message wakes a waiting sync', async () => {
    const start = await sync(carol);
    const waiting = sync(carol, { since: start.next_batch, timeout: '10000' });
    await new Promise((r) => setTimeout(r, 30));
    await ok(alice, 'PUT', `${V3}/sendToDevice/org.example.ping/wake`, { messages: { [carol.userId]: { [carol.deviceId]: { hi: true } } } });
    const res = await waiting;
    assert.equal(res.to_device.events.length, 1);
  });
});

describe('transaction ids', () => {
  test('only the sending device sees unsigned.transaction_id on its own events', async () => {
    const dave = await registerUser(server, 'dave-txn');
    const daveLaptop = await loginUser(server, dave.userId, dave.password);
    const roomId = await createRoom(dave);
    await ok(carol, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const sent = await ok(dave, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/local-echo-1`, { msgtype: 'm.text', body: 'echo me' });
    const eventId = sent.event_id as string;
    const find = (res: Json): Json | undefined =>
      (res.rooms?.join?.[roomId]?.timeline?.events as Json[] | undefined)?.find((e) => e.event_id === eventId);

    const own = find(await sync(dave));
    assert.ok(own, 'the sender sees its event');
    assert.equal(own.unsigned?.transaction_id, 'local-echo-1');
    // A new access token for the same device (as after a refresh) is the same client (spec v1.7: device scope).
    const sameDevice = await loginUser(server, dave.userId, dave.password, { device_id: dave.deviceId });
    assert.equal(find(await sync(sameDevice))?.unsigned?.transaction_id, 'local-echo-1');
    for (const other of [daveLaptop, carol]) {
      const e = find(await sync(other));
      assert.ok(e, `${other.userId} ${other.deviceId} sees the event`);
      assert.equal(e.unsigned?.transaction_id, undefined, `${other.userId} ${other.deviceId} must not get the transaction id`);
    }
  });
});

describe('unsigned.membership (spec v1.11: the requesting user\'s membership at the event)', () => {
  test('timelines of joined and left rooms carry it, initial and incremental, cached or not', async () => {
    const owner = await registerUser(server, 'mem-owner');
    const guest = await registerUser(server, 'mem-guest');
    const roomId = await createRoom(owner, { initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'shared' } }] });
    await send(owner, roomId, 'before the join');
    await ok(guest, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await send(owner, roomId, 'after the join');
    const timeline = (res: Json, section = 'join'): Json[] => res.rooms[section][roomId].timeline.events as Json[];
    const memberships = (events: Json[]): [string, unknown][] =>
      events.filter((e) => e.type === 'm.room.message' || (e.type === 'm.room.member' && e.state_key === guest.userId))
        .map((e) => [e.type === 'm.room.message' ? e.content.body : e.content.membership, e.unsigned?.membership]);

    const first = await sync(guest);
    assert.deepEqual(memberships(timeline(first)), [['before the join', 'leave'], ['join', 'join'], ['after the join', 'join']]);
    // Another user's view of the same (shared, cached) events carries that user's own membership.
    // (m.room.create precedes the creator's join: 'leave' there.)
    const ownerView = timeline(await sync(owner));
    assert.deepEqual(ownerView.map((e) => [e.type, e.unsigned?.membership]).slice(0, 2), [['m.room.create', 'leave'], ['m.room.member', 'join']]);
    assert.ok(ownerView.slice(1).every((e) => e.unsigned?.membership === 'join'), JSON.stringify(ownerView.map((e) => e.unsigned)));

    await send(owner, roomId, 'incremental');
    for (let i = 0; i < 2; i++) { // the second answer comes from the timeline cache's serialized events
      const next = await sync(guest, { since: first.next_batch });
      assert.deepEqual(memberships(timeline(next)), [['incremental', 'join']]);
    }

    const joined = await sync(guest);
    await ok(guest, 'POST', `${V3}/rooms/${enc(roomId)}/leave`, {});
    const left = await sync(guest, { since: joined.next_batch });
    assert.deepEqual(memberships(timeline(left, 'leave')), [['leave', 'leave']]);
  });
});

describe('event_format: federation', () => {
  test('a filter asking for the federation format gets the PDUs (auth_events, prev_events, hashes, signatures, depth) with event_id and unsigned', async () => {
    const owner = await registerUser(server, 'fedfmt-owner');
    const roomId = await createRoom(owner, { name: 'Raw' });
    const eventId = await send(owner, roomId, 'as received');
    const check = (room: Json): void => {
      const tl = room.timeline.events as Json[];
      const msg = tl.find((e) => e.event_id === eventId)!;
      assert.ok(msg, 'the message, with its event_id');
      for (const k of ['auth_events', 'prev_events', 'hashes', 'signatures', 'depth', 'room_id', 'origin_server_ts', 'sender', 'content']) assert.ok(k in msg, `${k} in ${JSON.stringify(msg)}`);
      assert.equal(msg.content.body, 'as received');
      assert.equal(typeof msg.unsigned.age, 'number');
      const name = [...room.state.events, ...tl].find((e: Json) => e.type === 'm.room.name');
      assert.ok(name && 'prev_events' in name && 'auth_events' in name, 'state events too');
    };
    const inline = await sync(owner, { filter: JSON.stringify({ event_format: 'federation' }) });
    check(inline.rooms.join[roomId]);
    const filterId = (await ok(owner, 'POST', `${V3}/user/${enc(owner.userId)}/filter`, { event_format: 'federation', room: { timeline: { limit: 5 } } })).filter_id as string;
    await send(owner, roomId, 'later');
    const stored = await sync(owner, { filter: filterId, since: inline.next_batch });
    const later = (stored.rooms.join[roomId].timeline.events as Json[]).at(-1)!;
    assert.equal(later.content.body, 'later');
    assert.ok(Array.isArray(later.prev_events) && later.prev_events.length > 0 && later.hashes?.sha256 !== undefined);
    // The client format (the default) is unchanged.
    const plain = (await sync(owner)).rooms.join[roomId].timeline.events as Json[];
    assert.ok(plain.every((e) => !('prev_events' in e) && !('signatures' in e) && !('room_id' in e)));
    assert.equal((await call(owner, 'GET', `${V3}/sync?filter=${enc(JSON.stringify({ event_format: 'raw' }))}`)).status, 400);
  });
});

describe('unread_thread_notifications (spec v1.4, threading: notifications)', () => {
  test('with the filter flag, counts split into the main timeline and each thread, each read by its own receipts', async () => {
    const poster = await registerUser(server, 'thr-poster');
    const reader = await registerUser(server, 'thr-reader');
    const roomId = await createRoom(poster);
    await ok(reader, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const root = await send(poster, roomId, 'root');
    const inThread = async (body: string): Promise<string> => (await ok(poster, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/thr${++txn}`, {
      msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: root } },
    })).event_id as string;
    await inThread('first reply');
    const second = await inThread(`second reply for ${reader.userId}`);
    const main = await send(poster, roomId, 'main after');
    const threaded = JSON.stringify({ room: { timeline: { unread_thread_notifications: true } } });
    const counts = async (filter?: string): Promise<Json> => {
      const room = (await sync(reader, filter ? { filter } : {})).rooms.join[roomId];
      return { main: room.unread_notifications, threads: room.unread_thread_notifications };
    };
    // Without the flag: one count for the whole room, no per-thread object.
    assert.deepEqual(await counts(), { main: { notification_count: 4, highlight_count: 1 }, threads: undefined });
    assert.deepEqual(await counts(threaded), {
      main: { notification_count: 2, highlight_count: 0 },
      threads: { [root]: { notification_count: 2, highlight_count: 1 } },
    });
    // A receipt in the thread reads the thread only.
    await ok(reader, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(second)}`, { thread_id: root });
    assert.deepEqual(await counts(threaded), { main: { notification_count: 2, highlight_count: 0 }, threads: undefined });
    // A main-timeline receipt reads the main timeline.
    await ok(reader, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(main)}`, { thread_id: 'main' });
    assert.deepEqual(await counts(threaded), { main: { notification_count: 0, highlight_count: 0 }, threads: undefined });
    // An unthreaded receipt reads every thread up to it.
    await inThread('third reply');
    assert.equal((await counts(threaded)).threads?.[root]?.notification_count, 1);
    const latest = await send(poster, roomId, 'latest');
    await ok(reader, 'POST', `${V3}/rooms/${enc(roomId)}/receipt/m.read/${enc(latest)}`, {});
    assert.deepEqual(await counts(threaded), { main: { notification_count: 0, highlight_count: 0 }, threads: undefined });
  });
});

describe('device_lists for newly shared and no longer shared users (spec: e2e extensions to sync)', () => {
  test('a joiner appears in changed, a user no longer sharing any room in left', async () => {
    const host = await registerUser(server, 'dl-host');
    const joiner = await registerUser(server, 'dl-joiner');
    const other = await registerUser(server, 'dl-other');
    const enc1 = [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }];
    const r1 = await createRoom(host, { initial_state: enc1 });
    const r2 = await createRoom(host, { initial_state: enc1 });
    await ok(other, 'POST', `${V3}/join/${enc(r2)}`, {});
    const h0 = await sync(host);
    const j0 = await sync(joiner);
    await ok(joiner, 'POST', `${V3}/join/${enc(r1)}`, {});
    // The joiner's side: the members of the room it joined.
    assert.ok((await sync(joiner, { since: j0.next_batch })).device_lists.changed.includes(host.userId));
    const h1 = await sync(host, { since: h0.next_batch });
    assert.ok(h1.device_lists.changed.includes(joiner.userId), JSON.stringify(h1.device_lists));
    assert.ok(!h1.device_lists.changed.includes(other.userId));
    // The joiner leaves its only shared room: left.
    await ok(joiner, 'POST', `${V3}/rooms/${enc(r1)}/leave`, {});
    const h2 = await sync(host, { since: h1.next_batch });
    assert.deepEqual(h2.device_lists.left, [joiner.userId]);
    // The syncing user leaving a room: its members no longer shared are left, the others are not.
    await ok(other, 'POST', `${V3}/join/${enc(r1)}`, {});
    const h3 = await sync(host, { since: h2.next_batch });
    assert.ok(h3.device_lists.changed.includes(other.userId), 'other now shares r1 too (a new shared room: changed, allowed by the spec note)');
    await ok(host, 'POST', `${V3}/rooms/${enc(r2)}/leave`, {});
    const h4 = await sync(host, { since: h3.next_batch });
    assert.deepEqual(h4.device_lists.left, [], 'other still shares r1');
    const o0 = await sync(other);
    await ok(host, 'POST', `${V3}/rooms/${enc(r1)}/leave`, {});
    const o1 = await sync(other, { since: o0.next_batch });
    assert.deepEqual(o1.device_lists.left, [host.userId]);
    const h5 = await sync(host, { since: h4.next_batch });
    assert.deepEqual(h5.device_lists.left, [other.userId]);
  });
});

describe('use_state_after (spec v1.16)', () => {
  test('state_after carries the state up to the end of the timeline, state is omitted; without it nothing changes', async () => {
    const owner = await registerUser(server, 'sa-owner');
    const member = await registerUser(server, 'sa-member');
    const roomId = await createRoom(owner, { name: 'Before' });
    await ok(member, 'POST', `${V3}/join/${enc(roomId)}`, {});
    const first = await sync(member, { use_state_after: 'true' });
    const room0 = first.rooms.join[roomId];
    assert.equal(room0.state, undefined, 'state is omitted');
    const types0 = (room0.state_after.events as Json[]).map((e) => `${e.type}|${e.state_key}`);
    // All state up to the end of the timeline, the member's own join (in the timeline) included.
    for (const k of ['m.room.create|', 'm.room.name|', `m.room.member|${member.userId}`, `m.room.member|${owner.userId}`]) assert.ok(types0.includes(k), `${k} in ${types0}`);

    // A state change inside an unlimited incremental timeline is in state_after too.
    await ok(owner, 'PUT', `${V3}/rooms/${enc(roomId)}/state/m.room.topic/`, { topic: 'new topic' });
    const s1 = await sync(member, { since: first.next_batch, use_state_after: 'true' });
    const r1 = s1.rooms.join[roomId];
    assert.equal(r1.timeline.limited, false);
    assert.ok((r1.timeline.events as Json[]).some((e) => e.type === 'm.room.topic'));
    assert.deepEqual((r1.state_after.events as Json[]).map((e) => [e.type, e.content.topic]), [['m.room.topic', 'new topic']]);
    // Only messages: state_after is present and empty.
    await send(owner, roomId, 'just talk');
    const s2 = await sync(member, { since: s1.next_batch, use_state_after: 'true' });
    assert.deepEqual(s2.rooms.join[roomId].state_after, { events: [] });
    assert.equal(s2.rooms.join[roomId].state, undefined);
    // Without the parameter: state (up to the timeline's start), no state_after.
    const plain = await sync(member, { since: first.next_batch });
    assert.deepEqual(plain.rooms.join[roomId].state, { events: [] });
    assert.equal(plain.rooms.join[roomId].state_after, undefined);
    assert.equal((await call(member, 'GET', `${V3}/sync?use_state_after=yes`)).status, 400);
    // A left room (include_leave) is shaped the same way.
    await ok(member, 'POST', `${V3}/rooms/${enc(roomId)}/leave`, {});
    const s3 = await sync(member, { since: s2.next_batch, use_state_after: 'true' });
    const left = s3.rooms.leave[roomId];
    assert.equal(left.state, undefined);
    assert.ok((left.state_after.events as Json[]).some((e) => e.type === 'm.room.member' && e.state_key === member.userId && e.content.membership === 'leave'));
  });
});
