// The room read endpoints over a real socket (node:http, and uWS where it loads):
// percent-encoded aliases and event ids, query strings with JSON filters and tokens,
// the v1 relations path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServerOn } from '../helpers/server.js';
import { wireCall, type Json as J } from '../helpers/client.js';

const enc = encodeURIComponent;

for (const adapter of ['node', 'uws'] as const) {
  test(`over ${adapter}: alias, messages with filter and tokens, event, relations`, async (t) => {
    const server = await startTestServerOn(t, adapter);
    if (server === undefined) return;
    try {
      const call = wireCall(server.url);
      const reg = await call('POST', '/_matrix/client/v3/register', { username: 'iris', password: 'a long password', auth: { type: 'm.login.dummy' } });
      assert.equal(reg.status, 200, JSON.stringify(reg.json));
      const token = reg.json.access_token as string;
      const roomId = (await call('POST', '/_matrix/client/v3/createRoom', { name: 'wire reads' }, token)).json.room_id as string;
      const alias = '#wire reads/é:localhost';
      const put = await call('PUT', `/_matrix/client/v3/directory/room/${enc(alias)}`, { room_id: roomId }, token);
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const got = await call('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`);
      assert.deepEqual(got.json, { room_id: roomId, servers: ['localhost'] });

      const room = `/_matrix/client/v3/rooms/${enc(roomId)}`;
      const root = (await call('PUT', `${room}/send/m.room.message/a`, { msgtype: 'm.text', body: 'one' }, token)).json.event_id as string;
      await call('PUT', `${room}/send/m.room.message/b`, { msgtype: 'm.text', body: 'two', 'm.relates_to': { rel_type: 'm.thread', event_id: root } }, token);
      const filter = enc(JSON.stringify({ types: ['m.room.message'] }));
      const p1 = await call('GET', `${room}/messages?dir=b&limit=1&filter=${filter}`, undefined, token);
      assert.equal(p1.status, 200, JSON.stringify(p1.json));
      assert.deepEqual(p1.json.chunk.map((e: J) => e.content.body), ['two']);
      const p2 = await call('GET', `${room}/messages?dir=b&limit=1&filter=${filter}&from=${enc(p1.json.end)}`, undefined, token);
      assert.deepEqual(p2.json.chunk.map((e: J) => e.content.body), ['one']);
      assert.equal(p2.json.chunk[0].unsigned['m.relations']['m.thread'].count, 1);

      const ev = await call('GET', `${room}/event/${enc(root)}`, undefined, token);
      assert.equal(ev.json.event_id, root);
      const rel = await call('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}/m.thread`, undefined, token);
      assert.equal(rel.status, 200, JSON.stringify(rel.json));
      assert.deepEqual(rel.json.chunk.map((e: J) => e.content.body), ['two']);
      const bad = await call('GET', `${room}/messages?dir=sideways`, undefined, token);
      assert.deepEqual([bad.status, bad.json.errcode], [400, 'M_INVALID_PARAM']);
    } finally {
      await server.close();
    }
  });
}
