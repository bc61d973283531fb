// The `filter` query parameter of /sync, /messages and /context answers bad input the same
// way on each (Synapse's answers, which clients meet): text that is not JSON → 400 M_NOT_JSON;
// JSON that is not an object → 400 M_BAD_JSON; an object with invalid fields → 400
// M_INVALID_PARAM; /sync's unknown filter id → 400 M_INVALID_PARAM. Good filters still apply.
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
let roomId: string;
let eventId: string;

before(async () => {
  server = await startTestServer({ adapter: 'none' });
  alice = await registerUser(server, 'fp-alice');
  roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'private_chat' })).room_id as string;
  eventId = (await ok(alice, 'PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/fp1`, { msgtype: 'm.text', body: 'hi' })).event_id as string;
});
after(async () => { await server.close(); });

const endpoints: [string, (filter: string) => string][] = [
  ['/sync', (f) => `${V3}/sync?filter=${enc(f)}`],
  ['/messages', (f) => `${V3}/rooms/${enc(roomId)}/messages?dir=b&filter=${enc(f)}`],
  ['/context', (f) => `${V3}/rooms/${enc(roomId)}/context/${enc(eventId)}?filter=${enc(f)}`],
];

describe('inline filter errors', () => {
  for (const [name, path] of endpoints) {
    test(`${name}: a filter that starts like JSON but does not parse is 400 M_NOT_JSON`, async () => {
      for (const text of ['{', '{"room":', '{nope}', '{"types":["m.room.message"]']) {
        await fails(alice, 'GET', path(text), undefined, 400, 'M_NOT_JSON');
      }
    });

    test(`${name}: a filter object with an invalid field is 400 M_INVALID_PARAM`, async () => {
      const bad = name === '/sync' ? { room: { timeline: { types: 'm.room.message' } } } : { types: 'm.room.message' };
      await fails(alice, 'GET', path(JSON.stringify(bad)), undefined, 400, 'M_INVALID_PARAM');
    });

    test(`${name}: a good inline filter applies`, async () => {
      const types = ['m.room.create'];
      const events = async (filter: Json): Promise<Json[]> => {
        const body = await ok(alice, 'GET', path(JSON.stringify(filter)));
        if (name === '/sync') return body.rooms.join[roomId].timeline.events as Json[];
        if (name === '/messages') return body.chunk as Json[];
        return [...body.events_before as Json[], ...body.events_after as Json[]];
      };
      const found = await events(name === '/sync' ? { room: { timeline: { types, limit: 50 } } } : { types });
      assert.ok(found.length > 0 && found.every((e) => e.type === 'm.room.create'), JSON.stringify(found));
    });
  }

  test('/messages and /context: JSON that is not an object is 400 M_BAD_JSON', async () => {
    for (const [name, path] of endpoints) {
      if (name === '/sync') continue; // a /sync filter not starting with `{` is a filter id
      for (const text of ['5', '[]', '"types"', 'null']) await fails(alice, 'GET', path(text), undefined, 400, 'M_BAD_JSON');
    }
  });

  test('/sync: an unknown filter id is 400 M_INVALID_PARAM', async () => {
    await fails(alice, 'GET', `${V3}/sync?filter=424242`, undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'GET', `${V3}/sync?filter=${enc('[1]')}`, undefined, 400, 'M_INVALID_PARAM');
  });
});
