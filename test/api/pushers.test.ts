// Pushers: POST /pushers/set and GET /pushers (client-server-api#push-notifications), each tied
// to the device that set it (password change, logout and device deletion take it away), as
// Complement's TestChangePasswordPushers and Element's notification settings use them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiClient, type Json as J } from '../helpers/client.js';
import { loginUser, registerUser, type TestUser as User } from '../helpers/users.js';

let server: TestServer;
const V3 = '/_matrix/client/v3';
const { ok, fails } = apiClient(() => server);
const PASSWORD = 'pusher-password-1';

function pusher(pushkey: string, extra: J = {}): J {
  return {
    data: { url: 'https://push.example/_matrix/push/v1/notify' }, profile_tag: 'tag', kind: 'http',
    app_id: 'org.example.app', app_display_name: 'Example', device_display_name: 'Phone', pushkey, lang: 'en', ...extra,
  };
}
const keys = async (user: User): Promise<string[]> => ((await ok(user, 'GET', `${V3}/pushers`)).pushers as J[]).map((p) => p.pushkey as string).sort();

before(async () => { server = await startTestServer({ adapter: 'none' }); });
after(async () => { await server.close(); });

describe('pushers', () => {
  test('set, list (as given), replace, delete with kind null; the spec\'s required fields', async () => {
    const alice = await registerUser(server, 'alice', PASSWORD);
    assert.deepEqual(await ok(alice, 'GET', `${V3}/pushers`), { pushers: [] });
    await ok(alice, 'POST', `${V3}/pushers/set`, pusher('key1'));
    const [p] = (await ok(alice, 'GET', `${V3}/pushers`)).pushers as J[];
    assert.deepEqual(p, pusher('key1'));
    await ok(alice, 'POST', `${V3}/pushers/set`, pusher('key1', { device_display_name: 'Tablet' }));
    assert.deepEqual(((await ok(alice, 'GET', `${V3}/pushers`)).pushers as J[]).map((x) => x.device_display_name), ['Tablet']);
    await ok(alice, 'POST', `${V3}/pushers/set`, pusher('key2'));
    assert.deepEqual(await keys(alice), ['key1', 'key2']);
    await ok(alice, 'POST', `${V3}/pushers/set`, { app_id: 'org.example.app', pushkey: 'key1', kind: null });
    assert.deepEqual(await keys(alice), ['key2']);

    await fails(alice, 'POST', `${V3}/pushers/set`, { ...pusher('k'), lang: undefined }, 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${V3}/pushers/set`, { ...pusher('k'), app_id: undefined }, 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${V3}/pushers/set`, pusher('k', { data: {} }), 400, 'M_MISSING_PARAM');
    await fails(alice, 'POST', `${V3}/pushers/set`, pusher('k', { data: { url: 'ftp://x' } }), 400, 'M_INVALID_PARAM');
    await fails(undefined, 'GET', `${V3}/pushers`, undefined, 401, 'M_MISSING_TOKEN');
  });

  test('a password change takes the other sessions\' pushers, not this one\'s; logout takes its own', async () => {
    const bob = await registerUser(server, 'bob', PASSWORD);
    const other = await loginUser(server, 'bob', PASSWORD);
    await ok(other, 'POST', `${V3}/pushers/set`, pusher('from-other'));
    await ok(bob, 'POST', `${V3}/pushers/set`, pusher('from-bob'));
    assert.deepEqual(await keys(bob), ['from-bob', 'from-other']);
    await ok(bob, 'POST', `${V3}/account/password`, {
      new_password: 'pusher-password-2',
      auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: bob.userId }, password: PASSWORD },
    });
    assert.deepEqual(await keys(bob), ['from-bob'], 'Complement: pushers created with a different access token are deleted');
    const third = await loginUser(server, 'bob', 'pusher-password-2');
    await ok(third, 'POST', `${V3}/pushers/set`, pusher('from-third'));
    await ok(third, 'POST', `${V3}/logout`, {});
    assert.deepEqual(await keys(bob), ['from-bob']);
  });

  test('append false takes the same app id and pushkey from other users; append true keeps it', async () => {
    const carol = await registerUser(server, 'carol', PASSWORD);
    const dave = await registerUser(server, 'dave', PASSWORD);
    await ok(carol, 'POST', `${V3}/pushers/set`, pusher('shared-key'));
    await ok(dave, 'POST', `${V3}/pushers/set`, pusher('shared-key', { append: true }));
    assert.deepEqual(await keys(carol), ['shared-key']);
    await ok(dave, 'POST', `${V3}/pushers/set`, pusher('shared-key'));
    assert.deepEqual(await keys(carol), [], 'a pushkey moved to another user leaves the first');
    assert.deepEqual(await keys(dave), ['shared-key']);
  });
});
