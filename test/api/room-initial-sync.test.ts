// GET /rooms/{roomId}/initialSync (client-server-api, deprecated; matrix-js-sdk's peekInRoom):
// the state and latest messages for a member, a departed member and a world-readable peek.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json } from '../helpers/client.js';
import { registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const { ok, fails } = apiClient(() => server);
const enc = encodeURIComponent;
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

const bodies = (chunk: Json[]): string[] => chunk.filter((e) => e.type === 'm.room.message').map((e) => e.content.body as string);

describe('GET /rooms/{roomId}/initialSync', () => {
  test('a member: room_id, membership, state, visibility and the latest messages oldest first, with tokens to page back', async () => {
    const { room_id } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', visibility: 'public', name: 'Peek' }) as { room_id: string };
    for (let i = 1; i <= 3; i++) await ok(alice, 'PUT', `${V3}/rooms/${enc(room_id)}/send/m.room.message/is${i}`, { msgtype: 'm.text', body: `m${i}` });
    const r = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/initialSync`);
    assert.equal(r.room_id, room_id);
    assert.equal(r.membership, 'join');
    assert.equal(r.visibility, 'public');
    assert.ok((r.state as Json[]).some((e) => e.type === 'm.room.name' && e.content.name === 'Peek'));
    assert.deepEqual(bodies(r.messages.chunk as Json[]), ['m1', 'm2', 'm3']);
    assert.equal(typeof r.messages.start, 'string');
    assert.equal(typeof r.messages.end, 'string');
    const two = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/initialSync?limit=2`);
    assert.deepEqual(bodies(two.messages.chunk as Json[]), ['m2', 'm3']);
    const older = await ok(alice, 'GET', `${V3}/rooms/${enc(room_id)}/messages?dir=b&from=${enc(two.messages.start as string)}&limit=1`);
    assert.deepEqual(bodies(older.chunk as Json[]), ['m1']);
  });

  test('a world-readable room peeked by a non-member; a private room is 403 to outsiders; a departed member sees it as they left', async () => {
    const { room_id: open } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } }] }) as { room_id: string };
    await ok(alice, 'PUT', `${V3}/rooms/${enc(open)}/send/m.room.message/wr`, { msgtype: 'm.text', body: 'visible' });
    const peek = await ok(carol, 'GET', `${V3}/rooms/${enc(open)}/initialSync`);
    assert.equal(peek.membership, undefined);
    assert.equal(peek.visibility, 'private');
    assert.deepEqual(bodies(peek.messages.chunk as Json[]), ['visible']);

    const { room_id: closed } = await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat', name: 'Before' }) as { room_id: string };
    await fails(carol, 'GET', `${V3}/rooms/${enc(closed)}/initialSync`, undefined, 403, 'M_FORBIDDEN');
    await ok(bob, 'POST', `${V3}/join/${enc(closed)}`, {});
    await ok(bob, 'POST', `${V3}/rooms/${enc(closed)}/leave`, {});
    await ok(alice, 'PUT', `${V3}/rooms/${enc(closed)}/state/m.room.name`, { name: 'After' });
    const left = await ok(bob, 'GET', `${V3}/rooms/${enc(closed)}/initialSync`);
    assert.equal(left.membership, 'leave');
    assert.equal((left.state as Json[]).find((e) => e.type === 'm.room.name')!.content.name, 'Before');
    await fails(alice, 'GET', `${V3}/rooms/${enc('!none:localhost')}/initialSync`, undefined, 403, 'M_FORBIDDEN');
  });
});
