// The room read endpoints through the composed server (inject, no socket): state,
// members, joined rooms, /messages pagination, context, event by id, history
// visibility for users who join later or leave, relations with bundled aggregations,
// aliases and the local room directory, and every error case.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json as J } from '../helpers/client.js';
import { loginUser, registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const PASSWORD = 'correct horse battery';
const { call, ok, fails } = apiClient(() => server);
const register = (name: string): Promise<User> => registerUser(server, name, PASSWORD);
const V1 = '/_matrix/client/v1';






const enc = encodeURIComponent;
let txn = 0;
async function send(user: User, roomId: string, body: string, extra: J = {}, type = 'm.room.message'): Promise<string> {
  const j = await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/send/${type}/t${++txn}`, { msgtype: 'm.text', body, ...extra });
  return j.event_id as string;
}
async function createRoom(user: User, body: J = {}): Promise<string> {
  return (await ok(user, 'POST', `${V3}/createRoom`, body)).room_id as string;
}
async function setHistory(user: User, roomId: string, hv: string): Promise<void> {
  await ok(user, 'PUT', `${V3}/rooms/${enc(roomId)}/state/m.room.history_visibility/`, { history_visibility: hv });
}
async function join(user: User, roomId: string): Promise<void> {
  await ok(user, 'POST', `${V3}/join/${enc(roomId)}`, {});
}
function bodies(chunk: J[]): string[] {
  return chunk.filter((e) => e.type === 'm.room.message').map((e) => e.content.body as string);
}
async function messages(user: User, roomId: string, q: string): Promise<J> {
  return ok(user, 'GET', `${V3}/rooms/${enc(roomId)}/messages?${q}`);
}

let alice: User;
let bob: User;
let carol: User;
let dave: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await register('alice');
  bob = await register('bob');
  carol = await register('carol');
  dave = await register('dave');
});
after(async () => { await server.close(); });

describe('state and members', () => {
  let room: string;
  before(async () => {
    room = await createRoom(alice, { preset: 'public_chat', name: 'Readers', topic: 'books' });
    await join(bob, room);
    await ok(alice, 'POST', `${V3}/rooms/${enc(room)}/invite`, { user_id: carol.userId });
  });

  test('GET /state lists the current state in the client format', async () => {
    const state = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state`) as unknown as J[];
    assert.ok(Array.isArray(state));
    const name = state.find((e) => e.type === 'm.room.name');
    assert.deepEqual(name?.content, { name: 'Readers' });
    assert.equal(name?.state_key, '');
    assert.equal(name?.room_id, room);
    assert.equal(typeof name?.unsigned.age, 'number');
    for (const e of state) {
      assert.equal(e.auth_events, undefined);
      assert.equal(e.signatures, undefined);
      assert.equal(typeof e.event_id, 'string');
    }
    assert.ok(state.some((e) => e.type === 'm.room.create'));
  });

  test('GET /state/{type}/{key}: content, format=event, 404 and 403', async () => {
    assert.equal((await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.topic/`)).topic, 'books');
    assert.equal((await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.topic`)).topic, 'books');
    const ev = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.member/${enc(bob.userId)}?format=event`);
    assert.equal(ev.type, 'm.room.member');
    assert.equal(ev.content.membership, 'join');
    assert.equal(ev.sender, bob.userId);
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.avatar/`, undefined, 404, 'M_NOT_FOUND');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.topic/`, undefined, 403, 'M_FORBIDDEN');
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.topic/?format=bogus`, undefined, 400, 'M_INVALID_PARAM');
  });

  test('a changed state event carries prev_content', async () => {
    await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/state/m.room.topic/`, { topic: 'more books' });
    const ev = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.topic/?format=event`);
    assert.deepEqual(ev.content, { topic: 'more books' });
    assert.equal(ev.unsigned.prev_content.topic, 'books');
    assert.equal(typeof ev.unsigned.replaces_state, 'string');
  });

  test('/members with membership and not_membership; /joined_members; /joined_rooms', async () => {
    const all = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members`)).chunk as J[];
    assert.deepEqual(all.map((e) => e.state_key).sort(), [alice.userId, bob.userId, carol.userId].sort());
    const joined = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members?membership=join`)).chunk as J[];
    assert.deepEqual(joined.map((e) => e.state_key).sort(), [alice.userId, bob.userId].sort());
    const notJoined = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members?not_membership=join`)).chunk as J[];
    assert.deepEqual(notJoined.map((e) => e.state_key), [carol.userId]);
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/members?membership=friend`, undefined, 400, 'M_INVALID_PARAM');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/members`, undefined, 403, 'M_FORBIDDEN');

    const jm = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/joined_members`);
    assert.deepEqual(Object.keys(jm.joined).sort(), [alice.userId, bob.userId].sort());
    assert.equal(jm.joined[alice.userId].display_name, 'alice');
    // both keys present, null when unset (Synapse; Complement "joined_members fetches my membership")
    assert.deepEqual(jm.joined[bob.userId], { display_name: 'bob', avatar_url: null });
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/joined_members`, undefined, 403, 'M_FORBIDDEN');

    const jr = await ok(bob, 'GET', `${V3}/joined_rooms`);
    assert.ok((jr.joined_rooms as string[]).includes(room));
    assert.ok(!((await ok(carol, 'GET', `${V3}/joined_rooms`)).joined_rooms as string[]).includes(room));
    await fails(undefined, 'GET', `${V3}/joined_rooms`, undefined, 401, 'M_MISSING_TOKEN');
  });

  test('/members?at= answers the membership at that point', async () => {
    const before = await messages(bob, room, 'dir=b&limit=1');
    await join(carol, room);
    const now = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members?membership=join`)).chunk as J[];
    assert.ok(now.some((e) => e.state_key === carol.userId));
    const then = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members?membership=join&at=${enc(before.start)}`)).chunk as J[];
    assert.ok(!then.some((e) => e.state_key === carol.userId));
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/members?at=nonsense`, undefined, 400, 'M_INVALID_PARAM');
  });

  test('unknown rooms are forbidden, malformed ids invalid', async () => {
    await fails(bob, 'GET', `${V3}/rooms/${enc('!nope:localhost')}/state`, undefined, 403, 'M_FORBIDDEN');
    await fails(bob, 'GET', `${V3}/rooms/notaroom/state`, undefined, 400, 'M_INVALID_PARAM');
  });
});

describe('/messages', () => {
  let room: string;
  const sent: string[] = [];
  before(async () => {
    room = await createRoom(alice, { preset: 'private_chat' });
    for (let i = 0; i < 25; i++) {
      sent.push(await send(alice, room, `m${i}`));
    }
  });

  test('backwards from the end (no from), then on with end tokens, then forwards back', async () => {
    const p1 = await messages(alice, room, 'dir=b&limit=10');
    assert.deepEqual(bodies(p1.chunk), Array.from({ length: 10 }, (_, i) => `m${24 - i}`));
    assert.equal(typeof p1.start, 'string');
    assert.equal(typeof p1.end, 'string');
    assert.equal(p1.chunk[0].room_id, room);
    const p2 = await messages(alice, room, `dir=b&limit=10&from=${enc(p1.end)}`);
    assert.deepEqual(bodies(p2.chunk), Array.from({ length: 10 }, (_, i) => `m${14 - i}`));
    const p3 = await messages(alice, room, `dir=b&limit=100&from=${enc(p2.end)}`);
    assert.deepEqual(bodies(p3.chunk), Array.from({ length: 5 }, (_, i) => `m${4 - i}`));
    assert.ok(p3.chunk.some((e: J) => e.type === 'm.room.create'));
    // A page that reaches the start still has an end (as Synapse); the next one is empty, without.
    const p4 = await messages(alice, room, `dir=b&limit=100&from=${enc(p3.end)}`);
    assert.deepEqual(p4.chunk, []);
    assert.equal(p4.end, undefined, 'no end token at the start of the room');
    // Forwards from p2's end returns p2's events again, oldest first.
    const f = await messages(alice, room, `dir=f&limit=10&from=${enc(p2.end)}`);
    assert.deepEqual(bodies(f.chunk), Array.from({ length: 10 }, (_, i) => `m${5 + i}`));
    const f2 = await messages(alice, room, `dir=f&limit=100&from=${enc(f.end)}`);
    assert.deepEqual(bodies(f2.chunk), Array.from({ length: 10 }, (_, i) => `m${15 + i}`));
    const f3 = await messages(alice, room, `dir=f&limit=100&from=${enc(f2.end)}`);
    assert.deepEqual(f3.chunk, []);
    assert.equal(f3.end, undefined);
  });

  test('to bounds the page; forwards without from starts at the room start', async () => {
    const p1 = await messages(alice, room, 'dir=b&limit=5');
    const page = await messages(alice, room, `dir=b&limit=50&to=${enc(p1.end)}`);
    assert.deepEqual(bodies(page.chunk), ['m24', 'm23', 'm22', 'm21', 'm20']);
    const first = await messages(alice, room, 'dir=f&limit=1');
    assert.equal(first.chunk[0].type, 'm.room.create');
  });

  test('filter: types, not_senders, lazy_load_members', async () => {
    const onlyMessages = await messages(alice, room, `dir=f&limit=100&filter=${enc(JSON.stringify({ types: ['m.room.message'] }))}`);
    assert.equal(onlyMessages.chunk.length, 25);
    const wildcard = await messages(alice, room, `dir=f&limit=100&filter=${enc(JSON.stringify({ types: ['m.room.*'], not_types: ['m.room.message'] }))}`);
    assert.ok(wildcard.chunk.length > 0 && wildcard.chunk.every((e: J) => e.type !== 'm.room.message' && e.type.startsWith('m.room.')));
    const none = await messages(alice, room, `dir=b&limit=10&filter=${enc(JSON.stringify({ not_senders: [alice.userId] }))}`);
    assert.equal(none.chunk.length, 0);
    const lazy = await messages(alice, room, `dir=b&limit=3&filter=${enc(JSON.stringify({ lazy_load_members: true }))}`);
    assert.deepEqual((lazy.state as J[]).map((e) => e.state_key), [alice.userId]);
    assert.equal(lazy.state[0].type, 'm.room.member');
  });

  test("/sync's prev_batch is a /messages from token", async () => {
    const filter = enc(JSON.stringify({ room: { timeline: { limit: 2 } } }));
    const sync = await ok(alice, 'GET', `${V3}/sync?filter=${filter}`);
    const joined = sync.rooms.join[room];
    assert.deepEqual(bodies(joined.timeline.events), ['m23', 'm24']);
    assert.equal(joined.timeline.limited, true);
    const older = await messages(alice, room, `dir=b&limit=3&from=${enc(joined.timeline.prev_batch)}`);
    assert.deepEqual(bodies(older.chunk), ['m22', 'm21', 'm20']);
  });

  test('errors: bad dir, bad tokens, bad limit, bad filter, non-member', async () => {
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=x`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages`, undefined, 400, 'M_MISSING_PARAM');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&from=garbage`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&to=t-1`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&limit=ten`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&filter=%7Bnope`, undefined, 400, 'M_NOT_JSON');
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b&filter=${enc('{"types":"m.room.message"}')}`, undefined, 400, 'M_INVALID_PARAM');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b`, undefined, 403, 'M_FORBIDDEN');
  });

  test('/context: events before and after, state, tokens that paginate on', async () => {
    const target = sent[12]!;
    const ctx = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(target)}?limit=4`);
    assert.equal(ctx.event.event_id, target);
    assert.deepEqual(bodies(ctx.events_before), ['m11', 'm10']);
    assert.deepEqual(bodies(ctx.events_after), ['m13', 'm14']);
    assert.ok((ctx.state as J[]).some((e) => e.type === 'm.room.create'));
    const back = await messages(alice, room, `dir=b&limit=2&from=${enc(ctx.start)}`);
    assert.deepEqual(bodies(back.chunk), ['m9', 'm8']);
    const fwd = await messages(alice, room, `dir=f&limit=2&from=${enc(ctx.end)}`);
    assert.deepEqual(bodies(fwd.chunk), ['m15', 'm16']);
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/context/${enc('$unknown')}`, undefined, 404, 'M_NOT_FOUND');
    // a user who may not read the room is told so (Synapse; sytest '/context/ on non world readable room does not work')
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(target)}`, undefined, 403, 'M_FORBIDDEN');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc('$unknown')}`, undefined, 403, 'M_FORBIDDEN');
  });

  test('/event: found, unknown, other room, not visible', async () => {
    const ev = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(sent[0]!)}`);
    assert.equal(ev.content.body, 'm0');
    assert.equal(ev.sender, alice.userId);
    await fails(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc('$nope')}`, undefined, 404, 'M_NOT_FOUND');
    const other = await createRoom(alice);
    await fails(alice, 'GET', `${V3}/rooms/${enc(other)}/event/${enc(sent[0]!)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(sent[0]!)}`, undefined, 404, 'M_NOT_FOUND');
  });
});

describe('history visibility for users who join later', () => {
  async function scenario(hv: string, inviteBob: boolean): Promise<{ room: string; early: string; afterInvite: string; late: string }> {
    const room = await createRoom(alice, { preset: 'public_chat' });
    await setHistory(alice, room, hv);
    const early = await send(alice, room, `${hv}-early`);
    if (inviteBob) await ok(alice, 'POST', `${V3}/rooms/${enc(room)}/invite`, { user_id: bob.userId });
    const afterInvite = await send(alice, room, `${hv}-after-invite`);
    await join(bob, room);
    const late = await send(alice, room, `${hv}-late`);
    return { room, early, afterInvite, late };
  }

  test('joined: only events from the join on', async () => {
    const s = await scenario('joined', true);
    const page = await messages(bob, s.room, 'dir=b&limit=50');
    assert.deepEqual(bodies(page.chunk), ['joined-late']);
    assert.ok(page.chunk.some((e: J) => e.type === 'm.room.member' && e.state_key === bob.userId));
    await fails(bob, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.early)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.afterInvite)}`, undefined, 404, 'M_NOT_FOUND');
    await ok(bob, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.late)}`);
  });

  test('invited: events from the invite on', async () => {
    const s = await scenario('invited', true);
    const page = await messages(bob, s.room, 'dir=b&limit=50');
    assert.deepEqual(bodies(page.chunk), ['invited-late', 'invited-after-invite']);
    await fails(bob, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.early)}`, undefined, 404, 'M_NOT_FOUND');
  });

  test('shared: everything once joined', async () => {
    const s = await scenario('shared', false);
    const page = await messages(bob, s.room, 'dir=b&limit=50');
    assert.deepEqual(bodies(page.chunk), ['shared-late', 'shared-after-invite', 'shared-early']);
    await ok(bob, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.early)}`);
    // Carol never joined: shared history is not hers to read.
    await fails(carol, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.early)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(carol, 'GET', `${V3}/rooms/${enc(s.room)}/messages?dir=b`, undefined, 403, 'M_FORBIDDEN');
  });

  test('world_readable: readable without joining', async () => {
    const s = await scenario('world_readable', false);
    const page = await messages(dave, s.room, 'dir=b&limit=50');
    assert.deepEqual(bodies(page.chunk), ['world_readable-late', 'world_readable-after-invite', 'world_readable-early']);
    await ok(dave, 'GET', `${V3}/rooms/${enc(s.room)}/event/${enc(s.early)}`);
    const state = await ok(dave, 'GET', `${V3}/rooms/${enc(s.room)}/state`) as unknown as J[];
    assert.ok(state.some((e) => e.type === 'm.room.history_visibility' && e.content.history_visibility === 'world_readable'));
  });

  test('after leaving: nothing newer, and state as of the leave', async () => {
    const room = await createRoom(alice, { preset: 'public_chat', name: 'before' });
    await join(bob, room);
    await send(alice, room, 'while-joined');
    await ok(bob, 'POST', `${V3}/rooms/${enc(room)}/leave`, {});
    const hidden = await send(alice, room, 'after-leave');
    await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/state/m.room.name/`, { name: 'after' });
    const page = await messages(bob, room, 'dir=b&limit=50');
    assert.deepEqual(bodies(page.chunk), ['while-joined']);
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(hidden)}`, undefined, 404, 'M_NOT_FOUND');
    assert.deepEqual(await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/state/m.room.name/`), { name: 'before' });
    const members = (await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/members`)).chunk as J[];
    assert.equal(members.find((e) => e.state_key === bob.userId)?.content.membership, 'leave');
  });
});

describe('relations, bundled aggregations and redactions', () => {
  let room: string;
  let root: string;
  let edit2: string;
  let reply2: string;
  before(async () => {
    room = await createRoom(alice, { preset: 'public_chat' });
    await join(bob, room);
    root = await send(alice, room, 'root');
    const replace = (body: string) => ({ 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } });
    await send(alice, room, '* edit 1', replace('edit 1'));
    // The latest edit is the one with the latest origin_server_ts (ties go to the larger
    // event id, spec): sends take well under a millisecond, so let the clock move on.
    await new Promise((resolve) => setTimeout(resolve, 3));
    edit2 = await send(alice, room, '* edit 2', replace('edit 2'));
    await send(bob, room, '* not allowed', replace('bob edit')); // another sender's edit is ignored
    await send(bob, room, 'r1', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    reply2 = await send(alice, room, 'r2', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    await ok(bob, 'PUT', `${V3}/rooms/${enc(room)}/send/m.reaction/react1`, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } });
  });

  test('the original carries the latest edit and the thread summary; content is not replaced', async () => {
    const ev = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`);
    assert.equal(ev.content.body, 'root');
    const rel = ev.unsigned['m.relations'];
    assert.equal(rel['m.replace'].event_id, edit2);
    assert.equal(rel['m.replace'].content['m.new_content'].body, 'edit 2');
    assert.equal(rel['m.thread'].count, 2);
    assert.equal(rel['m.thread'].latest_event.event_id, reply2);
    assert.equal(rel['m.thread'].current_user_participated, true);
    assert.equal(rel['m.annotation'], undefined, 'annotations are not bundled (spec)');
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(root)}?limit=0`, undefined, 403, 'M_FORBIDDEN');
    const page = await messages(bob, room, 'dir=b&limit=50');
    const inPage = (page.chunk as J[]).find((e) => e.event_id === root);
    assert.equal(inPage?.unsigned['m.relations']['m.replace'].event_id, edit2);
  });

  test('current_user_participated is per user', async () => {
    // carol is not a member of this shared-history room yet
    await fails(carol, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`, undefined, 404, 'M_NOT_FOUND');
    await join(carol, room);
    const seen = await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(root)}`);
    assert.equal(seen.unsigned['m.relations']['m.thread'].current_user_participated, false);
  });

  test('/relations: all, by rel_type, by event type, paginated', async () => {
    const all = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}`);
    assert.equal(all.chunk.length, 6);
    assert.equal(all.chunk[0].type, 'm.reaction', 'newest first');
    const threads = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.thread`);
    assert.deepEqual(bodies(threads.chunk), ['r2', 'r1']);
    const reactions = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation/m.reaction`);
    assert.equal(reactions.chunk.length, 1);
    assert.equal(reactions.chunk[0].content['m.relates_to'].key, '👍');
    const none = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.annotation/m.room.message`);
    assert.equal(none.chunk.length, 0);
    const p1 = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.replace?limit=2`);
    assert.equal(p1.chunk.length, 2);
    assert.equal(typeof p1.next_batch, 'string');
    const p2 = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.replace?limit=2&from=${enc(p1.next_batch)}`);
    assert.deepEqual(bodies(p2.chunk), ['* edit 1']);
    assert.equal(p2.next_batch, undefined);
    const fwd = await ok(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}/m.replace?dir=f`);
    assert.deepEqual(bodies(fwd.chunk), ['* edit 1', '* edit 2', '* not allowed']);
    await fails(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc('$nope')}`, undefined, 404, 'M_NOT_FOUND');
    await fails(dave, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}?dir=up`, undefined, 400, 'M_INVALID_PARAM');
    await fails(bob, 'GET', `${V1}/rooms/${enc(room)}/relations/${enc(root)}?from=zzz`, undefined, 400, 'M_INVALID_PARAM');
  });

  test('redacted events are served redacted with redacted_because, and lose their edit bundle', async () => {
    const victim = await send(alice, room, 'secret', { extra: 'x' });
    await send(alice, room, '* secret 2', { 'm.new_content': { msgtype: 'm.text', body: 'secret 2' }, 'm.relates_to': { rel_type: 'm.replace', event_id: victim } });
    const redaction = (await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/redact/${enc(victim)}/rd1`, { reason: 'oops' })).event_id as string;
    const ev = await ok(bob, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(victim)}`);
    assert.deepEqual(ev.content, {});
    assert.equal(ev.unsigned.redacted_because.event_id, redaction);
    assert.equal(ev.unsigned.redacted_because.content.reason, 'oops');
    assert.equal(ev.unsigned['m.relations'], undefined);
    const page = await messages(bob, room, 'dir=b&limit=3');
    assert.deepEqual((page.chunk as J[]).map((e) => e.type), ['m.room.redaction', 'm.room.message', 'm.room.message']);
    const inPage = (page.chunk as J[]).find((e) => e.event_id === victim);
    assert.deepEqual(inPage?.content, {});
    assert.equal(inPage?.unsigned.redacted_because.event_id, redaction);
    assert.equal(page.chunk[0].redacts, victim);
  });
});

describe('unsigned.membership (spec v1.11)', () => {
  test('each event carries the requesting user\'s membership after it: leave before their join, join from it on', async () => {
    const room = await createRoom(alice, { preset: 'public_chat' });
    const before = await send(alice, room, 'prejoin');
    await join(carol, room);
    const after = await send(alice, room, 'postjoin');
    const page = await messages(carol, room, 'dir=f&limit=50');
    let seenJoin = false;
    for (const e of page.chunk as J[]) {
      if (e.type === 'm.room.member' && e.state_key === carol.userId) seenJoin = true;
      assert.equal(e.unsigned.membership, seenJoin ? 'join' : 'leave', `${e.type} ${e.event_id}`);
    }
    assert.ok(seenJoin);
    assert.equal((await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(before)}`)).unsigned.membership, 'leave');
    assert.equal((await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(after)}`)).unsigned.membership, 'join');
    assert.equal((await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(before)}`)).unsigned.membership, 'join', 'per requesting user');
    const ctx = await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(after)}?limit=2`);
    assert.equal(ctx.event.unsigned.membership, 'join');
    await ok(carol, 'POST', `${V3}/rooms/${enc(room)}/leave`, {});
    assert.equal((await ok(carol, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(after)}`)).unsigned.membership, 'join', 'as it was at the event, not now');
  });
});

describe('/messages start token', () => {
  test('start is the from token as given, also a /sync token; without from it is where the page began', async () => {
    const room = await createRoom(alice, { preset: 'public_chat' });
    await send(alice, room, 'one');
    const sync = await ok(alice, 'GET', `${V3}/sync?timeout=0`);
    const since = sync.next_batch as string;
    const page = await messages(alice, room, `dir=b&from=${enc(since)}&limit=1`);
    assert.equal(page.start, since);
    assert.deepEqual(bodies(page.chunk), ['one']);
    const fresh = await messages(alice, room, 'dir=b&limit=1');
    assert.equal(typeof fresh.start, 'string');
    const again = await messages(alice, room, `dir=b&limit=1&from=${enc(fresh.start)}`);
    assert.deepEqual((again.chunk as J[]).map((e) => e.event_id), (fresh.chunk as J[]).map((e) => e.event_id), 'start paginates from the same point');
  });
});

describe('forgotten rooms', () => {
  test('after leaving, history stays readable until the room is forgotten; then /messages, /state and /members are 403 (before any parameter check)', async () => {
    const room = await createRoom(alice, { preset: 'public_chat' });
    await join(bob, room);
    await send(alice, room, 'hello');
    await ok(bob, 'POST', `${V3}/rooms/${enc(room)}/leave`, {});
    assert.ok(bodies((await messages(bob, room, 'dir=b')).chunk).includes('hello'), 'a departed member reads up to the leave');
    const forget = await call(bob, 'POST', `${V3}/rooms/${enc(room)}/forget`);
    assert.equal(forget.status, 200, forget.text);
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/messages`, undefined, 403, 'M_FORBIDDEN');
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/messages?dir=b`, undefined, 403, 'M_FORBIDDEN');
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/state`, undefined, 403, 'M_FORBIDDEN');
    await fails(bob, 'GET', `${V3}/rooms/${enc(room)}/members`, undefined, 403, 'M_FORBIDDEN');
    // back in the room: readable again
    await join(bob, room);
    assert.ok(bodies((await messages(bob, room, 'dir=b')).chunk).includes('hello'));
  });
});

describe('/relations with recurse (spec v1.10)', () => {
  test('follows relations of relations (a thread reply\'s reactions and edits); recursion_depth whenever recurse is given', async () => {
    const room = await createRoom(alice, { preset: 'public_chat' });
    const root = await send(alice, room, 'root');
    const reply = await send(alice, room, 'reply', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const edit = await send(alice, room, '* reply', { 'm.new_content': { msgtype: 'm.text', body: 'reply!' }, 'm.relates_to': { rel_type: 'm.replace', event_id: reply } });
    const reaction = (await ok(alice, 'PUT', `${V3}/rooms/${enc(room)}/send/m.reaction/rec-react`, { 'm.relates_to': { rel_type: 'm.annotation', event_id: edit, key: 'x' } })).event_id as string;
    const url = (q: string, tail = '') => `${V1}/rooms/${enc(room)}/relations/${enc(root)}${tail}${q}`;

    const plain = await ok(alice, 'GET', url(''));
    assert.deepEqual((plain.chunk as J[]).map((e) => e.event_id), [reply]);
    assert.equal(plain.recursion_depth, undefined, 'absent when the client did not give recurse');
    const direct = await ok(alice, 'GET', url('?recurse=false'));
    assert.deepEqual((direct.chunk as J[]).map((e) => e.event_id), [reply]);
    assert.equal(typeof direct.recursion_depth, 'number', 'mandatory when recurse was given');

    const deep = await ok(alice, 'GET', url('?recurse=true'));
    assert.deepEqual((deep.chunk as J[]).map((e) => e.event_id), [reaction, edit, reply], 'three levels, newest first');
    assert.ok(deep.recursion_depth >= 3, 'the spec asks for at least 3 levels');
    const fwd = await ok(alice, 'GET', url('?recurse=true&dir=f&limit=2'));
    assert.deepEqual((fwd.chunk as J[]).map((e) => e.event_id), [reply, edit]);
    const rest = await ok(alice, 'GET', url(`?recurse=true&dir=f&limit=2&from=${enc(fwd.next_batch)}`));
    assert.deepEqual((rest.chunk as J[]).map((e) => e.event_id), [reaction]);
    // the relation type filter applies to the events found at any depth
    const edits = await ok(alice, 'GET', url('?recurse=true', '/m.replace'));
    assert.deepEqual((edits.chunk as J[]).map((e) => e.event_id), [edit]);
    const reactions = await ok(alice, 'GET', url('?recurse=true', '/m.annotation/m.reaction'));
    assert.deepEqual((reactions.chunk as J[]).map((e) => e.event_id), [reaction]);
    await fails(alice, 'GET', url('?recurse=maybe'), undefined, 400, 'M_INVALID_PARAM');
  });
});

describe('/threads (spec v1.4 threads list)', () => {
  test('thread roots with their thread summary, latest activity first, paginated without repeats; include=participated', async () => {
    const room = await createRoom(alice, { preset: 'public_chat' });
    await join(bob, room);
    const reply = (root: string) => ({ 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const rootA = await send(alice, room, 'A');
    const rootB = await send(bob, room, 'B');
    const rootC = await send(bob, room, 'C');
    await send(alice, room, 'not a thread');
    await send(bob, room, 'a1', reply(rootA));
    await send(bob, room, 'c1', reply(rootC));
    await send(bob, room, 'b1', reply(rootB));
    await send(alice, room, 'a2', reply(rootA));
    const url = (q = '') => `${V1}/rooms/${enc(room)}/threads${q}`;

    const all = await ok(alice, 'GET', url());
    assert.deepEqual((all.chunk as J[]).map((e) => e.event_id), [rootA, rootB, rootC], 'ordered by latest reply');
    assert.equal(all.next_batch, undefined);
    assert.equal(all.chunk[0].unsigned['m.relations']['m.thread'].count, 2);
    assert.equal(all.chunk[0].unsigned['m.relations']['m.thread'].latest_event.content.body, 'a2');

    const p1 = await ok(alice, 'GET', url('?limit=2'));
    assert.deepEqual((p1.chunk as J[]).map((e) => e.event_id), [rootA, rootB]);
    assert.equal(typeof p1.next_batch, 'string');
    const p2 = await ok(alice, 'GET', url(`?limit=2&from=${enc(p1.next_batch)}`));
    assert.deepEqual((p2.chunk as J[]).map((e) => e.event_id), [rootC], 'rootA\'s older reply does not list it again');

    const mine = await ok(alice, 'GET', url('?include=participated'));
    assert.deepEqual((mine.chunk as J[]).map((e) => e.event_id), [rootA]);
    const bobs = await ok(bob, 'GET', url('?include=participated'));
    assert.deepEqual((bobs.chunk as J[]).map((e) => e.event_id), [rootA, rootB, rootC]);

    await fails(alice, 'GET', url('?include=mine'), undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', url('?from=zzz'), undefined, 400, 'M_INVALID_PARAM');
    await fails(dave, 'GET', url(), undefined, 403, 'M_FORBIDDEN');
  });
});

describe('aliases and the room directory', () => {
  let room: string;
  before(async () => {
    room = await createRoom(alice, { preset: 'public_chat', name: 'Directory Room', topic: 'find me' });
    await join(bob, room);
  });

  test('create, resolve, list, conflict, delete', async () => {
    const alias = '#readers:localhost';
    await ok(bob, 'PUT', `${V3}/directory/room/${enc(alias)}`, { room_id: room });
    const got = await ok(undefined, 'GET', `${V3}/directory/room/${enc(alias)}`);
    assert.deepEqual(got, { room_id: room, servers: ['localhost'] });
    const list = await ok(alice, 'GET', `${V3}/rooms/${enc(room)}/aliases`);
    assert.deepEqual(list.aliases, [alias]);
    await fails(dave, 'GET', `${V3}/rooms/${enc(room)}/aliases`, undefined, 403, 'M_FORBIDDEN');
    const dup = await call(alice, 'PUT', `${V3}/directory/room/${enc(alias)}`, { room_id: room });
    assert.equal(dup.status, 409, dup.text);
    await fails(alice, 'PUT', `${V3}/directory/room/${enc('#x:elsewhere.example')}`, { room_id: room }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', `${V3}/directory/room/${enc('noalias')}`, { room_id: room }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', `${V3}/directory/room/${enc('#ghost:localhost')}`, { room_id: '!ghost:localhost' }, 404, 'M_NOT_FOUND');
    await fails(dave, 'PUT', `${V3}/directory/room/${enc('#dave:localhost')}`, { room_id: room }, 403, 'M_FORBIDDEN');
    await fails(alice, 'PUT', `${V3}/directory/room/${enc('#nobody:localhost')}`, {}, 400, 'M_MISSING_PARAM');
    // Neither the creator nor an admin: forbidden. The creator may; then it is gone.
    await fails(dave, 'DELETE', `${V3}/directory/room/${enc(alias)}`, undefined, 403, 'M_FORBIDDEN');
    await ok(bob, 'DELETE', `${V3}/directory/room/${enc(alias)}`);
    await fails(undefined, 'GET', `${V3}/directory/room/${enc(alias)}`, undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'DELETE', `${V3}/directory/room/${enc(alias)}`, undefined, 404, 'M_NOT_FOUND');
    // A room admin may delete an alias someone else made.
    await ok(bob, 'PUT', `${V3}/directory/room/${enc('#again:localhost')}`, { room_id: room });
    await ok(alice, 'DELETE', `${V3}/directory/room/${enc('#again:localhost')}`);
  });

  test('deleting an alias takes it out of m.room.canonical_alias (alias and alt_aliases), also when its creator has no power', async () => {
    const r = await createRoom(alice, { preset: 'public_chat' });
    await join(bob, r);
    const [main, alt, other] = ['#canon-main:localhost', '#canon-alt:localhost', '#canon-other:localhost'];
    await ok(bob, 'PUT', `${V3}/directory/room/${enc(main)}`, { room_id: r });
    for (const a of [alt, other]) await ok(alice, 'PUT', `${V3}/directory/room/${enc(a)}`, { room_id: r });
    await ok(alice, 'PUT', `${V3}/rooms/${enc(r)}/state/m.room.canonical_alias`, { alias: main, alt_aliases: [alt, other] });
    const canonical = () => ok(alice, 'GET', `${V3}/rooms/${enc(r)}/state/m.room.canonical_alias`);
    await ok(alice, 'DELETE', `${V3}/directory/room/${enc(alt)}`);
    assert.deepEqual(await canonical(), { alias: main, alt_aliases: [other] });
    await ok(alice, 'DELETE', `${V3}/directory/room/${enc(main)}`);
    assert.deepEqual(await canonical(), { alt_aliases: [other] });
    await ok(alice, 'DELETE', `${V3}/directory/room/${enc(other)}`);
    assert.deepEqual(await canonical(), {}, 'an empty canonical alias event, as Synapse sends');
    // bob (power 0) made this alias: he may delete it; the canonical alias stays (he may not change it)
    await ok(bob, 'PUT', `${V3}/directory/room/${enc(main)}`, { room_id: r });
    await ok(alice, 'PUT', `${V3}/rooms/${enc(r)}/state/m.room.canonical_alias`, { alias: main });
    await ok(bob, 'DELETE', `${V3}/directory/room/${enc(main)}`);
    await fails(undefined, 'GET', `${V3}/directory/room/${enc(main)}`, undefined, 404, 'M_NOT_FOUND');
  });

  test('directory visibility and /publicRooms', async () => {
    assert.deepEqual(await ok(undefined, 'GET', `${V3}/directory/list/room/${enc(room)}`), { visibility: 'private' });
    await fails(bob, 'PUT', `${V3}/directory/list/room/${enc(room)}`, { visibility: 'public' }, 403, 'M_FORBIDDEN');
    await ok(alice, 'PUT', `${V3}/directory/list/room/${enc(room)}`, { visibility: 'public' });
    assert.deepEqual(await ok(undefined, 'GET', `${V3}/directory/list/room/${enc(room)}`), { visibility: 'public' });
    await fails(undefined, 'GET', `${V3}/directory/list/room/${enc('!nope:localhost')}`, undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'PUT', `${V3}/directory/list/room/${enc(room)}`, { visibility: 'secret' }, 400, 'M_INVALID_PARAM');

    const other = await createRoom(carol, { visibility: 'public', preset: 'public_chat', name: 'Other', room_alias_name: 'other' });
    const pub = await ok(undefined, 'GET', `${V3}/publicRooms`);
    const mine = (pub.chunk as J[]).find((r) => r.room_id === room);
    assert.deepEqual(mine, {
      room_id: room, num_joined_members: 2, world_readable: false, guest_can_join: false,
      name: 'Directory Room', topic: 'find me', join_rule: 'public',
    });
    const theirs = (pub.chunk as J[]).find((r) => r.room_id === other);
    assert.equal(theirs?.canonical_alias, '#other:localhost');
    assert.equal(pub.total_room_count_estimate, (pub.chunk as J[]).length);

    const search = await ok(alice, 'POST', `${V3}/publicRooms`, { filter: { generic_search_term: 'FIND' } });
    assert.deepEqual((search.chunk as J[]).map((r) => r.room_id), [room]);
    const p1 = await ok(alice, 'POST', `${V3}/publicRooms`, { limit: 1 });
    assert.equal(p1.chunk.length, 1);
    assert.equal(typeof p1.next_batch, 'string');
    const p2 = await ok(alice, 'POST', `${V3}/publicRooms`, { limit: 1, since: p1.next_batch });
    assert.notEqual(p2.chunk[0].room_id, p1.chunk[0].room_id);
    assert.equal(typeof p2.prev_batch, 'string');
    await fails(alice, 'POST', `${V3}/publicRooms`, { since: 'bogus' }, 400, 'M_INVALID_PARAM');
    await fails(undefined, 'POST', `${V3}/publicRooms`, {}, 401, 'M_MISSING_TOKEN');

    await ok(alice, 'PUT', `${V3}/directory/list/room/${enc(room)}`, { visibility: 'private' });
    const after = await ok(undefined, 'GET', `${V3}/publicRooms`);
    assert.ok(!(after.chunk as J[]).some((r) => r.room_id === room));
  });
});

describe('transaction ids on reads', () => {
  test('/messages, /context and /event give unsigned.transaction_id to the sending device only', async () => {
    const erin = await register('erin-txn');
    const erinPhone = await loginUser(server, erin.userId, PASSWORD);
    const frank = await register('frank-txn');
    const room = await createRoom(erin, { preset: 'public_chat' });
    await join(frank, room);
    const msg = (await ok(erin, 'PUT', `${V3}/rooms/${enc(room)}/send/m.room.message/read-txn-1`, { msgtype: 'm.text', body: 'mine' })).event_id as string;
    const red = (await ok(erin, 'PUT', `${V3}/rooms/${enc(room)}/redact/${enc(msg)}/read-txn-2`, { reason: 'oops' })).event_id as string;

    const views = async (u: User) => {
      const page = await messages(u, room, 'dir=b&limit=10');
      const ctx = await ok(u, 'GET', `${V3}/rooms/${enc(room)}/context/${enc(msg)}?limit=4`);
      return {
        messages: (page.chunk as J[]).find((e) => e.event_id === msg),
        redaction: (page.chunk as J[]).find((e) => e.event_id === red),
        context: ctx.event as J,
        event: await ok(u, 'GET', `${V3}/rooms/${enc(room)}/event/${enc(msg)}`),
      };
    };
    const own = await views(erin);
    assert.equal(own.messages?.unsigned?.transaction_id, 'read-txn-1');
    assert.equal(own.context.unsigned?.transaction_id, 'read-txn-1');
    assert.equal(own.event.unsigned?.transaction_id, 'read-txn-1');
    assert.equal(own.redaction?.unsigned?.transaction_id, 'read-txn-2');
    assert.equal(own.event.unsigned?.redacted_because?.unsigned?.transaction_id, 'read-txn-2');
    for (const u of [erinPhone, frank]) {
      const v = await views(u);
      assert.ok(v.messages && v.redaction, `${u.accessToken}: the events are visible`);
      for (const e of [v.messages, v.redaction, v.context, v.event, v.event.unsigned?.redacted_because as J]) {
        assert.equal(e?.unsigned?.transaction_id, undefined, `${u.userId} (another device or user) must not get the transaction id`);
      }
    }
  });
});
