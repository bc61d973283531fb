// The client's address reaches what records it, over real sockets: a device used with its
// token shows last_seen_ip (the uWS adapter reads the address from uWS only when asked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServerOn } from '../helpers/server.js';
import { wireCall } from '../helpers/client.js';

for (const adapter of ['node', 'uws'] as const) {
  test(`over ${adapter}: a device used with its token shows the client's address as last_seen_ip`, async (t) => {
    const server = await startTestServerOn(t, adapter);
    if (server === undefined) return;
    try {
      const call = wireCall(server.url);
      const reg = await call('POST', '/_matrix/client/v3/register', { username: 'ines', password: 'a long password', auth: { type: 'm.login.dummy' } });
      assert.equal(reg.status, 200, JSON.stringify(reg.json));
      const token = reg.json.access_token!;
      let seen: { last_seen_ip?: string } = {};
      for (let i = 0; i < 50 && seen.last_seen_ip === undefined; i++) {
        // the record is written beside the request: give it a moment
        const whoami = await call('GET', '/_matrix/client/v3/account/whoami', undefined, token);
        assert.equal(whoami.status, 200);
        seen = (await call('GET', `/_matrix/client/v3/devices/${encodeURIComponent(reg.json.device_id!)}`, undefined, token)).json;
        if (seen.last_seen_ip === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(seen.last_seen_ip ?? '', /^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await server.close();
    }
  });
}
