// Device management: list, get, rename, delete one or many behind UIA m.login.password;
// a deleted device's token stops working at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';

describe('devices', () => {
  let server: TestServer;
  let alice: TestUser;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    alice = await registerUser(server, 'alice', 'pw-alice', { initial_device_display_name: 'First' });
  });
  after(async () => { await server.close(); });

  const get = (path: string, token = alice.accessToken) => server.inject({ method: 'GET', path: `${V3}${path}`, accessToken: token });

  it('lists, gets and renames devices', async () => {
    const phone = await loginUser(server, 'alice', 'pw-alice', { initial_device_display_name: 'Phone' });
    const list = (await get('/devices')).json.devices as { device_id: string; display_name?: string }[];
    assert.deepEqual(list.map((d) => d.display_name).sort(), ['First', 'Phone']);
    let res = await get(`/devices/${phone.deviceId}`);
    assert.equal(res.status, 200);
    assert.equal(res.json.device_id, phone.deviceId);
    res = await server.inject({ method: 'PUT', path: `${V3}/devices/${phone.deviceId}`, accessToken: alice.accessToken, body: { display_name: 'Old phone' } });
    assert.equal(res.status, 200);
    assert.equal((await get(`/devices/${phone.deviceId}`)).json.display_name, 'Old phone');
    res = await server.inject({ method: 'PUT', path: `${V3}/devices/${phone.deviceId}`, accessToken: alice.accessToken, body: {} });
    assert.equal((await get(`/devices/${phone.deviceId}`)).json.display_name, 'Old phone', 'no display_name: unchanged');
  });

  it('a device used with its token gets last_seen_ts and last_seen_ip (the client\'s address)', async () => {
    const laptop = await loginUser(server, 'alice', 'pw-alice');
    let seen: { last_seen_ts?: number; last_seen_ip?: string } = {};
    for (let i = 0; i < 50 && seen.last_seen_ts === undefined; i++) {
      // the write is throttled and happens beside the request: give it a moment
      await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: laptop.accessToken, remoteAddress: '192.0.2.7' });
      await new Promise((r) => setTimeout(r, 10));
      seen = (await get(`/devices/${laptop.deviceId}`)).json;
    }
    assert.equal(typeof seen.last_seen_ts, 'number');
    assert.ok(Math.abs(Date.now() - seen.last_seen_ts!) < 60_000);
    assert.equal(seen.last_seen_ip, '192.0.2.7');
  });

  it('unknown devices are 404 M_NOT_FOUND; other users\' devices are not visible', async () => {
    let res = await get('/devices/NOSUCHDEVICE');
    assert.equal(res.status, 404);
    assert.equal(res.json.errcode, 'M_NOT_FOUND');
    res = await server.inject({ method: 'PUT', path: `${V3}/devices/NOSUCHDEVICE`, accessToken: alice.accessToken, body: { display_name: 'x' } });
    assert.equal(res.status, 404);
    const bob = await registerUser(server, 'bob', 'pw-bob');
    res = await get(`/devices/${alice.deviceId}`, bob.accessToken);
    assert.equal(res.status, 404);
    res = await server.inject({ method: 'PUT', path: `${V3}/devices/${alice.deviceId}`, accessToken: bob.accessToken, body: { display_name: 'mine now' } });
    assert.equal(res.status, 404);
    assert.equal((await get(`/devices/${alice.deviceId}`)).json.display_name, 'First');
  });

  it('DELETE /devices/{id}: challenge, wrong password, then deleted with its token', async () => {
    const tablet = await loginUser(server, 'alice', 'pw-alice');
    const path = `${V3}/devices/${tablet.deviceId}`;
    const first = await server.inject({ method: 'DELETE', path, accessToken: alice.accessToken });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.password'] }]);
    assert.equal(first.json.errcode, undefined);
    const session = first.json.session;
    const wrong = await server.inject({ method: 'DELETE', path, accessToken: alice.accessToken, body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: 'bad', session } } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    assert.equal(wrong.json.session, session);
    assert.equal((await get('/account/whoami', tablet.accessToken)).status, 200, 'nothing deleted yet');
    const ok = await server.inject({ method: 'DELETE', path, accessToken: alice.accessToken, body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: 'pw-alice', session } } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await get('/account/whoami', tablet.accessToken)).json.errcode, 'M_UNKNOWN_TOKEN');
    assert.equal((await get(`/devices/${tablet.deviceId}`)).status, 404);
  });

  it('a UIA session for one device cannot delete another', async () => {
    const a = await loginUser(server, 'alice', 'pw-alice');
    const b = await loginUser(server, 'alice', 'pw-alice');
    const first = await server.inject({ method: 'DELETE', path: `${V3}/devices/${a.deviceId}`, accessToken: alice.accessToken });
    const res = await server.inject({
      method: 'DELETE', path: `${V3}/devices/${b.deviceId}`, accessToken: alice.accessToken,
      body: { auth: { type: 'm.login.password', user: 'alice', password: 'pw-alice', session: first.json.session } },
    });
    assert.equal(res.status, 403);
    assert.equal((await get('/account/whoami', b.accessToken)).status, 200);
  });

  it('DELETE /devices/{id} requires the UIA user to be the device owner: another user\'s password is 403', async () => {
    await registerUser(server, 'mallory', 'pw-mallory');
    const a = await loginUser(server, 'alice', 'pw-alice');
    const first = await server.inject({ method: 'DELETE', path: `${V3}/devices/${a.deviceId}`, accessToken: alice.accessToken, body: {} });
    assert.equal(first.status, 401);
    const res = await server.inject({
      method: 'DELETE', path: `${V3}/devices/${a.deviceId}`, accessToken: alice.accessToken,
      body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@mallory:localhost' }, password: 'pw-mallory', session: first.json.session } },
    });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.errcode, 'M_FORBIDDEN');
    // a wrong password for the other user is still a failed stage: a 401 round with the session
    const wrong = await server.inject({
      method: 'DELETE', path: `${V3}/devices/${a.deviceId}`, accessToken: alice.accessToken,
      body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'mallory' }, password: 'nope', session: first.json.session } },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    assert.equal(wrong.json.session, first.json.session);
    assert.equal((await get('/account/whoami', a.accessToken)).status, 200, 'the device is still there');
  });

  it('POST /delete_devices deletes several at once', async () => {
    const a = await loginUser(server, 'alice', 'pw-alice');
    const b = await loginUser(server, 'alice', 'pw-alice');
    const body = { devices: [a.deviceId, b.deviceId, 'NEVEREXISTED'] };
    const first = await server.inject({ method: 'POST', path: `${V3}/delete_devices`, accessToken: alice.accessToken, body });
    assert.equal(first.status, 401);
    const ok = await server.inject({
      method: 'POST', path: `${V3}/delete_devices`, accessToken: alice.accessToken,
      body: { ...body, auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'pw-alice', session: first.json.session } },
    });
    assert.equal(ok.status, 200, ok.text);
    for (const t of [a.accessToken, b.accessToken]) assert.equal((await get('/account/whoami', t)).status, 401);
    assert.equal((await get('/account/whoami')).status, 200);
    const missing = await server.inject({ method: 'POST', path: `${V3}/delete_devices`, accessToken: alice.accessToken, body: {} });
    assert.equal(missing.json.errcode, 'M_MISSING_PARAM');
  });
});
