// Reporting content (spec: client-server-api modules/report_content): event reports (v1.1,
// reporter must be joined since v1.8), room reports (v1.13, no membership needed) and user
// reports (v1.14, no shared room needed). "Servers are free to handle the reported content
// however they desire": Myelin hands each report to the operator as one warn log line
// (msg 'content reported'), which these tests read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { registerUser, type TestUser } from '../helpers/users.js';
import { apiClient, type Json } from '../helpers/client.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const enc = encodeURIComponent;
const { ok, fails } = apiClient(() => server);
const lines: string[] = [];

let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let roomId: string;
let eventId: string;

before(async () => {
  server = await startTestServer({ adapter: 'none', log: 'warn', logStream: { write: (l) => { lines.push(l); } } });
  alice = await registerUser(server, 'rc-alice');
  bob = await registerUser(server, 'rc-bob');
  eve = await registerUser(server, 'rc-eve');
  roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
  await ok(bob, 'POST', `${V3}/join/${enc(roomId)}`, {});
  eventId = (await ok(alice, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/rc1`, { msgtype: 'm.text', body: 'nasty' })).event_id as string;
});
after(async () => { await server.close(); });

/** The report lines logged since `from`. */
function reports(from: number): Json[] {
  return lines.slice(from).map((l) => JSON.parse(l) as Json).filter((l) => l.msg === 'content reported');
}

describe('event reports', () => {
  test('a joined user reports an event: 200 {}, the operator gets the report', async () => {
    const from = lines.length;
    assert.deepEqual(await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/report/${enc(eventId)}`, { reason: 'rude', score: -100 }), {});
    const [r] = reports(from);
    assert.deepEqual(r?.report, { kind: 'event', reporter: bob.userId, room_id: roomId, event_id: eventId, sender: alice.userId, reason: 'rude' });
    // reason is optional
    await ok(bob, 'POST', `${V3}/rooms/${enc(roomId)}/report/${enc(eventId)}`, {});
  });

  test('not joined, unknown event, event of another room: 404 M_NOT_FOUND, nothing reported', async () => {
    const from = lines.length;
    await fails(eve, 'POST', `${V3}/rooms/${enc(roomId)}/report/${enc(eventId)}`, { reason: 'x' }, 404, 'M_NOT_FOUND');
    await fails(bob, 'POST', `${V3}/rooms/${enc(roomId)}/report/${enc('$nope')}`, { reason: 'x' }, 404, 'M_NOT_FOUND');
    const other = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
    await ok(bob, 'POST', `${V3}/join/${enc(other)}`, {});
    await fails(bob, 'POST', `${V3}/rooms/${enc(other)}/report/${enc(eventId)}`, { reason: 'x' }, 404, 'M_NOT_FOUND');
    assert.deepEqual(reports(from), []);
  });

  test('a reason that is not a string is 400 M_BAD_JSON', async () => {
    await fails(bob, 'POST', `${V3}/rooms/${enc(roomId)}/report/${enc(eventId)}`, { reason: 5 }, 400, 'M_BAD_JSON');
  });
});

describe('room reports (v1.13)', () => {
  test('anyone may report a room, joined or not; a blank reason is allowed', async () => {
    const from = lines.length;
    assert.deepEqual(await ok(eve, 'POST', `${V3}/rooms/${enc(roomId)}/report`, { reason: '' }), {});
    assert.deepEqual(reports(from).map((l) => l.report), [{ kind: 'room', reporter: eve.userId, room_id: roomId, reason: '' }]);
  });

  test('an unknown room is 404 M_NOT_FOUND; reason is required', async () => {
    await fails(eve, 'POST', `${V3}/rooms/${enc('!unknown:localhost')}/report`, { reason: 'x' }, 404, 'M_NOT_FOUND');
    await fails(eve, 'POST', `${V3}/rooms/${enc(roomId)}/report`, {}, 400, 'M_MISSING_PARAM');
  });
});

describe('user reports (v1.14)', () => {
  test('a user with no shared room may report a local user', async () => {
    const from = lines.length;
    assert.deepEqual(await ok(eve, 'POST', `${V3}/users/${enc(alice.userId)}/report`, { reason: 'spam' }), {});
    assert.deepEqual(reports(from).map((l) => l.report), [{ kind: 'user', reporter: eve.userId, user_id: alice.userId, reason: 'spam' }]);
  });

  test('an unknown user is answered 200 without a report (no disclosure of who exists); bad ids are 400', async () => {
    const from = lines.length;
    assert.deepEqual(await ok(eve, 'POST', `${V3}/users/${enc('@nobody:localhost')}/report`, { reason: 'x' }), {});
    assert.deepEqual(reports(from), []);
    await fails(eve, 'POST', `${V3}/users/${enc('not-a-user')}/report`, { reason: 'x' }, 400, 'M_INVALID_PARAM');
    await fails(eve, 'POST', `${V3}/users/${enc(alice.userId)}/report`, {}, 400, 'M_MISSING_PARAM');
  });
});
