// POST /rooms/{roomId}/receipt/{receiptType}/{eventId} with a thread_id (spec v1.4, receipts
// module and the OpenAPI's 400 cases): thread_id must be a non-empty string, is refused for
// m.fully_read, and must name the thread the event belongs to ('main' for the main timeline).
// The error code is M_INVALID_PARAM in every case (the spec's example; Synapse's answers).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);

let poster: TestUser;
let reader: TestUser;
let roomId: string;
let txn = 0;

async function send(content: Json, type = 'm.room.message'): Promise<string> {
  return (await ok(poster, 'PUT', `${V3}/rooms/${enc(roomId)}/send/${type}/rt${++txn}`, content)).event_id as string;
}
const receipt = (eventId: string, type = 'm.read'): string => `${V3}/rooms/${enc(roomId)}/receipt/${type}/${enc(eventId)}`;

// root ← (m.thread) reply ← (m.annotation) reaction; root ← (m.reference) ref; plain: no relation.
let root: string;
let reply: string;
let reaction: string;
let ref: string;
let plain: string;
let otherRoot: string;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  poster = await registerUser(server, 'rt-poster');
  reader = await registerUser(server, 'rt-reader');
  roomId = (await ok(poster, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
  await ok(reader, 'POST', `${V3}/join/${enc(roomId)}`, {});
  root = await send({ msgtype: 'm.text', body: 'root' });
  reply = await send({ msgtype: 'm.text', body: 'in thread', 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
  reaction = await send({ 'm.relates_to': { rel_type: 'm.annotation', event_id: reply, key: '👍' } }, 'm.reaction');
  ref = await send({ msgtype: 'm.text', body: 'about the root', 'm.relates_to': { rel_type: 'm.reference', event_id: root } });
  plain = await send({ msgtype: 'm.text', body: 'plain' });
  otherRoot = await send({ msgtype: 'm.text', body: 'another root' });
  await send({ msgtype: 'm.text', body: 'other thread', 'm.relates_to': { rel_type: 'm.thread', event_id: otherRoot } });
});
after(async () => { await server.close(); });

describe('receipt thread_id', () => {
  test('a thread_id that is not a non-empty string is 400 M_INVALID_PARAM', async () => {
    for (const thread_id of [5, '', null, true, ['main'], { id: 'main' }]) {
      await fails(reader, 'POST', receipt(plain), { thread_id }, 400, 'M_INVALID_PARAM');
    }
  });

  test('m.fully_read takes no thread_id', async () => {
    await fails(reader, 'POST', receipt(plain, 'm.fully_read'), { thread_id: 'main' }, 400, 'M_INVALID_PARAM');
    await ok(reader, 'POST', receipt(plain, 'm.fully_read'), {});
  });

  test('an unknown receipt type is 400 M_INVALID_PARAM', async () => {
    await fails(reader, 'POST', receipt(plain, 'm.bogus'), {}, 400, 'M_INVALID_PARAM');
    await fails(reader, 'POST', receipt(plain, 'm.bogus'), { thread_id: 'main' }, 400, 'M_INVALID_PARAM');
  });

  test('"main" fits events outside any thread, including thread roots and what relates to them', async () => {
    for (const e of [plain, root, ref]) await ok(reader, 'POST', receipt(e), { thread_id: 'main' });
    for (const e of [reply, reaction]) {
      const msg = await fails(reader, 'POST', receipt(e), { thread_id: 'main' }, 400, 'M_INVALID_PARAM');
      assert.match(msg, /not related to thread main/);
    }
  });

  test('a thread root id fits the root, its thread events and what relates to either', async () => {
    for (const e of [root, reply, reaction, ref]) await ok(reader, 'POST', receipt(e, 'm.read.private'), { thread_id: root });
    // Another thread's root, an event in no thread, a made-up thread id: the event is not in it.
    await fails(reader, 'POST', receipt(reply), { thread_id: otherRoot }, 400, 'M_INVALID_PARAM');
    await fails(reader, 'POST', receipt(plain), { thread_id: root }, 400, 'M_INVALID_PARAM');
    await fails(reader, 'POST', receipt(plain), { thread_id: plain }, 400, 'M_INVALID_PARAM');
    await fails(reader, 'POST', receipt(reply), { thread_id: 'not-a-thread' }, 400, 'M_INVALID_PARAM');
  });

  test('the receipt lands with its thread_id; unthreaded receipts still fit any event', async () => {
    const since = (await ok(poster, 'GET', `${V3}/sync`)).next_batch as string;
    await ok(reader, 'POST', receipt(reaction), { thread_id: root });
    await ok(reader, 'POST', receipt(reply), {});
    const s = await ok(poster, 'GET', `${V3}/sync?since=${enc(since)}`);
    const r = (s.rooms.join[roomId].ephemeral.events as Json[]).find((e) => e.type === 'm.receipt');
    assert.equal(r?.content[reaction]['m.read'][reader.userId].thread_id, root);
    assert.equal(r?.content[reply]['m.read'][reader.userId].thread_id, undefined);
  });

  test('an unknown event is 404 M_NOT_FOUND, checked before the thread', async () => {
    await fails(reader, 'POST', receipt('$unknown'), { thread_id: 'main' }, 404, 'M_NOT_FOUND');
    await fails(reader, 'POST', receipt('$unknown'), { thread_id: root }, 404, 'M_NOT_FOUND');
  });
});
