// /sync over real sockets (each adapter that loads): the r0 path, a long-poll woken by
// another user's message, and a client that goes away frees its waiter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';

for (const adapter of ['node', 'uws'] as const) {
  describe(`sync over ${adapter}`, () => {
    let server: TestServer | undefined;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;

    before(async () => {
      try {
        server = await startTestServer({ adapter });
      } catch {
        server = undefined; // uWS binary not loadable here: the node adapter covers it
        return;
      }
      alice = await registerUser(server, 'alice');
      bob = await registerUser(server, 'bob');
      roomId = (await server.inject({ method: 'POST', path: '/_matrix/client/v3/createRoom', accessToken: alice.accessToken, body: { preset: 'public_chat' } })).json.room_id;
      await server.inject({ method: 'POST', path: `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, accessToken: bob.accessToken, body: {} });
    });
    after(async () => { await server?.close(); });

    const get = async (path: string, token: string): Promise<{ status: number; json: Record<string, any> }> => {
      const res = await fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, json: await res.json() as Record<string, any> };
    };

    test('a long-poll on the r0 path wakes on a message from another user', async (t) => {
      if (!server || server.adapter !== adapter) return t.skip(`${adapter} adapter not available`);
      const first = await get('/_matrix/client/r0/sync', alice.accessToken);
      assert.equal(first.status, 200);
      assert.ok(first.json.rooms.join[roomId]);
      const waiting = get(`/_matrix/client/r0/sync?since=${first.json.next_batch}&timeout=10000`, alice.accessToken);
      await new Promise((r) => setTimeout(r, 50));
      const sent = await server.inject({ method: 'PUT', path: `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/h1`, accessToken: bob.accessToken, body: { msgtype: 'm.text', body: 'over the wire' } });
      assert.equal(sent.status, 200);
      const res = await waiting;
      assert.equal(res.status, 200);
      const bodies = res.json.rooms.join[roomId].timeline.events.map((e: any) => e.content.body);
      assert.deepEqual(bodies, ['over the wire']);
    });

    test('a client that disconnects frees its waiter', async (t) => {
      if (!server || server.adapter !== adapter) return t.skip(`${adapter} adapter not available`);
      const first = await get('/_matrix/client/v3/sync', bob.accessToken);
      const url = new URL(`${server.url}/_matrix/client/v3/sync?since=${first.json.next_batch}&timeout=20000`);
      const req = request(url, { headers: { authorization: `Bearer ${bob.accessToken}` } });
      req.on('error', () => {});
      req.end();
      const notifier = server.services.notifier;
      for (let i = 0; i < 100 && notifier.waiterCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(notifier.waiterCount, 1);
      req.destroy();
      for (let i = 0; i < 200 && notifier.waiterCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(notifier.waiterCount, 0);
    });
  });
}
