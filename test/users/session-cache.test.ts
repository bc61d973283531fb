// Access tokens are cached per process after their first use (src/users/sessions.ts): every way a
// token ends must still refuse it on the very next request, including when another process
// sharing the store revoked it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loginUser, registerUser, type TestUser } from '../helpers/users.js';

const WHOAMI = '/_matrix/client/v3/account/whoami';

async function whoami(server: TestServer, user: TestUser): Promise<{ status: number; errcode?: string; userId?: string }> {
  const r = await server.inject({ method: 'GET', path: WHOAMI, accessToken: user.accessToken });
  return { status: r.status, errcode: r.json?.errcode, userId: r.json?.user_id };
}

/** Use the token twice so it is surely cached, and check it works. */
async function warm(server: TestServer, user: TestUser): Promise<void> {
  for (let i = 0; i < 2; i++) assert.deepEqual(await whoami(server, user), { status: 200, errcode: undefined, userId: user.userId });
}

async function assertRefused(server: TestServer, user: TestUser): Promise<void> {
  const r = await whoami(server, user);
  assert.equal(r.status, 401);
  assert.equal(r.errcode, 'M_UNKNOWN_TOKEN');
}

function passwordAuth(user: TestUser, session: string): Record<string, unknown> {
  return { type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: user.password, session };
}

/** Run a UIA m.login.password request to completion. */
async function withPassword(server: TestServer, user: TestUser, method: string, path: string, body: Record<string, unknown>): Promise<void> {
  const first = await server.inject({ method, path, accessToken: user.accessToken, body });
  assert.equal(first.status, 401, first.text);
  const done = await server.inject({ method, path, accessToken: user.accessToken, body: { ...body, auth: passwordAuth(user, first.json.session) } });
  assert.equal(done.status, 200, done.text);
}

describe('cached access tokens are refused as soon as they are revoked', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adapter: 'none' }); });
  after(async () => { await server?.close(); });

  it('logout: the cached token is refused on the next request, other sessions keep working', async () => {
    const a = await registerUser(server, 'sc_logout');
    const b = await loginUser(server, a.userId, a.password);
    await warm(server, a);
    await warm(server, b);
    const out = await server.inject({ method: 'POST', path: '/_matrix/client/v3/logout', accessToken: a.accessToken, body: {} });
    assert.equal(out.status, 200, out.text);
    await assertRefused(server, a);
    await warm(server, b);
  });

  it('logout/all refuses every cached token of the user', async () => {
    const a = await registerUser(server, 'sc_logout_all');
    const b = await loginUser(server, a.userId, a.password);
    await warm(server, a);
    await warm(server, b);
    const out = await server.inject({ method: 'POST', path: '/_matrix/client/v3/logout/all', accessToken: a.accessToken, body: {} });
    assert.equal(out.status, 200, out.text);
    await assertRefused(server, a);
    await assertRefused(server, b);
  });

  it('deleting a device refuses its cached token', async () => {
    const a = await registerUser(server, 'sc_delete');
    const b = await loginUser(server, a.userId, a.password);
    await warm(server, b);
    await withPassword(server, a, 'DELETE', `/_matrix/client/v3/devices/${encodeURIComponent(b.deviceId)}`, {});
    await assertRefused(server, b);
    await warm(server, a);
  });

  it('a password change logs the other cached sessions out (logout_devices defaults to true)', async () => {
    const a = await registerUser(server, 'sc_password');
    const b = await loginUser(server, a.userId, a.password);
    await warm(server, a);
    await warm(server, b);
    await withPassword(server, a, 'POST', '/_matrix/client/v3/account/password', { new_password: 'a-new-secret' });
    await assertRefused(server, b);
    await warm(server, a);
  });

  it('deactivation refuses every cached token of the account', async () => {
    const a = await registerUser(server, 'sc_deactivate');
    const b = await loginUser(server, a.userId, a.password);
    await warm(server, a);
    await warm(server, b);
    await withPassword(server, a, 'POST', '/_matrix/client/v3/account/deactivate', {});
    await assertRefused(server, a);
    await assertRefused(server, b);
  });
});

describe('a token revoked by another process sharing the store', () => {
  let first: TestServer;
  let second: TestServer;
  before(async () => {
    first = await startTestServer({ adapter: 'none' });
    second = await startTestServer({ adapter: 'none', storePath: first.storePath });
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('is refused by this process on its next request', async () => {
    const a = await registerUser(first, 'sc_shared');
    const b = await loginUser(first, a.userId, a.password);
    await warm(first, a);
    await warm(first, b);
    await warm(second, a);
    const out = await second.inject({ method: 'POST', path: '/_matrix/client/v3/logout', accessToken: a.accessToken, body: {} });
    assert.equal(out.status, 200, out.text);
    // Another process's commit shows in this one's reads once lmdb-js renews its read snapshot
    // (a few milliseconds): wait until this process's store no longer has the token, then the
    // cached token must be refused at once.
    const { store } = first.services;
    for (let i = 0; i < 400; i++) {
      if ((await store.read((tx) => store.devices.accessToken(tx, a.accessToken))) === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await assertRefused(first, a);
    await warm(first, b);
  });
});
