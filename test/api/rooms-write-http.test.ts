// The room write endpoints over a real socket (node:http, and uWS where it loads):
// percent-encoded ids and the empty state key travel intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServerOn } from '../helpers/server.js';
import { wireCall } from '../helpers/client.js';

for (const adapter of ['node', 'uws'] as const) {
  test(`over ${adapter}: register, createRoom, send, put state with an empty key, redact`, async (t) => {
    const server = await startTestServerOn(t, adapter);
    if (server === undefined) return;
    try {
      const call = wireCall(server.url);
      const reg = await call('POST', '/_matrix/client/v3/register', { username: 'hana', password: 'a long password', auth: { type: 'm.login.dummy' } });
      assert.equal(reg.status, 200, JSON.stringify(reg.json));
      const token = reg.json.access_token!;
      const created = await call('POST', '/_matrix/client/v3/createRoom', { name: 'over the wire' }, token);
      assert.equal(created.status, 200, JSON.stringify(created.json));
      const room = `/_matrix/client/v3/rooms/${encodeURIComponent(created.json.room_id!)}`;
      const sent = await call('PUT', `${room}/send/m.room.message/${encodeURIComponent('txn/1 é')}`, { msgtype: 'm.text', body: 'hi' }, token);
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      const again = await call('PUT', `${room}/send/m.room.message/${encodeURIComponent('txn/1 é')}`, { msgtype: 'm.text', body: 'hi' }, token);
      assert.equal(again.json.event_id, sent.json.event_id);
      const topic = await call('PUT', `${room}/state/m.room.topic/`, { topic: 'wire' }, token);
      assert.equal(topic.status, 200, JSON.stringify(topic.json));
      const red = await call('PUT', `${room}/redact/${encodeURIComponent(sent.json.event_id!)}/r1`, { reason: 'test' }, token);
      assert.equal(red.status, 200, JSON.stringify(red.json));
      assert.match(red.json.event_id!, /^\$/);
      const unknown = await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent('!no:localhost')}/send/m.room.message/x`, {}, token);
      assert.deepEqual([unknown.status, unknown.json.errcode], [404, 'M_NOT_FOUND']);
    } finally {
      await server.close();
    }
  });
}
