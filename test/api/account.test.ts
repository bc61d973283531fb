// Registration, login, whoami, logout, password change and deactivation as a client sees
// them: the UIA rounds, every error the spec names, and the sessions that result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser } from '../helpers/users.js';

const V3 = '/_matrix/client/v3';

describe('registration (open: m.login.dummy)', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adapter: 'none' }); });
  after(async () => { await server.close(); });

  it('answers the first request with the UIA flows and a session, without an errcode', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'wonderland-1' } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.json.flows, [{ stages: ['m.login.dummy'] }]);
    assert.deepEqual(res.json.params, {});
    assert.equal(typeof res.json.session, 'string');
    assert.equal(res.json.errcode, undefined);
    assert.equal(res.json.completed, undefined);
  });

  it('registers with the dummy stage, and the token works for whoami', async () => {
    const alice = await registerUser(server, 'alice', 'wonderland-1');
    assert.equal(alice.userId, '@alice:localhost');
    assert.match(alice.deviceId, /^[A-Z]{10}$/);
    const who = await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: alice.accessToken });
    assert.equal(who.status, 200);
    assert.deepEqual(who.json, { user_id: '@alice:localhost', device_id: alice.deviceId, is_guest: false });
    // r0 paths answer too
    const r0 = await server.inject({ method: 'GET', path: '/_matrix/client/r0/account/whoami', accessToken: alice.accessToken });
    assert.equal(r0.json.user_id, '@alice:localhost');
  });

  it('reports a taken or invalid username before any auth round', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'x' } });
    assert.equal(res.status, 400);
    assert.equal(res.json.errcode, 'M_USER_IN_USE');
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'ALICE', password: 'x' } });
    assert.equal(res.json.errcode, 'M_USER_IN_USE', 'usernames are case-folded');
    for (const bad of ['bad name', 'émile', 'a:b', '_reserved', '12345', '', 'x'.repeat(250)]) {
      res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: bad, password: 'x' } });
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.errcode, 'M_INVALID_USERNAME', bad);
    }
  });

  it('GET /register/available: free, taken, invalid, missing', async () => {
    let res = await server.inject({ method: 'GET', path: `${V3}/register/available`, query: { username: 'bob' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { available: true });
    res = await server.inject({ method: 'GET', path: `${V3}/register/available`, query: { username: 'alice' } });
    assert.equal(res.json.errcode, 'M_USER_IN_USE');
    res = await server.inject({ method: 'GET', path: `${V3}/register/available`, query: { username: 'no way' } });
    assert.equal(res.json.errcode, 'M_INVALID_USERNAME');
    res = await server.inject({ method: 'GET', path: `${V3}/register/available` });
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
  });

  it('rejects an unknown session and a stage not offered', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'carol', auth: { type: 'm.login.dummy', session: 'nope' } } });
    assert.equal(res.status, 400);
    const first = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'carol', password: 'pw' } });
    const session = first.json.session;
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'carol', password: 'pw', auth: { type: 'm.login.password', session } } });
    assert.equal(res.status, 401);
    assert.equal(res.json.errcode, 'M_UNRECOGNIZED');
    assert.equal(res.json.session, session);
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'carol', password: 'pw', auth: { type: 'm.login.dummy', session } } });
    assert.equal(res.status, 200);
    // a finished session registers nothing more: asked again, it answers for the same account
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'carol2', password: 'pw', auth: { type: 'm.login.dummy', session } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.user_id, '@carol:localhost');
    res = await server.inject({ method: 'GET', path: `${V3}/register/available`, query: { username: 'carol2' } });
    assert.deepEqual(res.json, { available: true });
  });

  it('registration is idempotent within its session, with or without a username (Synapse; sytest)', async () => {
    for (const username of ['idem', undefined]) {
      const body = { ...(username !== undefined ? { username } : {}), password: 's3kr1t-pw' };
      const first = await server.inject({ method: 'POST', path: `${V3}/register`, body });
      const auth = { type: 'm.login.dummy', session: first.json.session };
      const one = await server.inject({ method: 'POST', path: `${V3}/register`, body: { ...body, auth } });
      assert.equal(one.status, 200, one.text);
      const two = await server.inject({ method: 'POST', path: `${V3}/register`, body: { ...body, auth } });
      assert.equal(two.status, 200, two.text);
      assert.equal(two.json.user_id, one.json.user_id);
      assert.notEqual(two.json.access_token, one.json.access_token, 'a new login');
      const who = await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: two.json.access_token });
      assert.equal(who.json.user_id, one.json.user_id);
    }
  });

  it('registration remembers the first request\'s parameters (not the password): the last round may carry only auth and the password', async () => {
    const first = await server.inject({
      method: 'POST', path: `${V3}/register`,
      body: { username: 'remembered', password: 'kept-secret', device_id: 'XYZZY', initial_device_display_name: 'Remembered phone' },
    });
    assert.equal(first.status, 401);
    const done = await server.inject({ method: 'POST', path: `${V3}/register`, body: { password: 'kept-secret', auth: { type: 'm.login.dummy', session: first.json.session } } });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.user_id, '@remembered:localhost');
    assert.equal(done.json.device_id, 'XYZZY');
    const device = await server.inject({ method: 'GET', path: `${V3}/devices/XYZZY`, accessToken: done.json.access_token });
    assert.equal(device.json.display_name, 'Remembered phone');
    await loginUser(server, 'remembered', 'kept-secret');
  });

  it('inhibit_login returns no token; device_id and initial_device_display_name name the device', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'dave', password: 'pw-dave', inhibit_login: true, auth: { type: 'm.login.dummy' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['home_server', 'user_id']);
    const erin = await registerUser(server, 'erin', 'pw-erin', { device_id: 'ERINPHONE', initial_device_display_name: 'Erin phone' });
    assert.equal(erin.deviceId, 'ERINPHONE');
    res = await server.inject({ method: 'GET', path: `${V3}/devices/ERINPHONE`, accessToken: erin.accessToken });
    assert.equal(res.json.display_name, 'Erin phone');
    // a user registered without login can still log in
    const dave = await loginUser(server, 'dave', 'pw-dave');
    assert.equal(dave.userId, '@dave:localhost');
  });

  it('a missing username gets a generated one', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { password: 'pw', auth: { type: 'm.login.dummy' } } });
    assert.equal(res.status, 200);
    assert.match(res.json.user_id, /^@u[0-9a-f]+:localhost$/);
  });

  it('guests are refused unless enabled; bad kind is M_INVALID_PARAM', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'guest' }, body: {} });
    assert.equal(res.status, 403);
    assert.equal(res.json.errcode, 'M_FORBIDDEN');
    res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'admin' }, body: {} });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
  });

  it('a bad body is a Matrix error', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 5 } });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: '{nope' });
    assert.equal(res.json.errcode, 'M_NOT_JSON');
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'frank', password: 'p'.repeat(513), auth: { type: 'm.login.dummy' } } });
    assert.equal(res.json.errcode, 'M_INVALID_PARAM');
  });
});

describe('registration with a registration token', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adapter: 'none', config: { registration: { open: false, token: 'let-me-in.42', allow_guests: true } } }); });
  after(async () => { await server.close(); });

  it('offers m.login.registration_token and checks it', async () => {
    const first = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'pw-alice' } });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.registration_token'] }]);
    const session = first.json.session;
    let res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'pw-alice', auth: { type: 'm.login.registration_token', token: 'wrong', session } } });
    assert.equal(res.status, 401);
    assert.equal(res.json.errcode, 'M_FORBIDDEN');
    assert.deepEqual(res.json.flows, [{ stages: ['m.login.registration_token'] }]);
    assert.equal(res.json.session, session);
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'pw-alice', auth: { type: 'm.login.dummy', session } } });
    assert.equal(res.status, 401, 'the dummy stage is not offered when a token is required');
    res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'alice', password: 'pw-alice', auth: { type: 'm.login.registration_token', token: 'let-me-in.42', session } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.user_id, '@alice:localhost');
  });

  it('GET /v1/register/m.login.registration_token/validity', async () => {
    const path = '/_matrix/client/v1/register/m.login.registration_token/validity';
    let res = await server.inject({ method: 'GET', path, query: { token: 'let-me-in.42' } });
    assert.deepEqual(res.json, { valid: true });
    res = await server.inject({ method: 'GET', path, query: { token: 'let-me-in.4' } });
    assert.deepEqual(res.json, { valid: false });
    res = await server.inject({ method: 'GET', path });
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
  });

  it('guests register without auth when allowed, and are guests', async () => {
    const res = await server.inject({ method: 'POST', path: `${V3}/register`, query: { kind: 'guest' }, body: {} });
    assert.equal(res.status, 200, res.text);
    assert.match(res.json.user_id, /^@\d+:localhost$/);
    const who = await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: res.json.access_token });
    assert.equal(who.json.is_guest, true);
  });
});

describe('registration disabled', () => {
  it('is M_FORBIDDEN', async () => {
    const server = await startTestServer({ adapter: 'none', config: { registration: { enabled: false } } });
    try {
      const res = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'x', auth: { type: 'm.login.dummy' } } });
      assert.equal(res.status, 403);
      assert.equal(res.json.errcode, 'M_FORBIDDEN');
    } finally {
      await server.close();
    }
  });
});

describe('login, whoami, logout', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ adapter: 'none' });
    await registerUser(server, 'alice', 'wonderland-1');
  });
  after(async () => { await server.close(); });

  it('GET /login offers m.login.password', async () => {
    const res = await server.inject({ method: 'GET', path: `${V3}/login` });
    assert.deepEqual(res.json, { flows: [{ type: 'm.login.password' }] });
  });

  it('logs in by m.id.user, by full id in any case, and by the deprecated `user`', async () => {
    const a = await loginUser(server, 'alice', 'wonderland-1');
    assert.equal(a.userId, '@alice:localhost');
    const b = await loginUser(server, '@Alice:localhost', 'wonderland-1');
    assert.equal(b.userId, '@alice:localhost');
    assert.notEqual(a.deviceId, b.deviceId);
    const res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', user: 'alice', password: 'wonderland-1' } });
    assert.equal(res.status, 200);
    assert.equal(res.json.home_server, 'localhost');
    assert.equal(res.json.refresh_token, undefined);
  });

  it('wrong password, unknown user and other servers are all 403 M_FORBIDDEN', async () => {
    for (const [user, password] of [['alice', 'wrong'], ['nobody', 'x'], ['@alice:elsewhere.org', 'wonderland-1']]) {
      const res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password } });
      assert.equal(res.status, 403, `${user}`);
      assert.equal(res.json.errcode, 'M_FORBIDDEN');
    }
  });

  it('bad login requests are 400s', async () => {
    let res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.token', token: 'x' } });
    assert.equal(res.status, 400);
    assert.equal(res.json.errcode, 'M_UNKNOWN');
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { identifier: { type: 'm.id.user', user: 'alice' }, password: 'x' } });
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'a@b.c' }, password: 'x' } });
    assert.equal(res.status, 400);
    // no identifier nor `user`, or no password: the parameter is missing (as Synapse)
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', password: 'x' } });
    assert.equal(res.status, 400);
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' } } });
    assert.equal(res.status, 400);
    assert.equal(res.json.errcode, 'M_MISSING_PARAM');
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 5 }, password: 'x' } });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
    res = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', user: 'alice', password: 7 } });
    assert.equal(res.json.errcode, 'M_BAD_JSON');
  });

  it('a known device_id is reused, a new one is created', async () => {
    const a = await loginUser(server, 'alice', 'wonderland-1', { device_id: 'LAPTOP', initial_device_display_name: 'Laptop' });
    assert.equal(a.deviceId, 'LAPTOP');
    const before = (await server.inject({ method: 'GET', path: `${V3}/devices`, accessToken: a.accessToken })).json.devices.length;
    const b = await loginUser(server, 'alice', 'wonderland-1', { device_id: 'LAPTOP' });
    assert.equal(b.deviceId, 'LAPTOP');
    const list = (await server.inject({ method: 'GET', path: `${V3}/devices`, accessToken: b.accessToken })).json.devices;
    assert.equal(list.length, before);
    assert.equal(list.find((d: { device_id: string }) => d.device_id === 'LAPTOP').display_name, 'Laptop');
  });

  it('no token is M_MISSING_TOKEN, an unknown one M_UNKNOWN_TOKEN', async () => {
    let res = await server.inject({ method: 'GET', path: `${V3}/account/whoami` });
    assert.equal(res.status, 401);
    assert.equal(res.json.errcode, 'M_MISSING_TOKEN');
    res = await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: 'myt_nope' });
    assert.equal(res.status, 401);
    assert.equal(res.json.errcode, 'M_UNKNOWN_TOKEN');
    assert.equal(res.json.soft_logout, false, 'a hard logout, said explicitly (as Synapse)');
  });

  it('logout ends that session and deletes its device; others keep working', async () => {
    const a = await loginUser(server, 'alice', 'wonderland-1');
    const b = await loginUser(server, 'alice', 'wonderland-1');
    const res = await server.inject({ method: 'POST', path: `${V3}/logout`, accessToken: a.accessToken, body: {} });
    assert.equal(res.status, 200);
    const after = await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: a.accessToken });
    assert.equal(after.status, 401);
    assert.equal(after.json.errcode, 'M_UNKNOWN_TOKEN');
    assert.equal(after.json.soft_logout, false);
    const devices = (await server.inject({ method: 'GET', path: `${V3}/devices`, accessToken: b.accessToken })).json.devices as { device_id: string }[];
    assert.ok(!devices.some((d) => d.device_id === a.deviceId));
    assert.ok(devices.some((d) => d.device_id === b.deviceId));
  });

  it('logout/all ends every session', async () => {
    const a = await loginUser(server, 'alice', 'wonderland-1');
    const b = await loginUser(server, 'alice', 'wonderland-1');
    assert.equal((await server.inject({ method: 'POST', path: `${V3}/logout/all`, accessToken: a.accessToken, body: {} })).status, 200);
    for (const t of [a.accessToken, b.accessToken]) {
      assert.equal((await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: t })).status, 401);
    }
    const c = await loginUser(server, 'alice', 'wonderland-1');
    const devices = (await server.inject({ method: 'GET', path: `${V3}/devices`, accessToken: c.accessToken })).json.devices;
    assert.equal(devices.length, 1);
  });
});

describe('password change and deactivation (UIA m.login.password)', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adapter: 'none' }); });
  after(async () => { await server.close(); });

  it('changes the password after a password stage; other sessions end, this one stays', async () => {
    const a = await registerUser(server, 'pat', 'old-password');
    const other = await loginUser(server, 'pat', 'old-password');
    const first = await server.inject({ method: 'POST', path: `${V3}/account/password`, accessToken: a.accessToken, body: { new_password: 'new-password' } });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.password'] }]);
    const session = first.json.session;
    const wrong = await server.inject({
      method: 'POST', path: `${V3}/account/password`, accessToken: a.accessToken,
      body: { new_password: 'new-password', auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'pat' }, password: 'nope', session } },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errcode, 'M_FORBIDDEN');
    assert.deepEqual(wrong.json.flows, [{ stages: ['m.login.password'] }]);
    assert.equal(wrong.json.session, session);
    const ok = await server.inject({
      method: 'POST', path: `${V3}/account/password`, accessToken: a.accessToken,
      body: { new_password: 'new-password', auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'pat' }, password: 'old-password', session } },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: a.accessToken })).status, 200);
    assert.equal((await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: other.accessToken })).status, 401);
    const old = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', user: 'pat', password: 'old-password' } });
    assert.equal(old.status, 403);
    await loginUser(server, 'pat', 'new-password');
  });

  it('logout_devices: false keeps the other sessions; another user\'s password is refused', async () => {
    const a = await registerUser(server, 'quinn', 'pw-quinn');
    await registerUser(server, 'rita', 'pw-rita');
    const other = await loginUser(server, 'quinn', 'pw-quinn');
    const stolen = await server.inject({
      method: 'POST', path: `${V3}/account/password`, accessToken: a.accessToken,
      body: { new_password: 'x1', auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'rita' }, password: 'pw-rita' } },
    });
    // another account's right password proves the wrong user: 403, not a new UIA round (Synapse, sytest)
    assert.equal(stolen.status, 403);
    assert.equal(stolen.json.errcode, 'M_FORBIDDEN');
    assert.equal(stolen.json.flows, undefined);
    const ok = await server.inject({
      method: 'POST', path: `${V3}/account/password`, accessToken: a.accessToken,
      body: { new_password: 'pw-quinn-2', logout_devices: false, auth: { type: 'm.login.password', user: 'quinn', password: 'pw-quinn' } },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: other.accessToken })).status, 200);
  });

  it('without a token, the password stage names the account', async () => {
    await registerUser(server, 'sam', 'pw-sam');
    const ok = await server.inject({
      method: 'POST', path: `${V3}/account/password`,
      body: { new_password: 'pw-sam-2', auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'sam' }, password: 'pw-sam' } },
    });
    assert.equal(ok.status, 200, ok.text);
    await loginUser(server, 'sam', 'pw-sam-2');
  });

  it('deactivation ends every session, frees nothing, and blocks login', async () => {
    const t = await registerUser(server, 'tess', 'pw-tess');
    const other = await loginUser(server, 'tess', 'pw-tess');
    const first = await server.inject({ method: 'POST', path: `${V3}/account/deactivate`, accessToken: t.accessToken, body: {} });
    assert.equal(first.status, 401);
    assert.deepEqual(first.json.flows, [{ stages: ['m.login.password'] }]);
    const res = await server.inject({
      method: 'POST', path: `${V3}/account/deactivate`, accessToken: t.accessToken,
      body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@tess:localhost' }, password: 'pw-tess', session: first.json.session } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { id_server_unbind_result: 'no-support' });
    for (const token of [t.accessToken, other.accessToken]) {
      assert.equal((await server.inject({ method: 'GET', path: `${V3}/account/whoami`, accessToken: token })).json.errcode, 'M_UNKNOWN_TOKEN');
    }
    const login = await server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', user: 'tess', password: 'pw-tess' } });
    assert.equal(login.status, 403);
    const again = await server.inject({ method: 'POST', path: `${V3}/register`, body: { username: 'tess', auth: { type: 'm.login.dummy' } } });
    assert.equal(again.json.errcode, 'M_USER_IN_USE', 'a deactivated user id is never reused');
  });
});

describe('deactivation and rooms', () => {
  it('leaves joined rooms and rejects pending invites', async () => {
    const server = await startTestServer({ adapter: 'none' });
    try {
      const uma = await registerUser(server, 'uma', 'pw-uma');
      const vic = await registerUser(server, 'vic', 'pw-vic');
      const create = async (token: string, body: Record<string, unknown>) => {
        const res = await server.inject({ method: 'POST', path: `${V3}/createRoom`, accessToken: token, body });
        assert.equal(res.status, 200, res.text);
        return res.json.room_id as string;
      };
      const joined = await create(vic.accessToken, { preset: 'public_chat' });
      assert.equal((await server.inject({ method: 'POST', path: `${V3}/join/${encodeURIComponent(joined)}`, accessToken: uma.accessToken, body: {} })).status, 200);
      const invited = await create(vic.accessToken, { preset: 'private_chat', invite: [uma.userId] });
      const res = await server.inject({
        method: 'POST', path: `${V3}/account/deactivate`, accessToken: uma.accessToken,
        body: { auth: { type: 'm.login.password', user: 'uma', password: 'pw-uma' } },
      });
      assert.equal(res.status, 200, res.text);
      const { store } = server.services;
      for (const roomId of [joined, invited]) {
        const m = await store.read((tx) => store.membership.get(tx, roomId, uma.userId));
        assert.equal(m?.membership, 'leave', roomId);
      }
    } finally {
      await server.close();
    }
  });
});

describe('over HTTP', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adapter: 'node' }); });
  after(async () => { await server.close(); });

  it('register → login → whoami → logout', async () => {
    const post = (path: string, body: unknown, token?: string) => fetch(`${server.url}${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    let res = await post(`${V3}/register`, { username: 'wire', password: 'pw-wire' });
    assert.equal(res.status, 401);
    const session = ((await res.json()) as { session: string }).session;
    res = await post(`${V3}/register`, { username: 'wire', password: 'pw-wire', auth: { type: 'm.login.dummy', session } });
    assert.equal(res.status, 200);
    res = await post(`${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'wire' }, password: 'pw-wire' });
    const login = (await res.json()) as { access_token: string; device_id: string };
    res = await fetch(`${server.url}${V3}/account/whoami`, { headers: { authorization: `Bearer ${login.access_token}` } });
    assert.deepEqual(await res.json(), { user_id: '@wire:localhost', device_id: login.device_id, is_guest: false });
    res = await post(`${V3}/logout`, {}, login.access_token);
    assert.equal(res.status, 200);
    res = await fetch(`${server.url}${V3}/account/whoami?access_token=${encodeURIComponent(login.access_token)}`);
    assert.equal(res.status, 401);
  });
});

describe('rate limits', () => {
  it('login and register use their own classes', async () => {
    const server = await startTestServer({
      adapter: 'none',
      config: { rate_limits: { enabled: true, login: { per_second: 0.001, burst: 2 }, register: { per_second: 0.001, burst: 1 } } },
    });
    try {
      const login = () => server.inject({ method: 'POST', path: `${V3}/login`, body: { type: 'm.login.password', user: 'x', password: 'y' } });
      assert.equal((await login()).status, 403);
      assert.equal((await login()).status, 403);
      const limited = await login();
      assert.equal(limited.status, 429);
      assert.equal(limited.json.errcode, 'M_LIMIT_EXCEEDED');
      assert.ok(limited.json.retry_after_ms > 0);
      const reg = () => server.inject({ method: 'GET', path: `${V3}/register/available`, query: { username: 'zed' } });
      assert.equal((await reg()).status, 200);
      assert.equal((await reg()).status, 429);
    } finally {
      await server.close();
    }
  });
});
