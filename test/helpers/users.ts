// Accounts for tests: register through the real /register UIA flow (m.login.dummy, as with
// registration open in startTestServer) and log in. Importing this module lowers the scrypt
// cost of new password hashes (MYELIN_SCRYPT_LN, see src/users/context.ts) so each account
// costs a millisecond, not a second.
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

process.env.MYELIN_SCRYPT_LN ??= '10';

export interface TestUser {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
  readonly password: string;
}

type Sender = Pick<TestServer, 'inject'>;

/** Register `username` (open registration: one dummy stage) and return its first session. */
export async function registerUser(server: Sender, username: string, password = `pw-${username}-secret`, extra: Record<string, unknown> = {}): Promise<TestUser> {
  const first = await server.inject({ method: 'POST', path: '/_matrix/client/v3/register', body: { username, password, ...extra } });
  assert.equal(first.status, 401, first.text);
  const session = first.json.session as string;
  const res = await server.inject({
    method: 'POST', path: '/_matrix/client/v3/register',
    body: { username, password, ...extra, auth: { type: 'm.login.dummy', session } },
  });
  assert.equal(res.status, 200, res.text);
  return { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password };
}

/** A new session (device) of an existing user. */
export async function loginUser(server: Sender, user: string, password: string, extra: Record<string, unknown> = {}): Promise<TestUser> {
  const res = await server.inject({
    method: 'POST', path: '/_matrix/client/v3/login',
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password, ...extra },
  });
  assert.equal(res.status, 200, res.text);
  return { userId: res.json.user_id, accessToken: res.json.access_token, deviceId: res.json.device_id, password };
}
