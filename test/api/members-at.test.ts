// GET /rooms/{roomId}/members?at=<token> (spec: "the point in time (pagination token) to return
// members for"). The spec says nothing of tokens outside the user's view; these follow Synapse
// (RoomMemberListRestServlet → get_state_events with at_token): a token before the room's
// first event → 404 M_NOT_FOUND; a point whose state the user may not see under history
// visibility → 403 M_FORBIDDEN; otherwise the membership as it was then.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'ma-alice');
  bob = await registerUser(server, 'ma-bob');
  carol = await registerUser(server, 'ma-carol');
});
after(async () => { await server.close(); });

async function room(historyVisibility: string): Promise<string> {
  return (await ok(alice, 'POST', `${V3}/createRoom`, {
    preset: 'public_chat',
    initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: historyVisibility } }],
  })).room_id as string;
}
/** The newest point of the room as alice sees it now (a /messages token). */
async function now(roomId: string): Promise<string> {
  return (await ok(alice, 'GET', `${V3}/rooms/${enc(roomId)}/messages?dir=b&limit=1`)).start as string;
}
const members = (roomId: string, at: string): string => `${V3}/rooms/${enc(roomId)}/members?at=${enc(at)}`;
const joined = (chunk: Json[]): string[] => chunk.filter((e) => e.content.membership === 'join').map((e) => e.state_key as string).sort();

describe('/members?at=', () => {
  test('a token before the room\'s first event is 404 M_NOT_FOUND, for /messages and /sync tokens alike', async () => {
    const roomId = await room('shared');
    await fails(alice, 'GET', members(roomId, 't0'), undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'GET', members(roomId, 's0_0_0_0_0_0_0'), undefined, 404, 'M_NOT_FOUND');
    // A token of the server's stream from before this room existed.
    const earlier = await now(roomId);
    const later = await room('shared');
    await fails(alice, 'GET', members(later, earlier), undefined, 404, 'M_NOT_FOUND');
  });

  test('shared history: a later joiner sees the membership before they joined', async () => {
    const roomId = await room('shared');
    const before = await now(roomId);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    assert.deepEqual(joined((await ok(bob, 'GET', members(roomId, before))).chunk as Json[]), [alice.userId]);
    assert.deepEqual(joined((await ok(bob, 'GET', members(roomId, await now(roomId)))).chunk as Json[]), [alice.userId, bob.userId].sort());
  });

  test('joined history: a later joiner may not see the membership before they joined (403), after it yes', async () => {
    const roomId = await room('joined');
    const before = await now(roomId);
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await fails(bob, 'GET', members(roomId, before), undefined, 403, 'M_FORBIDDEN');
    // alice was a member then and may.
    assert.deepEqual(joined((await ok(alice, 'GET', members(roomId, before))).chunk as Json[]), [alice.userId]);
    const after = await now(roomId);
    assert.deepEqual(joined((await ok(bob, 'GET', members(roomId, after))).chunk as Json[]), [alice.userId, bob.userId].sort());
  });

  test('a token past the end answers the latest membership; a user who left reads up to their leave', async () => {
    const roomId = await room('shared');
    await ok(carol, 'POST', `${V3}/join/${enc(roomId)}`, {});
    await ok(carol, 'POST', `${V3}/rooms/${enc(roomId)}/leave`, {});
    await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
    assert.deepEqual(joined((await ok(alice, 'GET', members(roomId, 't999999999'))).chunk as Json[]), [alice.userId, bob.userId].sort());
    // carol left before bob joined: her view ends at her leave.
    const seen = (await ok(carol, 'GET', members(roomId, 't999999999'))).chunk as Json[];
    assert.deepEqual(joined(seen), [alice.userId]);
    assert.equal(seen.find((e) => e.state_key === carol.userId)?.content.membership, 'leave');
  });
});
