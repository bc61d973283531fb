// /sync and m.ignored_user_list (client-server-api#ignoring-users): once a user is ignored,
// sync stops sending their non-state timeline events (state events still come) and their
// invites; un-ignoring resumes at once, without resending what was missed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json as J } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok } = apiClient(() => server);
let txn = 0;

const send = async (u: User, roomId: string, body: string): Promise<string> =>
  (await ok(u, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/ig${++txn}`, { msgtype: 'm.text', body })).event_id as string;
const sync = async (u: User, since?: string): Promise<J> =>
  ok(u, 'GET', `${V3}/sync?timeout=0${since ? `&since=${enc(since)}` : ''}`);
const timelineIds = (s: J, roomId: string): string[] => ((s.rooms?.join?.[roomId]?.timeline?.events ?? []) as J[]).map((e) => e.event_id as string);
const ignore = (u: User, ignored: User[]) =>
  ok(u, 'PUT', `${V3}/user/${enc(u.userId)}/account_data/m.ignored_user_list`, { ignored_users: Object.fromEntries(ignored.map((x) => [x.userId, {}])) });

let alice: User;
let bob: User;
let carol: User;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'alice');
  bob = await registerUser(server, 'bob');
  carol = await registerUser(server, 'carol');
});
after(async () => { await server.close(); });

test('an ignored user\'s messages leave incremental and initial syncs; their state events stay; un-ignoring resumes', async () => {
  const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
  await ok(carol, 'POST', `${V3}/join/${enc(roomId)}`, {});
  const before = await send(bob, roomId, 'before ignoring');
  const start = await sync(alice);
  assert.ok(timelineIds(start, roomId).includes(before));

  await ignore(alice, [bob]);
  const fromBob = await send(bob, roomId, 'ignored');
  const topic = (await ok(bob, 'PUT', `${V3}/rooms/${enc(roomId)}/state/m.room.member/${enc(bob.userId)}`, { membership: 'join', displayname: 'Bobby' })).event_id as string;
  const fromCarol = await send(carol, roomId, 'not ignored');
  const s1 = await sync(alice, start.next_batch);
  assert.deepEqual(timelineIds(s1, roomId), [topic, fromCarol], 'bob\'s member event (state) stays, his message goes');
  const fresh = await sync(alice);
  const all = timelineIds(fresh, roomId);
  assert.ok(!all.includes(fromBob) && !all.includes(before), 'an initial sync leaves out his earlier messages too');
  assert.ok(all.includes(topic) && all.includes(fromCarol));

  await ignore(alice, []);
  const again = await send(bob, roomId, 'heard again');
  const s2 = await sync(alice, s1.next_batch);
  assert.deepEqual(timelineIds(s2, roomId), [again], 'what was missed is not resent');
});

test('invites from an ignored user are not sent; others are', async () => {
  await ignore(alice, [bob]);
  const start = await sync(alice);
  const fromBob = (await ok(bob, 'POST', `${V3}/createRoom`, { invite: [alice.userId] })).room_id as string;
  const fromCarol = (await ok(carol, 'POST', `${V3}/createRoom`, { invite: [alice.userId] })).room_id as string;
  const s = await sync(alice, start.next_batch);
  assert.deepEqual(Object.keys(s.rooms?.invite ?? {}), [fromCarol]);
  assert.ok(!(fromBob in ((await sync(alice)).rooms?.invite ?? {})), 'nor in an initial sync');
  await ignore(alice, []);
});

test('an ignored user\'s messages do not count as unread notifications or highlights (threaded counts too), until un-ignored', async () => {
  const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
  await ok(carol, 'POST', `${V3}/join/${enc(roomId)}`, {});
  const counts = async (threaded: boolean): Promise<J> => {
    const filter = enc(JSON.stringify({ room: { timeline: { limit: 5, unread_thread_notifications: threaded } } }));
    const s = await ok(alice, 'GET', `${V3}/sync?timeout=0&filter=${filter}`);
    return s.rooms.join[roomId].unread_notifications as J;
  };
  assert.deepEqual(await counts(false), { notification_count: 0, highlight_count: 0 });
  await ignore(alice, [bob]);
  await send(bob, roomId, 'hello');
  await send(bob, roomId, `hey ${alice.userId}`);
  await send(carol, roomId, 'hi all');
  for (const threaded of [false, true]) assert.deepEqual(await counts(threaded), { notification_count: 1, highlight_count: 0 }, `threaded: ${threaded}`);
  await ignore(alice, []);
  for (const threaded of [false, true]) assert.deepEqual(await counts(threaded), { notification_count: 3, highlight_count: 1 }, `un-ignored, threaded: ${threaded}`);
});
