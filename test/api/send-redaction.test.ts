// PUT /rooms/{roomId}/send/m.room.redaction/{txnId} redacts in every room version (spec v1.18,
// MSC4169): before v11 the content's `redacts` moves to the top level of the event, from v11 it
// stays in the content. Either way the target is redacted, as through PUT /redact.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok } = apiClient(() => server);
let alice: TestUser;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'sr-alice');
});
after(async () => { await server.close(); });

for (const version of ['1', '10', '11', '12']) {
  test(`room version ${version}: the target is redacted, redacts where the version wants it`, async () => {
    const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { room_version: version })).room_id as string;
    const room = `${V3}/rooms/${enc(roomId)}`;
    const target = (await ok(alice, 'PUT', `${room}/send/m.room.message/m1`, { msgtype: 'm.text', body: 'oops' })).event_id as string;
    const sent = await ok(alice, 'PUT', `${room}/send/m.room.redaction/r1`, { redacts: target, reason: 'typo' });
    // idempotent like any send
    assert.deepEqual(await ok(alice, 'PUT', `${room}/send/m.room.redaction/r1`, { redacts: target, reason: 'typo' }), sent);
    const redacted = await ok(alice, 'GET', `${room}/event/${enc(target)}`);
    assert.deepEqual(redacted.content, {});
    assert.equal(redacted.unsigned.redacted_because.event_id, sent.event_id);
    const redaction = await ok(alice, 'GET', `${room}/event/${enc(sent.event_id as string)}`);
    assert.equal(redaction.redacts, target);
    assert.equal(redaction.content.reason, 'typo');
    if (Number(version) >= 11) assert.equal(redaction.content.redacts, target);
    else assert.equal(redaction.content.redacts, undefined);
  });
}
